/**
 * The daily run under faults, end to end on the embedded stack (ARCHITECTURE "Data and the daily
 * run"): duplicate delivery, two concurrent runs of one date, a crash right after each write of a run
 * then a rerun, and three skipped days then one run — each compared with a clean run by what it leaves
 * behind: the store (a canonical scan), the mails that left through SES (type, unit, date, role) and
 * the desktops of the WorkSpaces emulator (user, state). Then the reads of a run: they follow its due
 * units, not the number of units.
 *
 * The fixture, built through the api handler over a year (daily runs on every date with a wake-up in
 * the agenda, every invoice paid through the API on the day it is issued):
 *   alpha   kokona 5  start 2024-02-10, +line alpha-x (2) from 2025-02-25; renews on 2025-03-01
 *   bravo   kokona 5  start 2024-02-20, cancelled on 2025-01-30 for its term end 2025-02-28:
 *                     data-retrieval reminder 02-21; ends, desktops deleted on 03-01
 *   charlie self  5   start 2024-04-15; renewal reminder 03-01
 *   delta   kokona 6  start 2024-03-12, +line delta-x (3) from 2024-06-01, cancelled on 2025-02-05 for
 *                     03-31: renewal reminder 02-21, data-retrieval reminder for delta-x 03-01
 *   echo    kokona 5  accepted on 2025-02-15 to start on 02-24 (desktops created)
 *   foxtrot kokona 5  start 2024-09-02, idle in the window
 * The window: the daily runs of 2025-02-20 … 03-03; 03-01 is the busy day (renewal, invoices, an end
 * with its desktop deletion, reminders).
 *
 * To keep the file fast, the cases share one stack and rewind it to a saved point instead of
 * rebuilding the fixture: the table is put back item for item, the emulator is given the same
 * desktops again (new ids: the store's ids are compared as placeholders, and jobs find desktops by
 * user name) and the mail sink is emptied. Case (a) builds its own fixture, which also checks the
 * rewind against a stack that was never rewound.
 */
import { BatchWriteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { INDEX_SHARDS } from '#adapters/dynamodb/table.ts';
import { operationOf } from '#adapters/dynamodb/read-meter.ts';
import { addDays, compareDates, date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';
import type { Unit } from '#domain/unit.ts';
import { apiEvent } from '#local/http-server.ts';
import type { EmbeddedStackOptions } from '#local/stack.ts';
import { logger } from '#runtime/logger.ts';
import { seedUnits } from '#local/seed.ts';
import { acmeApplication, testStack, TOKEN } from '../support.ts';

type Stack = Awaited<ReturnType<typeof testStack>>;
type Db = Parameters<NonNullable<EmbeddedStackOptions['faults']>>[0];
type Item = Record<string, unknown>;

const WINDOW_START = date('2025-02-20');
const BUSY_DAY = date('2025-03-01');
const END = date('2025-03-03');

const ctx = { functionName: 'api', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

async function call(
  stack: Stack,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, any>> {
  const res = await stack.api(
    apiEvent({
      method,
      url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    ctx,
  );
  if ((res.statusCode ?? 500) >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
  await stack.drain();
  return JSON.parse(res.body ?? '{}') as Record<string, any>;
}

const at = (stack: Stack, day: LocalDate | string, hour = 10) => stack.clock.set(jstInstant(date(day), hour));

const REFS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];

/** One contractor per unit (a shared corporate number would make their invoices count against each other, Art 6-2(2)). */
function applicant(ref: string, plan: 'kokona' | 'self', accounts: number) {
  const base = acmeApplication().contractor;
  const n = 880_000_000_000 + REFS.indexOf(ref);
  const contractor = {
    ...base,
    name: `株式会社${ref}`,
    corporateNumber: withCheckDigit(String(n)),
    accountManager: { name: `担当 ${ref}`, email: `${ref}@example.jp` },
  };
  return acmeApplication({ ref, plan, accounts, contractor });
}

// ---------------------------------------------------------------------------------------------
// Reading the table

async function scanAll(stack: Stack): Promise<Item[]> {
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  const items: Item[] = [];
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await db.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
  } finally {
    db.destroy();
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Building the fixture

/** The daily run of `day` at 00:05 JST, as scheduled. */
async function runDay(stack: Stack, day: LocalDate) {
  stack.clock.set(jstInstant(day, 0, 5));
  return stack.runDaily({ date: day });
}

async function runDays(stack: Stack, from: LocalDate, to: LocalDate): Promise<void> {
  for (let d = from; compareDates(d, to) <= 0; d = addDays(d, 1)) await runDay(stack, d);
}

/** Every fees invoice still open is paid in full, today (customers who pay: no dunning in the fixture). */
async function payOpenInvoices(stack: Stack): Promise<void> {
  const open: { id: string; balance: number }[] = [];
  let next: string | null = null;
  do {
    const page = await call(stack, 'GET', `/invoices?status=open&limit=200${next ? `&next=${next}` : ''}`);
    open.push(...(page.items as { id: string; balance: number }[]));
    next = page.next as string | null;
  } while (next);
  for (const inv of open)
    await call(
      stack,
      'POST',
      `/invoices/${encodeURIComponent(inv.id)}/payments`,
      { amount: inv.balance },
      { 'idempotency-key': `pay-${inv.id}` },
    );
}

/**
 * The daily runs up to `day`: a date without any wake-up in the agenda has nothing to do, so only the
 * dates with one are run (the run log is moved over the quiet days in between); invoices are paid at
 * 10:00 on the day they are issued.
 */
async function runUntil(stack: Stack, day: LocalDate): Promise<void> {
  for (;;) {
    const last = (await stack.store.runLog.lastCompleted()) ?? date('2000-01-01');
    const next = (await scanAll(stack))
      .filter((i) => String(i.pk).startsWith('AGENDA#'))
      .map((i) => String(i.date) as LocalDate)
      .filter((d) => compareDates(d, last) > 0 && compareDates(d, day) <= 0)
      .sort(compareDates)[0];
    if (!next) break;
    await stack.store.runLog.markCompleted(addDays(next, -1));
    await runDay(stack, next);
    at(stack, next);
    await payOpenInvoices(stack);
  }
}

/** `at` 10:00 of `day`, after the daily runs up to that day. */
async function on(stack: Stack, day: string): Promise<void> {
  await runUntil(stack, date(day));
  at(stack, day);
}

async function open(stack: Stack, day: string, ref: string, plan: 'kokona' | 'self', accounts: number, startDate = day): Promise<void> {
  await on(stack, day);
  await call(stack, 'POST', '/applications', applicant(ref, plan, accounts));
  await call(stack, 'POST', `/applications/${ref}/accept`, { startDate });
}

/** The fixture of the module comment; the run log ends on the day before the window. */
async function buildFixture(stack: Stack): Promise<void> {
  await open(stack, '2024-02-10', 'alpha', 'kokona', 5);
  await open(stack, '2024-02-20', 'bravo', 'kokona', 5);
  await open(stack, '2024-03-12', 'delta', 'kokona', 6);
  await open(stack, '2024-04-15', 'charlie', 'self', 5);
  await on(stack, '2024-06-01');
  await call(stack, 'POST', '/units/delta/lines', { ref: 'delta-x', accounts: 3, startDate: '2024-06-01' });
  await open(stack, '2024-09-02', 'foxtrot', 'kokona', 5);
  await on(stack, '2025-01-30');
  await call(stack, 'POST', '/units/bravo/cancellations', { end: 'term_end' });
  await on(stack, '2025-02-05');
  await call(stack, 'POST', '/units/delta/cancellations', { end: '2025-03-31', line: 'delta-x' });
  await on(stack, '2025-02-10');
  await call(stack, 'POST', '/units/alpha/lines', { ref: 'alpha-x', accounts: 2, startDate: '2025-02-25' });
  await open(stack, '2025-02-15', 'echo', 'kokona', 5, '2025-02-24');
  await runUntil(stack, addDays(WINDOW_START, -1));
  await stack.store.runLog.markCompleted(addDays(WINDOW_START, -1));
}

// ---------------------------------------------------------------------------------------------
// Saving and rewinding a stack

interface SavePoint {
  readonly items: Item[];
  readonly emulator: unknown;
}

async function savePoint(stack: Stack): Promise<SavePoint> {
  const desktops = stack.emulator.list();
  expect(desktops.filter((w) => w.State !== 'AVAILABLE').map((w) => `${w.UserName} ${w.State}`)).toEqual([]);
  return { items: await scanAll(stack), emulator: stack.emulator.snapshot() };
}

const keyOf = (i: Item) => `${String(i.pk)}\u0000${String(i.sk)}`;

async function rewind(stack: Stack, to: SavePoint): Promise<void> {
  const keep = new Set(to.items.map(keyOf));
  const stale = (await scanAll(stack)).filter((i) => !keep.has(keyOf(i)));
  const requests = [
    ...stale.map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } })),
    ...to.items.map((Item) => ({ PutRequest: { Item } })),
  ];
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  try {
    const batches: (typeof requests)[] = [];
    for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
    await Promise.all(
      batches.map(async (batch) => {
        let pending = batch;
        while (pending.length)
          pending = ((await db.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: pending } }))).UnprocessedItems?.[
            stack.tableName
          ] ?? []) as typeof batch;
      }),
    );
  } finally {
    db.destroy();
  }
  stack.emulator.restore(to.emulator);
  await stack.mail.clear();
}

