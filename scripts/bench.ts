/**
 * `npm run bench [-- --units 20000 --sim-units 1000 --sim-years 3 --sim-compare 0 --concurrency 16 --json]`
 *
 * What the daily run costs, on one machine (ARCHITECTURE "Scale"; not a timed test):
 *  1. starts one DynamoDB Local (in memory) and the embedded stack on it, its store client metered
 *     (shared/adapters/dynamodb/read-meter.ts);
 *  2. seeds `--units` paying customers as of the day before the ordinary day: 25 % started in March of
 *     the previous year (so they renew on April 1st, the spike), the rest spread over the other eleven
 *     months of the year before. Each unit is made by the real use cases (submitApplication,
 *     acceptApplication, recordPayment of each invoice ten days after issue, then a catch-up through
 *     changeUnit) over the real DynamoUnitRepository, whose writes are captured in memory and then
 *     bulk-loaded with BatchWriteItem (`--concurrency` in flight): the items are the ones the code
 *     writes, without the transactions' round trips. Left out because no run ever reads them: the
 *     delivered outbox of the past and the spent wake-ups (agenda dates before the ordinary day);
 *  3. runs the real daily run (handler → lifecycle queue → worker → mailer / provisioner, drained) for
 *     an ordinary day and, after catching up the days between, for April 1st, and reports per day:
 *     dueItems, itemsRead (the meter: items every read of the run and its workers evaluated),
 *     readAmplification (items read per due item), itemsPerSecond (due items per second, end to end,
 *     mails not paced to the SES quota). dueItems are the day's wake-ups, stale ones included (e.g. the
 *     overdue check of an invoice paid since: a no-op that still costs its agenda entry and unit read);
 *  4. runs the simulator (infra/local/simulator.ts, on the memory store) on a generated scenario of
 *     `--sim-units` units over `--sim-years` years (applications, acceptances, additional lines,
 *     cancellations and the payment of every invoice, computed with the pure domain) and reports
 *     unitYearsPerSecond = units × years / seconds; `--sim-compare N` runs N units as the test clock ran
 *     before issue 15 (DynamoDB Local, loopback HTTP to the emulator and to the sink with aws-ses-v2-local)
 *     and as it runs now (memory store, in-process transport) back to back (the before/after ratio) and
 *     compares the two Results;
 *  5. projects the spike day onto AWS (scripts/projection.ts) from what it counted per due unit.
 * Progress (seeding, catch-up, simulation) goes to stderr.
 * `--json` prints one JSON object instead of the table.
 */
import '#local/local-env.ts';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Progress } from '#runtime/progress.ts';
import { logger } from '#runtime/logger.ts';
import { project, QUOTAS, type Deployed, type MeasuredPerDue } from './projection.ts';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { operationOf } from '#adapters/dynamodb/read-meter.ts';
import { accept as acceptRule, newApplication } from '#domain/applications.ts';
import { contractorOf, seedUnits, type SeedReport, type SeedSpec } from '#local/seed.ts';
import { addDays, compareDates, date, daysBetween, jstInstant, localDate, parts, type LocalDate } from '#domain/calendar.ts';
import { buildConfig } from '#domain/config.ts';
import { cancel } from '#domain/cancellation.ts';
import { addLine } from '#domain/contracts.ts';
import { balance } from '#domain/invoices.ts';
import { advanceUnit, dueDates } from '#domain/lifecycle.ts';
import { basicLine } from '#domain/unit.ts';
import { recordPayment as payRule } from '#domain/payments.ts';
import { cancellationDeadline } from '#domain/terms.ts';
import type { Unit } from '#domain/unit.ts';
import { ManualClock } from '#runtime/clock.ts';
import { JAVA_HELP, javaVersion, startDynamoLocal } from '#local/dynamodb-local.ts';
import { simulate } from '#local/simulator.ts';
import { startEmbeddedStack, type EmbeddedStack } from '#local/stack.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import { MAILER_CONCURRENCY } from '../infra/cdk/stacks/jobs-stack.ts';

// ---------------------------------------------------------------------------------------------
// The daily-run measurements

