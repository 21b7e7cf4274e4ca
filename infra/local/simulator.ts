/**
 * The test clock (`npm run simulate`, docs/SIMULATION.md): replays a scenario against a
 * fresh embedded stack — the real api handler, daily run, queues, DynamoDB Local, local SES and the
 * WorkSpaces emulator — advancing a manual clock, and builds the Result from what actually happened:
 * the mails that left through SES (read back from the sink with their X-Kokona-* headers), the calls
 * the emulator answered, and the store's state. Order within a day follows DETAILS S5.
 */
import type { Context } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import {
  addDays,
  compareDates,
  daysBetween,
  formatJst,
  jstDate,
  jstInstant,
  parseInstant,
  parseLocalDate,
  type Instant,
  type LocalDate,
} from '#domain/calendar.ts';
import { validConfig } from '#domain/config.ts';
import { closeDay } from '#domain/lifecycle.ts';
import type { CompensationRecord } from '#domain/outages.ts';
import type { Unit } from '#domain/unit.ts';
import { ManualClock } from '#runtime/clock.ts';
import { payerOf } from '#domain/deposits.ts';
import { toHalfWidthKana } from '#domain/kana.ts';
import { transferFile } from '#use-cases/deposits.ts';
import { apiEvent } from './http-server.ts';
import { startEmbeddedStack, type EmbeddedStack, type EmbeddedStackOptions } from './stack.ts';

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

interface TimedEvent {
  readonly index: number;
  readonly at: Instant;
  readonly day: LocalDate;
  readonly event: Record<string, unknown>;
}

export interface EventResult {
  index: number;
  ok: boolean;
  code?: string;
  earliest?: string;
}