// ---------------------------------------------------------------------------------------------
// What a run leaves behind

interface Observed {
  readonly store: Item[];
  readonly mails: string[];
  readonly desktops: string[];
}

// Delivery bookkeeping of retries (lease, attempts, a desktop job's wall-clock progress) and the random initial
// passwords (W3: a fresh one each time a user is created, sealed with a fresh nonce) differ run by run by design.
const VOLATILE = new Set([
  'leaseUntil',
  'attempts',
  'lastError',
  'progress',
  'sealedPassword',
  'sentAt',
  'expiresAt',
  'deliveryEvents',
  'deliveryStatus',
  'deliveryRank',
]);

/** Random ids (WorkSpaces, SES message ids) as placeholders; the delivery bookkeeping of retries dropped. */
function canonical(v: unknown, key = ''): unknown {
  if (typeof v === 'string')
    // A kit's token and its hash (W3) are random: they become placeholders.
    return /^ws-[0-9a-z]+$/.test(v)
      ? 'ws-*'
      : key === 'messageId'
        ? '*'
        : v.replace(/(^|#)[0-9a-f]{64}$/, '$1<hash>').replace(/\/kit\/[A-Za-z0-9_-]{43}$/, '/kit/<token>');
  if (Array.isArray(v)) return v.map((x) => canonical(x));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, x]) => [k, canonical(x, k)]),
    );
  return v;
}

/**
 * With `loose` (skipped days): a catch-up saves a unit once where daily runs save it on each due date,
 * so the unit's `version` and `processedThrough` and the spent wake-ups (agenda dates up to `loose`)
 * differ with no difference in what the unit is or will do.
 */
function loosen(store: Item[], spent: LocalDate): Item[] {
  return store
    .filter((i) => !(String(i.pk).startsWith('AGENDA#') && compareDates(String(i.date) as LocalDate, spent) <= 0))
    .map((i) => {
      if (!('u' in i)) return i;
      const { version: _v, u, ...rest } = i;
      const { version: _uv, processedThrough: _p, ...unit } = u as Unit;
      return { ...rest, u: unit };
    });
}

async function observe(stack: Stack): Promise<Observed> {
  const order = (i: Item) => `${keyOf(i)}\u0000${JSON.stringify(i)}`;
  // The audit trail is a log of what happened (a crashed and retried run legitimately records other
  // attempts than a clean one), not state: the comparison is of everything else.
  const store = (await scanAll(stack))
    .filter((i) => !String(i.pk).startsWith('AUDIT#'))
    .map((i) => canonical(i) as Item)
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const mails = (await stack.mail.list())
    .map((m) => {
      const h = m.headers;
      return [h['x-kokona-date'], h['x-kokona-notice'], h['x-kokona-unit'], h['x-kokona-role'], h['x-kokona-line'] ?? ''].join(' ').trim();
    })
    .sort();
  const desktops = stack.emulator
    .list()
    .map((w) => `${w.UserName} ${w.State}`)
    .sort();
  return { store, mails, desktops };
}

/** The items and lines that differ, for a readable failure. */
function diffOf(seen: Observed, want: Observed): string {
  const out: string[] = [];
  const byKey = (o: Observed) => new Map(o.store.map((i) => [keyOf(i), JSON.stringify(i)]));
  const a = byKey(seen);
  const b = byKey(want);
  for (const k of new Set([...a.keys(), ...b.keys()]))
    if (a.get(k) !== b.get(k)) out.push(`  store ${k.replace('\u0000', ' ')}:\n    got  ${a.get(k)}\n    want ${b.get(k)}`);
  for (const f of ['mails', 'desktops'] as const)
    if (JSON.stringify(seen[f]) !== JSON.stringify(want[f]))
      out.push(`  ${f}: got ${JSON.stringify(seen[f])}\n    want ${JSON.stringify(want[f])}`);
  return out.join('\n');
}