/** A small deterministic generator (benchmarks must not vary from run to run). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 25 % start in March of the year before `spike` (they renew on the spike day), the rest over the other months. */
export function benchSpecs(n: number, spike: LocalDate, random = rng(1)): SeedSpec[] {
  const y = parts(spike).year - 1;
  const from = localDate(y, 2, 1); // Feb … Jan of the year before: start months whose renewals fall on every 1st
  const specs: SeedSpec[] = [];
  for (let i = 0; i < n; i++) {
    let start: LocalDate;
    if (i % 4 === 0) start = localDate(y, 3, 1 + Math.floor(random() * 31));
    else
      do start = addDays(from, Math.floor(random() * 366));
      while (parts(start).month === 3 && parts(start).year === y);
    specs.push({
      id: `b${String(i).padStart(6, '0')}`,
      plan: random() < 0.7 ? 'kokona' : 'self',
      accounts: 5 + Math.floor(random() * 20),
      start,
    });
  }
  return specs;
}

export interface DayFigures {
  readonly date: LocalDate;
  readonly dueItems: number;
  readonly itemsRead: number;
  readonly readRequests: number;
  readonly readCapacityUnits: number;
  /** Items read per due item (the physical floor is 1), everything the run set off included (notice and desktop-job delivery). */
  readonly readAmplification: number;
  /** The same for the daily run and the lifecycle workers alone (the agenda entry and the unit per due item). */
  readonly runReadAmplification: number;
  /** Due items per second, from the run's start until every queue is drained (mails and desktop jobs included). */
  readonly itemsPerSecond: number;
  readonly seconds: number;
  /** Until the lifecycle queue (the per-unit work) was drained. */
  readonly lifecycleSeconds: number;
  readonly readsByOperation: Readonly<Record<string, { requests: number; items: number; capacityUnits: number }>>;
  /** Items read by what they are: AGENDA (the day's wake-ups), UNIT, OUTBOX (notices and desktop jobs to deliver), RUN, gsi1:OUTBOX (relay sweep). */
  readonly itemsReadByKey: Readonly<Record<string, number>>;
  readonly writesByOperation: Readonly<Record<string, number>>;
  /** Items written by the run and everything it set off (a transaction's items each). */
  readonly itemsWritten: number;
  /** Items written per due item. */
  readonly writeAmplification: number;
  /** Notices sent (outbox items marked done) during the run. */
  readonly mails: number;
  /** Invoices issued by the run (issue 5's invoice run: on the spike day, every renewal's invoice). */
  readonly invoices: number;
  /** Invoices issued per second of the lifecycle work (the invoice run is part of each unit's day). */
  readonly invoicesPerSecond: number;
  /** Items the daily run and its workers read per invoice issued. */
  readonly itemsReadPerInvoice: number | null;
  /** Messages given up after their retries (must be 0). */
  readonly deadLetters: number;
  /** Write request units consumed (DynamoDB Local's ConsumedCapacity). */
  readonly writeCapacityUnits: number;
  /** Messages sent to the three queues (SQS on AWS). */
  readonly queueMessages: number;
  /** WorkSpaces API calls the emulator answered. */
  readonly workspacesCalls: number;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/** What the key of a read names: AGENDA, UNIT, OUTBOX, RUN, … (a Query by its partition value, GSI queries by index). */
function readTarget(op: string, input: Record<string, any>): string | null {
  if (op === 'GetItem') return String(input.Key?.pk).split('#')[0]!;
  if (op === 'Query')
    return input.IndexName
      ? `${input.IndexName}:${String(Object.values(input.ExpressionAttributeValues ?? {})[0]).split('#')[0]}`
      : String(input.ExpressionAttributeValues?.[':pk']).split('#')[0]!;
  return null;
}

/**
 * Successful writes of the store's client by kind, and the items read by what they are (installed
 * through the stack's `faults` hook, which hands over the store's client).
 */
class StoreCounter {
  counts: Record<string, number> = {};
  /** Write request units of every successful write (the ConsumedCapacity DynamoDB Local reports). */
  writeUnits = 0;
  day = '';
  readonly invoiceIds = new Set<string>();
  itemsReadByKey: Record<string, number> = {};
  itemsWritten = 0;
  readonly install = (db: DynamoDBDocumentClient) => {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const op0 = operationOf(context.commandName);
        if (WRITES.has(op0)) (args.input as Record<string, unknown>).ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const input = args.input as Record<string, any>;
        const op = operationOf(context.commandName);
        if (WRITES.has(op)) {
          const cc = (result.output as Record<string, any>).ConsumedCapacity;
          for (const c of Array.isArray(cc) ? cc : cc ? [cc] : []) this.writeUnits += Number(c.CapacityUnits ?? 0);
        }
        const target = readTarget(op, input);
        if (target) {
          const out = result.output as Record<string, any>;
          const n = op === 'GetItem' ? (out.Item ? 1 : 0) : Number(out.ScannedCount ?? out.Count ?? 0);
          this.itemsReadByKey[target] = (this.itemsReadByKey[target] ?? 0) + n;
        }
        if (WRITES.has(op)) this.counts[op] = (this.counts[op] ?? 0) + 1;
        // Items written (a transaction or batch counts each of its items; a failed request none).
        const written =
          op === 'TransactWriteItems'
            ? (input.TransactItems ?? []).filter((t: Record<string, unknown>) => !t.ConditionCheck).length
            : op === 'BatchWriteItem'
              ? Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).reduce((n, l) => n + l.length, 0)
              : WRITES.has(op)
                ? 1
                : 0;
        this.itemsWritten += written;
        // An invoice issued: its index entry is written, new, in the unit's transaction.
        if (op === 'TransactWriteItems')
          for (const t of (input.TransactItems ?? []) as { Put?: { Item?: Record<string, any> } }[])
            if (
              String(t.Put?.Item?.pk).startsWith('INVOICE#') &&
              t.Put?.Item?.summary?.issueDate === this.day &&
              t.Put.Item.summary.balance === t.Put.Item.summary.total
            )
              this.invoiceIds.add(String(t.Put.Item.pk));
        // A notice is sent once its outbox item is marked done.
        if (op === 'UpdateItem' && String(input.Key?.pk).startsWith('OUTBOX#N#') && String(input.UpdateExpression).includes(':done'))
          this.counts.noticesSent = (this.counts.noticesSent ?? 0) + 1;
        return result;
      },
      { step: 'initialize', name: 'benchStoreCounter' },
    );
  };
}