const TOKEN = 'simulator';
const ctx = { functionName: 'api', awsRequestId: 'sim', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** DETAILS S1, S2: what makes the scenario itself invalid (exit ≠ 0) rather than an event refused. */
export function parseScenario(raw: unknown): { from: LocalDate; to: LocalDate; config: unknown; events: TimedEvent[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError('the scenario must be a JSON object');
  const s = raw as Record<string, unknown>;
  const from = parseLocalDate(s.from);
  const to = parseLocalDate(s.to);
  if (!from) throw new ScenarioError('"from" must be a date YYYY-MM-DD');
  if (!to) throw new ScenarioError('"to" must be a date YYYY-MM-DD');
  if (compareDates(from, to) > 0) throw new ScenarioError('"from" must not be after "to"');
  if (!Array.isArray(s.events)) throw new ScenarioError('"events" must be an array');
  if (s.config !== undefined && (typeof s.config !== 'object' || s.config === null || Array.isArray(s.config)))
    throw new ScenarioError('"config" must be an object');
  const events = s.events.map((e: unknown, index): TimedEvent => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ScenarioError(`event ${index} must be an object`);
    const ev = e as Record<string, unknown>;
    let at: Instant | null = null;
    if (ev.at !== undefined) at = parseInstant(ev.at);
    else if (ev.on !== undefined) {
      const d = parseLocalDate(ev.on);
      at = d ? jstInstant(d, 12) : null; // `on`: 12:00 Japan time
    }
    if (at === null) throw new ScenarioError(`event ${index} has no usable "on" (date) or "at" (timestamp)`);
    const day = jstDate(at);
    if (compareDates(day, from) < 0 || compareDates(day, to) > 0)
      throw new ScenarioError(`event ${index} (${day}) is outside [${from}, ${to}] (DETAILS S1)`);
    return { index, at, day, event: ev };
  });
  // Time order, then file order (P9).
  events.sort((a, b) => a.at - b.at || a.index - b.index);
  try {
    validConfig(s.config ?? {});
  } catch (e) {
    throw new ScenarioError((e as Error).message);
  }
  return { from, to, config: s.config ?? {}, events };
}

const path = (v: unknown) => encodeURIComponent(String(v));

/** Maps a scenario event onto an API request (S5b: only the known fields are passed on). */
function request(e: Record<string, unknown>, at: Instant): { method: string; url: string; body?: unknown } | { code: string } {
  const need = (...keys: string[]) => keys.every((k) => typeof e[k] === 'string');
  switch (e.type) {
    case 'apply':
      return { method: 'POST', url: '/applications', body: { ref: e.ref, plan: e.plan, accounts: e.accounts, contractor: e.contractor } };
    case 'accept':
      return need('ref')
        ? { method: 'POST', url: `/applications/${path(e.ref)}/accept`, body: { startDate: e.startDate } }
        : { code: 'VALIDATION_FAILED' };
    case 'reject':
      return need('ref')
        ? { method: 'POST', url: `/applications/${path(e.ref)}/reject`, body: { reason: e.reason } }
        : { code: 'VALIDATION_FAILED' };
    case 'defer':
      return need('ref')
        ? { method: 'POST', url: `/applications/${path(e.ref)}/defer`, body: { reason: e.reason, expectedOn: e.expectedOn } }
        : { code: 'VALIDATION_FAILED' };
    case 'add_accounts':
      return need('ref', 'line')
        ? { method: 'POST', url: `/units/${path(e.ref)}/lines`, body: { ref: e.line, accounts: e.accounts, startDate: e.startDate } }
        : { code: 'VALIDATION_FAILED' };
    case 'cancel':
      return need('ref')
        ? { method: 'POST', url: `/units/${path(e.ref)}/cancellations`, body: { end: e.end, line: e.line } }
        : { code: 'VALIDATION_FAILED' };
    case 'change_contact':
      return need('ref')
        ? { method: 'PATCH', url: `/units/${path(e.ref)}/contact`, body: e.accountManager }
        : { code: 'VALIDATION_FAILED' };
    case 'pay': {
      const inv = e.invoice as Record<string, unknown> | undefined;
      if (!need('ref') || typeof inv !== 'object' || inv === null || typeof inv.issueDate !== 'string' || typeof inv.kind !== 'string')
        return { code: 'VALIDATION_FAILED' };
      return {
        method: 'POST',
        url: `/invoices/${path(`${e.ref}.${inv.issueDate}.${inv.kind}`)}/payments`,
        body: { amount: e.amount, paidOn: e.paidOn },
      };
    }
    case 'outage_start':
      // knownAt is the event's instant (Art 35-1).
      // O7: unknown units of a scope are ignored in the event language (the API refuses them unless asked).
      return {
        method: 'POST',
        url: '/outages',
        body: {
          ref: e.ref,
          knownAt: formatJst(at),
          scope: e.scope,
          cause: e.cause,
          grossNegligence: e.grossNegligence,
          description: e.description,
          ignoreUnknownUnits: true,
        },
      };
    case 'outage_end':
      return need('ref')
        ? { method: 'PATCH', url: `/outages/${path(e.ref)}`, body: { endedAt: formatJst(at) } }
        : { code: 'VALIDATION_FAILED' };
    case 'maintenance':
      return {
        method: 'POST',
        url: '/maintenances',
        body: { ref: e.ref, scope: e.scope, startsAt: e.startsAt, endsAt: e.endsAt, description: e.description, ignoreUnknownUnits: true },
      };
    default:
      return { code: 'VALIDATION_FAILED' };
  }
}

/** Deposits of the scenario (SIMULATION "Deposits"): ref → the recorded deposit's id. */
export class DepositBook {
  readonly ids = new Map<string, string>();
  private inquiry = 0;
  nextInquiry(): number {
    return ++this.inquiry;
  }
}

async function callApi(stack: EmbeddedStack, te: TimedEvent, r: { method: string; url: string; body?: unknown; raw?: Uint8Array }) {
  const res = await stack.api(
    apiEvent({
      method: r.method,
      url: r.url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': r.raw ? 'application/octet-stream' : 'application/json' },
      body: r.raw ? Buffer.from(r.raw) : r.body === undefined ? undefined : JSON.stringify(r.body),
    }),
    ctx,
  );
  await stack.drain();
  const body = JSON.parse(res.body ?? '{}') as Record<string, unknown> & { code?: string; details?: { earliest?: string } };
  if ((res.statusCode ?? 500) < 300) return { result: { index: te.index, ok: true } as EventResult, body };
  return {
    result: {
      index: te.index,
      ok: false,
      code: body.code ?? 'INTERNAL',
      ...(body.details?.earliest ? { earliest: body.details.earliest } : {}),
    } as EventResult,
    body,
  };
}

/**
 * `deposit`: a 振込入金通知 (01) file of one deposit dated that day, to the virtual account of the
 * payer of unit `to` (or the operator's ordinary account), imported through POST /bank-files.
 * `match_deposit`: POST /deposits/{id}/match with the unit's invoices in the listed order.
 */
async function depositEvent(stack: EmbeddedStack, te: TimedEvent, book: DepositBook): Promise<EventResult> {
  const e = te.event;
  const fail = (code: string): EventResult => ({ index: te.index, ok: false, code });
  if (e.type === 'deposit') {
    if (typeof e.ref !== 'string' || e.ref === '' || book.ids.has(e.ref)) return fail('VALIDATION_FAILED');
    if (!Number.isInteger(e.amount) || (e.amount as number) <= 0 || (e.amount as number) > 9_999_999_999) return fail('VALIDATION_FAILED');
    if (typeof e.remitter !== 'string' || e.remitter.trim() === '') return fail('VALIDATION_FAILED');
    const bank = stack.config.bank;
    let account = bank.accountNumber;
    if (e.to !== undefined) {
      if (typeof e.to !== 'string') return fail('VALIDATION_FAILED');
      const unit = await stack.store.units.get(e.to);
      if (!unit) return fail('NOT_FOUND');
      const payer = await stack.store.payers.get(payerOf(unit));
      if (!payer) return fail('VALIDATION_FAILED'); // never accepted: its payer has no virtual account yet
      account = payer.virtualAccount;
    }
    const file = transferFile({
      createdOn: te.day,
      accounts: [
        {
          bankCode: bank.code,
          bankName: 'KOKONA BANK',
          branchCode: bank.branchCode,
          branchName: 'HONTEN',
          accountNumber: account,
          accountName: bank.holderKana,
          deposits: [{ inquiry: book.nextInquiry(), valueDate: te.day, amount: e.amount as number, remitter: toHalfWidthKana(e.remitter) }],
        },
      ],
    });
    const { result, body } = await callApi(stack, te, { method: 'POST', url: '/bank-files', raw: file });
    const id = (body.deposits as { deposit?: string }[] | undefined)?.[0]?.deposit;
    if (result.ok && id) book.ids.set(e.ref, id);
    return result;
  }
  // match_deposit
  const id = typeof e.ref === 'string' ? book.ids.get(e.ref) : undefined;
  if (!id) return fail('NOT_FOUND');
  if (typeof e.unit !== 'string') return fail('VALIDATION_FAILED');
  if (!Array.isArray(e.invoices)) return fail('VALIDATION_FAILED');
  const invoices: string[] = [];
  for (const i of e.invoices as unknown[]) {
    const inv = i as Record<string, unknown> | null;
    if (typeof inv !== 'object' || inv === null || typeof inv.issueDate !== 'string' || typeof inv.kind !== 'string')
      return fail('VALIDATION_FAILED');
    invoices.push(`${e.unit}.${inv.issueDate}.${inv.kind}`);
  }
  return (await callApi(stack, te, { method: 'POST', url: `/deposits/${path(id)}/match`, body: { unit: e.unit, invoices } })).result;
}

async function applyEvent(stack: EmbeddedStack, te: TimedEvent, book: DepositBook): Promise<EventResult> {
  if (te.event.type === 'deposit' || te.event.type === 'match_deposit') return depositEvent(stack, te, book);
  const r = request(te.event, te.at);
  if ('code' in r) return { index: te.index, ok: false, code: r.code };
  const res = await stack.api(
    apiEvent({
      method: r.method,
      url: r.url,
      // Each pay event is one payment: its own Idempotency-Key (required by the API).
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        ...(te.event.type === 'pay' ? { 'idempotency-key': `event-${te.index}` } : {}),
      },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
    }),
    ctx,
  );
  await stack.drain();
  if ((res.statusCode ?? 500) < 300) return { index: te.index, ok: true };
  const body = JSON.parse(res.body ?? '{}') as { code?: string; details?: { earliest?: string } };
  return {
    index: te.index,
    ok: false,
    code: body.code ?? 'INTERNAL',
    ...(body.details?.earliest ? { earliest: body.details.earliest } : {}),
  };
}