const deadLetters = (stack: Stack): unknown[] => Object.values(stack.queues).flatMap((q): unknown[] => [...q.deadLetters]);

// ---------------------------------------------------------------------------------------------
// Fault injection: the invocation that made the k-th successful write dies right after it

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

class SimulatedCrash extends Error {
  constructor(readonly write: string) {
    super(`simulated crash after ${write}`);
    this.name = 'SimulatedCrash';
  }
}

function describeWrite(op: string, input: Record<string, any>): string {
  const pks: string[] =
    op === 'TransactWriteItems'
      ? (input.TransactItems ?? []).map(
          (t: Record<string, any>) => (t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key)?.pk,
        )
      : [(input.Item ?? input.Key)?.pk];
  return `${op}(${pks.join(', ')})`;
}

/**
 * Counts the successful writes of the store's client while armed; the `crashAt`-th lands in DynamoDB
 * and its caller gets a SimulatedCrash instead of the answer — as if the Lambda invocation (the daily
 * run, a lifecycle worker, a mailer, a provisioner) died right after that write. Other invocations go
 * on, and the queue redelivers the crashed message as SQS would.
 */
class WriteFaults {
  armed = false;
  crashAt = Infinity;
  writes: string[] = [];
  crashed: string | null = null;

  reset(crashAt = Infinity): void {
    this.armed = true;
    this.crashAt = crashAt;
    this.writes = [];
    this.crashed = null;
  }

  readonly install = (db: Db) => {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const op = operationOf(context.commandName);
        if (this.armed && WRITES.has(op)) {
          this.writes.push(describeWrite(op, args.input as Record<string, any>));
          if (this.writes.length === this.crashAt) {
            this.crashed = this.writes.at(-1)!;
            throw new SimulatedCrash(this.crashed);
          }
        }
        return result;
      },
      { step: 'initialize', name: 'writeFaults' },
    );
  };
}

/**
 * The rerun comes later than the crash in real life: the delivery leases the crashed invocations held
 * have lapsed by then (leases are wall-clock times; they are moved into the past rather than waited for).
 */
/**
 * Awaits `work` while making the leases lapse every 300 ms: a crash right after a delivery claimed its
 * outbox item leaves the item leased for a minute of wall time, and the queue redelivers the message
 * until the lease lapses (as SQS would), which the run's own drain waits for.
 */
async function lapsingLeases(stack: Stack, work: Promise<unknown>): Promise<void> {
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([finished, new Promise((r) => setTimeout(r, 300))]);
    if (!done) await leasesLapse(stack);
  }
  await finished;
}