/**
 * Milliseconds to render one invoice PDF (the mailer's CPU per invoice mail, the projection's
 * "mailers" stage): `ids` (INVOICE#<id> keys) rendered one after the other with a fresh renderer, the
 * first (loading the renderer and the font) left out; the median.
 */
async function pdfRenderCost(stack: EmbeddedStack, keys: readonly string[]): Promise<number> {
  const documents = new PdfKitInvoiceDocuments();
  const times: number[] = [];
  for (const key of keys) {
    const id = key.replace(/^INVOICE#/, '');
    const unit = await stack.store.units.get(id.split('.')[0]!);
    const invoice = unit?.invoices?.find((i) => i.id === id);
    if (!invoice) continue;
    const t = performance.now();
    await documents.pdf(invoice);
    times.push(performance.now() - t);
  }
  const s = times.slice(1).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

async function measureDay(stack: EmbeddedStack, clock: ManualClock, writes: StoreCounter, day: LocalDate): Promise<DayFigures> {
  const meter = stack.readMeter!;
  clock.set(jstInstant(day, 0, 5));
  // The day's wake-ups, for the progress bar (read before the meter starts counting).
  const expected = (await stack.store.agenda.dueOn(day)).length;
  const handledBefore = stack.queues.lifecycle.handled;
  const mailsBefore = stack.queues.mail.handled;
  const progress = new Progress({ label: `daily run ${day}`, total: Math.max(1, expected), unit: 'due units' });
  meter.reset();
  writes.counts = {};
  writes.itemsReadByKey = {};
  writes.itemsWritten = 0;
  writes.day = day;
  writes.invoiceIds.clear();
  writes.writeUnits = 0;
  const sentBefore = queueMessages.n;
  const wsBefore = stack.emulator.calls.length;
  const deadBefore = deadLetters(stack);
  const t0 = performance.now();
  let lifecycleAt = 0;
  let busy = false;
  const watch = setInterval(() => {
    const depth = stack.queues.lifecycle.depth;
    if (depth > 0) busy = true;
    else if (busy && !lifecycleAt) lifecycleAt = performance.now();
  }, 2);
  const showing = setInterval(
    () =>
      progress.update(
        Math.min(expected, stack.queues.lifecycle.handled - handledBefore),
        `${stack.queues.mail.handled - mailsBefore} notices delivered, ${stack.queues.mail.depth} queued`,
      ),
    250,
  );
  const report = await stack.runDaily({ date: day });
  const t1 = performance.now();
  clearInterval(watch);
  clearInterval(showing);
  progress.finish(
    `${report.dueUnits} due units, ${stack.queues.mail.handled - mailsBefore} notices delivered, ${((t1 - t0) / 1000).toFixed(1)} s`,
  );
  const reads = meter.snapshot();
  const seconds = (t1 - t0) / 1000;
  const due = report.dueUnits;
  return {
    date: day,
    dueItems: due,
    itemsRead: reads.items,
    readRequests: reads.requests,
    readCapacityUnits: reads.capacityUnits,
    readAmplification: due > 0 ? round(reads.items / due, 2) : reads.items,
    runReadAmplification: due > 0 ? round((reads.items - (writes.itemsReadByKey.OUTBOX ?? 0)) / due, 2) : reads.items,
    itemsPerSecond: round(due / seconds, 1),
    seconds: round(seconds, 2),
    lifecycleSeconds: round(((lifecycleAt || t1) - t0) / 1000, 2),
    readsByOperation: reads.byOperation,
    itemsReadByKey: { ...writes.itemsReadByKey },
    writesByOperation: { ...writes.counts },
    itemsWritten: writes.itemsWritten,
    writeAmplification: due > 0 ? round(writes.itemsWritten / due, 2) : writes.itemsWritten,
    mails: writes.counts.noticesSent ?? 0,
    invoices: writes.invoiceIds.size,
    invoicesPerSecond: round(writes.invoiceIds.size / (((lifecycleAt || t1) - t0) / 1000), 1),
    itemsReadPerInvoice: writes.invoiceIds.size
      ? round((reads.items - (writes.itemsReadByKey.OUTBOX ?? 0)) / writes.invoiceIds.size, 2)
      : null,
    deadLetters: deadLetters(stack) - deadBefore,
    writeCapacityUnits: round(writes.writeUnits, 1),
    queueMessages: queueMessages.n - sentBefore,
    workspacesCalls: stack.emulator.calls.length - wsBefore,
  };
}

/** Messages sent to the stack's queues (counted by wrapping their send). */
const queueMessages = { n: 0 };
function countQueueMessages(stack: EmbeddedStack): void {
  for (const q of Object.values(stack.queues)) {
    const queue = q as { send(messages: readonly unknown[]): Promise<void> };
    const send = queue.send.bind(queue);
    queue.send = async (messages: readonly unknown[]) => {
      queueMessages.n += messages.length;
      return send(messages);
    };
  }
}

const deadLetters = (stack: EmbeddedStack) => Object.values(stack.queues).reduce((n, q) => n + q.deadLetters.length, 0);

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Runs `f` with at most `limit` fetches in flight. The simulator reads the mails back through
 * MailSinkClient.list(), which fetches every mail at once: with thousands of mails the sink resets
 * connections (ECONNRESET). Only that client uses fetch; the SDK clients do not.
 */
async function withBoundedFetch<T>(limit: number, f: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  let active = 0;
  const waiting: (() => void)[] = [];
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await original(...args);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  try {
    return await f();
  } finally {
    globalThis.fetch = original;
  }
}

// ---------------------------------------------------------------------------------------------
// The simulation: a generated scenario, payments computed with the pure domain

/**
 * `units` customers over `years` years from 2024-01-01: each applies and is accepted the same day in the
 * first quarter (start 0–20 days later), 20 % add a line later, 10 % cancel for a term end, and every
 * fees invoice is paid 3–20 days after issue. A shadow copy of each unit in the pure domain tells the
 * generator the invoices and their amounts, and which requests are valid.
 */
export function generateScenario(units: number, years: number, random = rng(7)) {
  const from = date('2024-01-01');
  const to = addDays(localDate(2024 + years, 1, 1), -1);
  const config = buildConfig({}); // the scenario has no config of its own
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < units; i++) {
    const ref = `s${String(i).padStart(5, '0')}`;
    const input = {
      plan: random() < 0.7 ? 'kokona' : 'self',
      accounts: 5 + Math.floor(random() * 20),
      contractor: contractorOf(ref, 500_000 + i),
    };
    const applied = addDays(from, Math.floor(random() * 90));
    const startDate = addDays(applied, Math.floor(random() * 21));
    events.push({ on: applied, type: 'apply', ref, ...input }, { on: applied, type: 'accept', ref, startDate });
    let u: Unit = { ...newApplication(ref, input, applied), receivedSeq: i + 1, version: 1 };
    u = acceptRule(u, startDate, applied, config).unit;
    const actions: { day: LocalDate; kind: 'line' | 'cancel' }[] = [];
    if (random() < 0.2) actions.push({ day: addDays(startDate, 30 + Math.floor(random() * 300)), kind: 'line' });
    if (random() < 0.1) actions.push({ day: addDays(startDate, 200 + Math.floor(random() * 500)), kind: 'cancel' });
    const pays = new Map<string, LocalDate>(); // invoice id → pay day
    for (;;) {
      const nextDue = dueDates(u, u.processedThrough, config)[0];
      const nextPay = [...pays.values()].sort(compareDates)[0];
      const nextAction = actions.map((a) => a.day).sort(compareDates)[0];
      const next = [nextDue, nextPay, nextAction].filter((d): d is LocalDate => !!d).sort(compareDates)[0];
      if (!next || compareDates(next, to) > 0) break;
      u = advanceUnit(u, next, config).unit;
      for (const a of actions.filter((x) => x.day === next)) {
        try {
          if (a.kind === 'line') {
            const line = `${ref}-x`;
            const startOn = addDays(next, Math.floor(random() * 10));
            u = addLine(u, { id: line, accounts: 5, startDate: startOn }, next, config).unit;
            events.push({ on: next, type: 'add_accounts', ref, line, accounts: 5, startDate: startOn });
          } else {
            const basic = basicLine(u);
            if (basic?.termEnd && compareDates(next, cancellationDeadline(basic.termEnd)) <= 0) {
              u = cancel(u, { end: 'term_end' }, next, config).unit;
              events.push({ on: next, type: 'cancel', ref, end: 'term_end' });
            }
          }
        } catch {
          /* not valid for this unit at that time: the customer does not ask */
        }
      }
      actions.splice(0, actions.length, ...actions.filter((x) => x.day !== next));
      for (const [id, day] of pays)
        if (day === next) {
          const inv = (u.invoices ?? []).find((x) => x.id === id)!;
          u = payRule(u, id, { amount: balance(inv), paidOn: next }, next, config).unit;
          events.push({ on: next, type: 'pay', ref, invoice: { issueDate: inv.issueDate, kind: inv.kind }, amount: balance(inv) });
          pays.delete(id);
        }
      for (const inv of u.invoices ?? [])
        if (inv.kind === 'fees' && balance(inv) > 0 && !pays.has(inv.id))
          pays.set(inv.id, addDays(inv.issueDate, 3 + Math.floor(random() * 18)));
    }
  }
  return { from, to, events };
}

// ---------------------------------------------------------------------------------------------

interface SimulationFigures {
  units: number;
  years: number;
  store: 'memory' | 'dynamodb';
  transport: 'http' | 'in-process';
  events: number;
  failedEvents: number;
  notices: number;
  seconds: number;
  unitYearsPerSecond: number;
  result?: unknown;
}

/** The generated scenario through the simulator on `store`, with a progress bar (stderr). */
async function runSimulation(
  units: number,
  years: number,
  store: 'memory' | 'dynamodb',
  log: (s: string) => void,
  dynamoEndpoint?: string,
  transport: 'http' | 'in-process' = 'in-process',
): Promise<SimulationFigures> {
  const scenario = generateScenario(units, years);
  log(
    `simulating ${units} units over ${years} years on the ${store} store, ${transport} transport (${scenario.events.length} events, ${daysBetween(scenario.from, scenario.to) + 1} daily runs) …`,
  );
  const progress = new Progress({ label: `simulating (${store})`, total: daysBetween(scenario.from, scenario.to) + 1, unit: 'days' });
  const t0 = performance.now();
  const result = await withBoundedFetch(16, () =>
    simulate(scenario, { store, dynamoEndpoint, transport, onDay: (day, done) => progress.update(done, day) }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const failedEvents = result.events.filter((e) => !e.ok).length;
  progress.finish(
    `${units} units × ${years} years on the ${store} store: ${scenario.events.length} events (${failedEvents} refused), ${result.notices.length} notices`,
  );
  return {
    units,
    years,
    store,
    transport,
    events: scenario.events.length,
    failedEvents,
    notices: result.notices.length,
    seconds: round(seconds, 1),
    unitYearsPerSecond: round((units * years) / seconds, 1),
    result,
  };
}

const writeRequests = (d: DayFigures) => Object.entries(d.writesByOperation).reduce((n, [k, v]) => (k === 'noticesSent' ? n : n + v), 0);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  logger.setLogLevel(process.env.POWERTOOLS_LOG_LEVEL as 'ERROR'); // built while the imports ran
  const { values } = parseArgs({
    options: {
      units: { type: 'string', default: '20000' },
      'sim-units': { type: 'string', default: '1000' },
      'sim-years': { type: 'string', default: '3' },
      /** Also simulate this many units on BOTH stores, back to back, for the before/after ratio (0: skip). */
      'sim-compare': { type: 'string', default: '0' },
      concurrency: { type: 'string', default: '16' },
      json: { type: 'boolean', default: false },
    },
  });
  const n = Number(values.units);
  const simUnits = Number(values['sim-units']);
  const simYears = Number(values['sim-years']);
  const concurrency = Number(values.concurrency);
  if (!(n >= 1 && simUnits >= 0 && simYears >= 1 && concurrency >= 1))
    throw new Error('--units ≥ 1, --sim-units ≥ 0, --sim-years ≥ 1, --concurrency ≥ 1');
  if (javaVersion() === null) throw new Error(JAVA_HELP);
  const log = (s: string) => (values.json ? process.stderr : process.stdout).write(`${s}\n`);

  const ORDINARY = date('2025-03-24');
  const SPIKE = date('2025-04-01');
  const dynamo = await startDynamoLocal();
  try {
    const clock = new ManualClock(jstInstant(ORDINARY, 0));
    const writes = new StoreCounter();
    const stack = await startEmbeddedStack({
      clock,
      dynamoEndpoint: dynamo.endpoint,
      tableName: `bench-${randomBytes(4).toString('hex')}`,
      meter: true,
      faults: writes.install,
      provisionDelayMs: 0,
      retryDelayMs: 0,
      // The system's own throughput: SES's sending quota (config mail.sendRatePerSecond) is reported apart.
      mailRatePerSecond: Infinity,
      // SES's delivery events arrive after the run on AWS (another function): not part of a run's figures.
      mailEvents: false,
      // The real SES client hands each SendRawEmail to the sink in this process, which keeps the raw
      // message only: aws-ses-v2-local parsed and kept every message with its PDF (4 GB of heap by the
      // middle of a 100,000-unit April 1st, the process then mostly collecting garbage).
      transport: 'in-process',
      // Invoice mails without their PDF and archive: rendering is CPU in the mailers, measured on its own
      // (pdfRenderCost, the projection's "mailers" stage); with it a 100,000-unit April 1st spent over an
      // hour here rendering 25,000 PDFs in one process after the run's own work was done.
      invoiceDocuments: false,
    });
    const startedConfig = stack.config;
    countQueueMessages(stack);
    let seed: SeedReport;
    let pdfRenderMs = 0;
    let ordinary: DayFigures;
    let spike: DayFigures;
    const db = makeDocumentClient({ endpoint: dynamo.endpoint });
    try {
      log(`seeding ${n} units …`);
      const seeding = new Progress({ label: 'seeding', total: n, unit: 'units' });
      seed = await seedUnits({ db, table: stack.tableName, config: stack.config }, benchSpecs(n, SPIKE), {
        asOf: addDays(ORDINARY, -1),
        concurrency,
        onProgress: (done) => seeding.update(done, `${done} units`),
      });
      seeding.finish(`${n} units seeded as ${seed.items} items`);
      log(`  ${seed.items} items in ${seed.seconds.toFixed(1)} s (${Math.round(seed.items / seed.seconds)} items/s)`);
      await stack.store.runLog.markCompleted(addDays(ORDINARY, -1));
      log(`daily run ${ORDINARY} …`);
      ordinary = await measureDay(stack, clock, writes, ORDINARY);
      if (values.json) log(`  ${JSON.stringify(ordinary)}`);
      log(`catching up to ${addDays(SPIKE, -1)} …`);
      const gap = daysBetween(ORDINARY, addDays(SPIKE, -1));
      const catching = new Progress({ label: 'catch-up', total: gap, unit: 'days' });
      let caughtUp = 0;
      for (let i = 1; i <= gap; i++) {
        const d = addDays(ORDINARY, i);
        clock.set(jstInstant(d, 0, 5));
        caughtUp += (await stack.runDaily({ date: d })).dueUnits;
        catching.update(i, d);
      }
      catching.finish(`${gap} daily runs, ${caughtUp} units were due`);
      log(`daily run ${SPIKE} …`);
      spike = await measureDay(stack, clock, writes, SPIKE);
      if (values.json) log(`  ${JSON.stringify(spike)}`);
      pdfRenderMs = await pdfRenderCost(stack, [...writes.invoiceIds].slice(0, 11));
      log(`  an invoice PDF takes ${pdfRenderMs.toFixed(0)} ms to render (median of the spike day's first invoices)`);
    } finally {
      db.destroy();
      await stack.stop();
    }

    let simulation: SimulationFigures | null = null;
    let storeComparison: {
      units: number;
      years: number;
      memorySeconds: number;
      dynamodbSeconds: number;
      speedup: number;
      identical: boolean;
    } | null = null;
    if (simUnits > 0) {
      simulation = await runSimulation(simUnits, simYears, 'memory', log);
      if (values.json) log(`  ${JSON.stringify(simulation)}`);
    }
    const compareUnits = Number(values['sim-compare']);
    if (compareUnits > 0) {
      // Before/after in one run: the same scenario as the test clock ran it before issue 15 (DynamoDB Local,
      // the emulator and the sink over loopback HTTP with aws-ses-v2-local) and as it runs now, back to back.
      const d = await runSimulation(compareUnits, simYears, 'dynamodb', log, dynamo.endpoint, 'http');
      const m = await runSimulation(compareUnits, simYears, 'memory', log);
      storeComparison = {
        units: compareUnits,
        years: simYears,
        dynamodbSeconds: d.seconds,
        memorySeconds: m.seconds,
        speedup: round(d.seconds / m.seconds, 1),
        identical: isDeepStrictEqual(d.result, m.result),
      };
    }

    // The April-1st projection for AWS from what the spike day counted per due unit.
    const due = Math.max(1, spike.dueItems);
    const perDue: MeasuredPerDue = {
      readUnits: spike.readCapacityUnits / due,
      writeUnits: spike.writeCapacityUnits / due,
      lifecycleRequests: (spike.readRequests + writeRequests(spike) - 3 * spike.mails) / due,
      mails: spike.mails / due,
      sqsMessages: spike.queueMessages / due,
      workspacesCalls: spike.workspacesCalls / due,
      invoiceMails: spike.invoices / due,
      pdfRenderMs,
    };
    const deployed: Deployed = {
      lifecycleConcurrency: 20,
      lifecycleBatch: 10,
      provisionerConcurrency: 2,
      mailRatePerSecond: startedConfig.mail.sendRatePerSecond,
      mailerConcurrency: MAILER_CONCURRENCY,
    };
    const projection = project(spike.dueItems, perDue, deployed);

    const rate = startedConfig.mail.sendRatePerSecond;
    const notes = [
      limits(spike),
      `Mails were not paced here; at the SES quota of config mail.sendRatePerSecond (${rate}/s) the spike day's ${spike.mails} notices take ${Math.ceil(spike.mails / rate)} s to leave — after the run, in the mailers, with no effect on the run's own time.`,
    ];
    const out = {
      units: n,
      seed: { items: seed.items, seconds: round(seed.seconds, 1), itemsPerSecond: Math.round(seed.items / seed.seconds) },
      days: { ordinary, spike },
      readAmplification: Math.max(ordinary.readAmplification, spike.readAmplification),
      unitYearsPerSecond: simulation?.unitYearsPerSecond ?? null,
      simulation: simulation && { ...simulation, result: undefined },
      storeComparison,
      projection: { measuredPerDue: perDue, deployed, quotas: QUOTAS, ...projection },
      notes,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else printTable(out);
  } finally {
    await dynamo.stop();
  }
}

/** What limits the figures, with the rate the spike day reached. */
function limits(spike: DayFigures): string {
  const requests = spike.readRequests + Object.entries(spike.writesByOperation).reduce((n, [k, v]) => (k === 'noticesSent' ? n : n + v), 0);
  return (
    `Everything runs on one machine: one DynamoDB Local JVM serves every request (${Math.round(requests / spike.seconds)} requests/s on the spike day), ` +
    'the in-process queues run 8 lifecycle, 4 mail and 2 desktop workers in one Node process, and each notice goes through the real SES client to the local sink (in process); ' +
    `the lifecycle work was done after ${spike.lifecycleSeconds} of ${spike.seconds} s, the rest is the delivery of ${spike.mails} notices (${round(spike.mails / Math.max(1, spike.dueItems), 2)} per due item). ` +
    'On AWS the workers scale out and DynamoDB serves them in parallel; what carries over is the reads per due item.'
  );
}

function printTable(o: {
  notes: string[];
  units: number;
  seed: { items: number; seconds: number; itemsPerSecond: number };
  days: Record<string, DayFigures>;
  readAmplification: number;
  simulation: SimulationFigures | null;
  storeComparison: {
    units: number;
    years: number;
    memorySeconds: number;
    dynamodbSeconds: number;
    speedup: number;
    identical: boolean;
  } | null;
  projection: {
    measuredPerDue: MeasuredPerDue;
    deployed: Deployed;
    dueUnits: number;
    stages: readonly { name: string; unitsPerSecond: number; formula: string; setting: string }[];
    bottleneck: { name: string; setting: string };
    seconds: number;
  };
}): void {
  const rows = Object.entries(o.days).map(([name, d]) => [
    `${name} ${d.date}`,
    String(d.dueItems),
    String(d.itemsRead),
    String(d.readRequests),
    d.readAmplification.toFixed(2),
    d.runReadAmplification.toFixed(2),
    d.seconds.toFixed(1),
    d.lifecycleSeconds.toFixed(1),
    d.itemsPerSecond.toFixed(1),
    String(d.mails),
    String(d.invoices),
    d.invoicesPerSecond.toFixed(1),
    d.itemsReadPerInvoice === null ? '-' : d.itemsReadPerInvoice.toFixed(2),
    String(d.itemsWritten),
    d.writeAmplification.toFixed(2),
  ]);
  const head = [
    'day',
    'due',
    'items read',
    'read requests',
    'items/due',
    'run items/due',
    's (all)',
    's (lifecycle)',
    'due/s',
    'mails',
    'invoices',
    'invoices/s',
    'items/invoice',
    'items written',
    'written/due',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${o.units} units seeded: ${o.seed.items} items in ${o.seed.seconds} s (${o.seed.itemsPerSecond} items/s)\n`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  for (const [name, d] of Object.entries(o.days))
    if (d.deadLetters > 0) console.log(`WARNING: ${d.deadLetters} message(s) dead-lettered on the ${name} day: the figures are not valid`);
  console.log(`\nread amplification (worse day): ${o.readAmplification}`);
  if (o.simulation)
    console.log(
      `simulation (${o.simulation.store} store): ${o.simulation.units} units × ${o.simulation.years} years, ${o.simulation.events} events (${o.simulation.failedEvents} refused) in ${o.simulation.seconds} s → ${o.simulation.unitYearsPerSecond} unit-years/s`,
    );
  if (o.storeComparison) {
    const c = o.storeComparison;
    console.log(
      `test clock before/after, back to back: ${c.units} units × ${c.years} years — DynamoDB Local over HTTP (before issue 15) ${c.dynamodbSeconds} s, memory store in process ${c.memorySeconds} s → ${c.speedup}× faster; Results ${c.identical ? 'identical' : 'DIFFERENT'}`,
    );
  }
  const p = o.projection;
  const m = p.measuredPerDue;
  const f = (x: number) => (Math.round(x * 100) / 100).toString();
  console.log(`\nApril-1st projection for AWS (${p.dueUnits} due units on the spike day; formula in scripts/projection.ts)`);
  console.log(
    `  counted per due unit here: ${f(m.readUnits)} RRU, ${f(m.writeUnits)} WRU, ${f(m.lifecycleRequests)} DynamoDB round trips in the worker, ${f(m.sqsMessages)} SQS messages, ${f(m.mails)} SES mails, ${f(m.workspacesCalls)} WorkSpaces calls`,
  );
  console.log(
    `  configured: lifecycle maxConcurrency ${p.deployed.lifecycleConcurrency}, provisioner ${p.deployed.provisionerConcurrency}, mail.sendRatePerSecond ${p.deployed.mailRatePerSecond}, mailers ${p.deployed.mailerConcurrency ?? '–'}`,
  );
  for (const st of p.stages)
    console.log(
      `  ${st.name.padEnd(18)} ${Number.isFinite(st.unitsPerSecond) ? `${f(st.unitsPerSecond)} units/s`.padStart(16) : 'unbounded'.padStart(16)}  = ${st.formula}`,
    );
  const mins = p.seconds / 60;
  console.log(
    `  → the peak day finishes in ${p.seconds < 120 ? `${Math.ceil(p.seconds)} s` : `${mins.toFixed(1)} min`}; bottleneck: ${p.bottleneck.name}; moved by: ${p.bottleneck.setting}`,
  );
  for (const note of o.notes) console.log(`\n${note}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