/**
 * Desktop effects from the emulator's answered calls, attributed to the business date they happened on (K1).
 * A desktop's unit and line are its `kokona:unit` / `kokona:line` tags (W4), read from CreateWorkspaces.
 */
class DesktopRecorder {
  private seen = 0;
  private readonly lineOfUser = new Map<string, { unit: string; line: string }>();
  private readonly owner = new Map<string, string>(); // workspaceId → userName
  readonly records = new Map<string, { date: LocalDate; unit: string; line: string; action: string; users: Set<string> }>();

  collect(stack: EmbeddedStack, date: LocalDate): void {
    const calls = stack.emulator.calls;
    for (; this.seen < calls.length; this.seen++) {
      const c = calls[this.seen]!;
      if (c.error || !c.output) continue;
      const out = c.output as Record<string, any>;
      const inp = c.input as Record<string, any>;
      const add = (action: string, user: string | undefined) => {
        const where = user ? this.lineOfUser.get(user.toLowerCase()) : undefined;
        if (!where) return;
        const key = `${date}|${where.unit}|${where.line}|${action}`;
        const rec = this.records.get(key) ?? { date, ...where, action, users: new Set<string>() };
        rec.users.add(user!.toLowerCase());
        this.records.set(key, rec);
      };
      if (c.op === 'CreateWorkspaces') {
        for (const w of inp.Workspaces ?? []) {
          const tag = (k: string) => (w.Tags ?? []).find((t: { Key: string }) => t.Key === k)?.Value as string | undefined;
          const unit = tag('kokona:unit');
          const line = tag('kokona:line');
          if (unit && line && typeof w.UserName === 'string') this.lineOfUser.set(w.UserName.toLowerCase(), { unit, line });
        }
        for (const p of out.PendingRequests ?? []) {
          this.owner.set(p.WorkspaceId, p.UserName);
          add('create', p.UserName);
        }
      }
      if (c.op === 'DescribeWorkspaces') for (const w of out.Workspaces ?? []) this.owner.set(w.WorkspaceId, w.UserName);
      if (c.op === 'TerminateWorkspaces') {
        const failed = new Set((out.FailedRequests ?? []).map((f: { WorkspaceId: string }) => f.WorkspaceId));
        for (const r of inp.TerminateWorkspaceRequests ?? []) if (!failed.has(r.WorkspaceId)) add('delete', this.owner.get(r.WorkspaceId));
      }
      if (c.op === 'ModifyWorkspaceState')
        add(inp.WorkspaceState === 'ADMIN_MAINTENANCE' ? 'suspend' : 'resume', this.owner.get(inp.WorkspaceId));
    }
  }
}