async function leasesLapse(stack: Stack): Promise<void> {
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  try {
    for (const i of await scanAll(stack))
      if (typeof i.leaseUntil === 'number' && i.leaseUntil > Date.now())
        await db.send(
          new UpdateCommand({
            TableName: stack.tableName,
            Key: { pk: i.pk, sk: i.sk },
            UpdateExpression: 'SET leaseUntil = :past',
            ExpressionAttributeValues: { ':past': Date.now() - 1 },
          }),
        );
  } finally {
    db.destroy();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------

describe('the daily run under faults ends where a clean run ends', () => {
  const faults = new WriteFaults();
  let stack: Stack;
  /** Before the window, and before the busy day. */
  let beforeWindow: SavePoint;
  let beforeBusyDay: SavePoint;
  /** The clean runs: the busy day from `beforeBusyDay`; the whole window from `beforeWindow`. */
  let cleanBusy: Observed;
  let cleanEnd: Observed;
  let busyWrites: string[];

  beforeAll(async () => {
    stack = await testStack('2024-02-10', { faults: faults.install, queueDelayScale: 1 });
    await buildFixture(stack);
    beforeWindow = await savePoint(stack);
    await runDays(stack, WINDOW_START, addDays(BUSY_DAY, -1));
    beforeBusyDay = await savePoint(stack);

    await rewind(stack, beforeBusyDay);
    faults.reset();
    await runDay(stack, BUSY_DAY);
    faults.armed = false;
    busyWrites = faults.writes;
    cleanBusy = await observe(stack);

    await rewind(stack, beforeWindow);
    await runDays(stack, WINDOW_START, END);
    cleanEnd = await observe(stack);
    expect(deadLetters(stack)).toEqual([]);
  }, 300_000); // the fixture and its clean runs take minutes on a loaded 2-core machine
  afterAll(async () => stack?.stop());

  it('the clean run does what the fixture promises', () => {
    expect(cleanEnd.mails).toEqual(
      expect.arrayContaining([
        '2025-02-21 data_retrieval_reminder bravo account_manager',
        '2025-02-21 renewal_reminder delta account_manager',
        '2025-03-01 data_retrieval_reminder delta account_manager delta-x',
        '2025-03-01 renewal_reminder charlie account_manager',
        '2025-03-01 renewed alpha account_manager',
        '2025-03-01 invoice_issued alpha account_manager',
        '2025-03-01 invoice_issued echo account_manager',
      ]),
    );
    expect(cleanEnd.mails.every((m) => m >= '2025-02-20')).toBe(true);
    expect(new Set(cleanEnd.mails).size).toBe(cleanEnd.mails.length);
    expect(cleanEnd.store.filter((i) => String(i.pk).startsWith('OUTBOX#')).every((i) => i.state === 'done')).toBe(true);
    // alpha 5 + 2, bravo 5 (deleted on 03-01), delta 6 + 3, echo 5, foxtrot 5; charlie is on plan self.
    expect(cleanEnd.desktops).toHaveLength(31);
    // W2: bravo's users are named from its short code (k<code>-NNNN), never from its ref.
    expect(cleanEnd.desktops.filter((d) => !d.endsWith(' AVAILABLE'))).toEqual(
      Array.from({ length: 5 }, (_, i) => expect.stringMatching(new RegExp(`^k[0-9a-z]+-000${i + 1} TERMINATED$`))),
    );
    const unit = (id: string) => cleanEnd.store.find((i) => i.pk === `UNIT#${id}`)?.u as Unit;
    expect(unit('bravo')).toMatchObject({ status: 'cancelled', endedOn: '2025-02-28' });
    expect(unit('alpha').lines).toMatchObject([{ termEnd: '2026-02-28' }, { id: 'alpha-x', started: true, termEnd: '2026-02-28' }]);
    expect(unit('echo').status).toBe('active');
    expect(['alpha', 'bravo', 'charlie', 'delta', 'foxtrot'].map((id) => unit(id).status)).toEqual([
      'active',
      'cancelled',
      'active',
      'active',
      'active',
    ]);
    // The busy day writes unit states, mail and desktop-job bookkeeping and the run log.
    expect(busyWrites.some((w) => w.startsWith('TransactWriteItems(UNIT#alpha'))).toBe(true);
    expect(busyWrites.some((w) => w.startsWith('UpdateItem(OUTBOX#D#bravo'))).toBe(true);
    expect(busyWrites).toContain('PutItem(RUN)');
  });

  it('(b) two runs of each date at the same time', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined); // deliveries that find the other run's lease are logged, then retried
    await rewind(stack, beforeWindow);
    for (let d = WINDOW_START; compareDates(d, END) <= 0; d = addDays(d, 1)) {
      stack.clock.set(jstInstant(d, 0, 5));
      await Promise.all([stack.runDaily({ date: d }), stack.runDaily({ date: d })]);
    }
    expect(await observe(stack)).toEqual(cleanEnd);
  });

  it('(c) a crash right after each write of the busy day, then a rerun', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined); // every crash is logged as a failed message
    const K = busyWrites.length;
    const failures: string[] = [];
    const t0 = performance.now();
    for (let k = 1; k <= K; k++) {
      await rewind(stack, beforeBusyDay);
      faults.reset(k);
      await lapsingLeases(
        stack,
        runDay(stack, BUSY_DAY)
          .catch((e: unknown) => {
            if (!(e instanceof SimulatedCrash)) throw e;
          })
          .then(() => stack.drain()),
      );
      faults.armed = false;
      if (!faults.crashed) {
        failures.push(`k=${k}: the run made only ${faults.writes.length} writes`);
        continue;
      }
      await leasesLapse(stack);
      await runDay(stack, BUSY_DAY);
      try {
        expect(await observe(stack)).toEqual(cleanBusy);
      } catch (e) {
        failures.push(`k=${k}, crash after ${faults.crashed}:\n${diffOf(await observe(stack), cleanBusy)}`);
      }
    }
    console.info(`(c) ${K} crash points, each followed by a rerun, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('(d) three skipped days, then one run: the same end, the same notices dated on their own dates', async () => {
    await rewind(stack, beforeWindow);
    await runDays(stack, WINDOW_START, date('2025-02-26'));
    // 02-27, 02-28 and 03-01 are missed; the run of 03-02 catches them up in order.
    expect((await runDay(stack, date('2025-03-02'))).dates).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    await runDays(stack, date('2025-03-03'), END);
    const seen = await observe(stack);
    expect({ ...seen, store: loosen(seen.store, END) }).toEqual({ ...cleanEnd, store: loosen(cleanEnd.store, END) });
  });

  it('(a) every queue message delivered twice (a stack of its own, never rewound)', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined); // a duplicate that finds the first one's lease is logged, then retried
    const dup = await testStack('2024-02-10', { duplicates: 2, queueDelayScale: 1 });
    try {
      await buildFixture(dup);
      await dup.mail.clear();
      await runDays(dup, WINDOW_START, END);
      expect(await observe(dup)).toEqual(cleanEnd);
      expect(deadLetters(dup)).toEqual([]);
    } finally {
      await dup.stop();
    }
  }, 60_000);
});

describe('the reads of a daily run follow its due units, not the number of units', () => {
  it('(e) 50 or 200 idle units: the same reads; twice the due units: twice their reads', async () => {
    const stack = await testStack('2025-03-01', { meter: true });
    try {
      const today = date('2025-03-01');
      const [d1, d2, d3] = [addDays(today, 1), addDays(today, 2), addDays(today, 3)];
      const idleStart = date('2026-01-05');
      const specs = (prefix: string, n: number, start: LocalDate) =>
        Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(3, '0')}`, plan: 'kokona', accounts: 5, start }));
      const stackDb = makeDocumentClient({ endpoint: stack.urls.dynamodb });
      const seed = (s: ReturnType<typeof specs>, asOf: LocalDate, first: number) =>
        seedUnits({ db: stackDb, table: stack.tableName, config: stack.config }, s, { asOf, firstNumber: first });
      try {
        // Pending units accepted today: the idle ones start next year, the due ones on d1, d2, d3.
        await seed(
          [...specs('idle', 50, idleStart), ...specs('due1-', 3, d1), ...specs('due2-', 3, d2), ...specs('due3-', 6, d3)],
          today,
          0,
        );
        await stack.store.runLog.markCompleted(today);
        const meter = stack.readMeter!;
        const measured = async (day: LocalDate) => {
          meter.reset();
          const report = await runDay(stack, day);
          return { due: report.dueUnits, requests: meter.requests, items: meter.items };
        };
        const with50 = await measured(d1);
        await seed(specs('more', 150, idleStart), d1, 100);
        const with200 = await measured(d2);
        const doubled = await measured(d3);

        expect([with50.due, with200.due, doubled.due]).toEqual([3, 3, 6]);
        // Independent of the number of units.
        expect({ requests: with200.requests, items: with200.items }).toEqual({ requests: with50.requests, items: with50.items });
        // Linear in the due units: per due unit a few items (its agenda entry, the unit, its desktop job) and
        // requests, plus a constant (run log, one query per agenda shard, the relay sweep: one query per
        // shard of OUTBOX#pending).
        const perUnit = { items: (doubled.items - with50.items) / 3, requests: (doubled.requests - with50.requests) / 3 };
        const constant = { items: with50.items - 3 * perUnit.items, requests: with50.requests - 3 * perUnit.requests };
        expect(Number.isInteger(perUnit.items) && perUnit.items >= 2 && perUnit.items <= 5).toBe(true);
        expect(constant.items).toBeLessThanOrEqual(2);
        expect(constant.requests).toBeLessThanOrEqual(2 + 4 + INDEX_SHARDS);
        expect(deadLetters(stack)).toEqual([]);
      } finally {
        stackDb.destroy();
      }
    } finally {
      await stack.stop();
    }
  }, 60_000);
});