export interface SimulationOptions {
  /**
   * The store: `memory` (default: the memory adapter, held to the same contract suite as the DynamoDB
   * one) or `dynamodb` (DynamoDB Local, as `npm start` runs; ~5× slower, the JVM answers one request at a time).
   */
  readonly store?: 'memory' | 'dynamodb';
  /** With `dynamodb`: reuse a running DynamoDB Local (tests); otherwise the run starts its own, in memory. */
  readonly dynamoEndpoint?: string;
  /**
   * How the SDK clients reach the WorkSpaces emulator and the mail sink: `in-process` (default) or
   * `http` (loopback sockets and aws-ses-v2-local behind the sink, as `npm start` runs; the bench's "before").
   */
  readonly transport?: EmbeddedStackOptions['transport'];
  /** Called after each simulated day (progress reporting). */
  readonly onDay?: (day: LocalDate, done: number, total: number) => void;
  /** Profiling: called once with the store's DynamoDB document client (see EmbeddedStackOptions.faults). */
  readonly faults?: EmbeddedStackOptions['faults'];
}

export async function simulate(raw: unknown, opts: SimulationOptions = {}) {
  const scenario = parseScenario(raw);
  const clock = new ManualClock(jstInstant(scenario.from, 0));
  const stack = await startEmbeddedStack({
    clock,
    config: scenario.config,
    store: opts.store ?? (opts.dynamoEndpoint || opts.faults ? 'dynamodb' : 'memory'),
    dynamoEndpoint: opts.dynamoEndpoint,
    tableName: `sim-${randomBytes(4).toString('hex')}`,
    apiToken: TOKEN,
    provisionDelayMs: 0,
    retryDelayMs: 0,
    queueDelayScale: 0, // a desktop job's re-check is due at once: the emulator settles on the next call
    emulator: { maxWorkspaces: 1_000_000 },
    mailRatePerSecond: Infinity, // the test clock does not wait for SES's quota
    faults: opts.faults,
    mailEvents: false, // delivery evidence changes no Result: left out for speed
    invoiceDocuments: false, // nor do the invoice PDF and the archive
    // The same SDK clients and request bytes, handed to the emulator and the mail sink in this process
    // rather than over loopback sockets (a third of the time; infra/local/in-process-http.ts).
    transport: opts.transport ?? 'in-process',
  });
  try {
    const results: EventResult[] = [];
    const book = new DepositBook();
    const desktops = new DesktopRecorder();
    const collect = async (date: LocalDate) => desktops.collect(stack, date);

    let i = 0;
    const events = scenario.events;
    const totalDays = daysBetween(scenario.from, scenario.to) + 1;
    let daysDone = 0;
    for (
      let day = scenario.from;
      compareDates(day, scenario.to) <= 0;
      day = addDays(day, 1), opts.onDay?.(addDays(day, -1), ++daysDone, totalDays)
    ) {
      const dailyAt = jstInstant(day, 0, 5);
      const runEvent = async (te: TimedEvent) => {
        clock.set(te.at);
        results.push(await applyEvent(stack, te, book));
        await collect(day);
      };
      // S5: every hour's watcher tick and the 00:05 daily run come before the events of the same instant;
      // then the events by time. The watcher only reads the open outages: ticks of a day that starts
      // with none open are skipped until an event of that day may have opened one.
      let watching = (await stack.store.outages.list({ open: true })).length > 0;
      const steps: { at: Instant; run: () => Promise<void> }[] = [];
      for (let h = 0; h < 24; h++) {
        const tick = jstInstant(day, h);
        steps.push({
          at: tick,
          run: async () => {
            if (!watching) return;
            clock.set(tick);
            await stack.runWatch({ scheduledTime: formatJst(tick) });
            await collect(day);
          },
        });
        if (h === 0)
          steps.push({
            at: dailyAt,
            run: async () => {
              clock.set(dailyAt);
              await stack.runDaily({ date: day });
              await collect(day);
            },
          });
      }
      for (const step of steps) {
        while (i < events.length && events[i]!.day === day && events[i]!.at < step.at) {
          const te = events[i++]!;
          await runEvent(te);
          if (typeof te.event.type === 'string' && te.event.type.startsWith('outage_')) watching = true;
        }
        await step.run();
      }
      while (i < events.length && events[i]!.day === day) await runEvent(events[i++]!);
    }

    const units = (await stack.store.units.listUnits({}, 1_000_000)).map((u) => closeDay(u, scenario.to));
    const compensations = (
      await Promise.all((await stack.store.outages.list({})).map((o) => stack.store.outages.compensations(o.id)))
    ).flat();
    const result = buildResult(scenario.to, results, units, await stack.mail.list(), desktops, compensations);
    // SIMULATION "Deposits": only scenarios with deposit events have the section (other Results stay as they were).
    if (!scenario.events.some((e) => e.event.type === 'deposit' || e.event.type === 'match_deposit')) return result;
    const deposits = [];
    for (const [ref, id] of book.ids) {
      const d = await stack.store.deposits.get(id);
      if (!d) continue;
      deposits.push({
        ref,
        status: d.status,
        payments: d.payments.map((p) => {
          const [, issueDate, kind] = p.invoiceId.split('.');
          return { unit: p.unitId, issueDate, kind, amount: p.amount };
        }),
        credit: d.credit,
      });
    }
    return { ...result, deposits: deposits.sort((a, b) => cmp([a.ref], [b.ref])) };
  } finally {
    await stack.stop();
  }
}

function buildResult(
  to: LocalDate,
  events: EventResult[],
  units: Unit[],
  mails: Awaited<ReturnType<EmbeddedStack['mail']['list']>>,
  desktops: DesktopRecorder,
  compensations: CompensationRecord[],
) {
  const notices = mails
    .map((m) => {
      const h = m.headers;
      const extra: Record<string, string> = {};
      if (h['x-kokona-line']) extra.line = h['x-kokona-line'];
      if (h['x-kokona-invoice']) extra.invoice = h['x-kokona-invoice'];
      if (h['x-kokona-outage']) extra.outage = h['x-kokona-outage'];
      if (h['x-kokona-maintenance']) extra.maintenance = h['x-kokona-maintenance'];
      return {
        date: h['x-kokona-date'] ?? '',
        unit: h['x-kokona-unit'] || null,
        type: h['x-kokona-notice'] ?? '',
        to: h['x-kokona-role'] ?? '',
        ...extra,
      };
    })
    .filter((n) => n.date !== '' && n.date <= to)
    .sort((a, b) => cmp([a.date, a.unit ?? '', a.type, a.to], [b.date, b.unit ?? '', b.type, b.to]));
  const desktopRows = [...desktops.records.values()]
    .filter((r) => r.date <= to)
    .map((r) => ({ date: r.date, unit: r.unit, line: r.line, action: r.action, count: r.users.size }))
    .sort((a, b) => cmp([a.date, a.unit, a.line, a.action], [b.date, b.unit, b.line, b.action]));
  const unitRows = units
    .map((u) => {
      const history = u.history.filter((h) => h.date <= to);
      return {
        unit: u.id,
        plan: u.plan,
        status: history.at(-1)?.status ?? u.status,
        history,
        lines: u.lines.map((l) => ({
          line: l.id,
          accounts: l.accounts,
          startDate: l.startDate,
          termEnd: l.started ? l.termEnd : null,
          endedOn: l.endedOn !== null && l.endedOn <= to ? l.endedOn : null,
        })),
      };
    })
    .sort((a, b) => cmp([a.unit], [b.unit]));
  return {
    events: events.sort((a, b) => a.index - b.index),
    invoices: units
      .flatMap((u) => (u.invoices ?? []).filter((i) => i.issueDate <= to))
      .map((i) => ({
        unit: i.unitId,
        issueDate: i.issueDate,
        kind: i.kind,
        dueDate: i.dueDate,
        lines: i.lines.map((l) => ({
          line: l.line,
          type: l.type,
          from: l.from,
          to: l.to,
          months: l.months,
          accounts: l.accounts,
          amount: l.amount,
          taxable: l.taxable,
          ...(l.invoice ? { invoice: invoiceRefOf(l.invoice) } : {}),
        })),
        taxableSubtotal: i.taxableSubtotal,
        tax: i.tax,
        nonTaxable: i.nonTaxable,
        total: i.total,
        payer: i.payer,
        paidOn: i.paidOn,
        interest: i.interest,
      }))
      .sort((a, b) => cmp([a.issueDate, a.unit, a.kind], [b.issueDate, b.unit, b.kind])),
    notices,
    desktops: desktopRows,
    units: unitRows,
    compensations: compensations
      .filter((c) => c.status !== 'void')
      .map((c) => ({ outage: c.outage, unit: c.unit, hours: c.hours, days: c.days, amount: c.amount, status: c.status }))
      .sort((a, b) => cmp([a.outage, a.unit], [b.outage, b.unit])),
  };
}

/** `<unit>.<issueDate>.<kind>` → `<issueDate>/<kind>`, as the Result names invoices. */
function invoiceRefOf(id: string): string {
  const [, issueDate, kind] = id.split('.');
  return `${issueDate}/${kind}`;
}

function cmp(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? '') < (b[i] ?? '') ? -1 : 1;
  return 0;
}
