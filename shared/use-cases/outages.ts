/**
 * Outages (Art 33–35) and maintenance notices (Art 34-2).
 * recordOutage → the hourly watcher tells the operator once it passes the threshold (O3) → endOutage
 * settles: one compensation record + statement per eligible unit (O1, O5), each unit in its own
 * conditional write, so a retried or repeated settlement never adds a record or a mail twice.
 * A correction (cause, scope, negligence) after the end settles again: new records added, wrong ones
 * voided, none edited.
 */
import { formatJst, jstDate, parseInstant, type Instant } from '#domain/calendar.ts';
import type { Config } from '#domain/config.ts';
import { DomainError, invalid, notFound } from '#domain/errors.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { operatorNotice, unitNotice } from '#domain/notices.ts';
import {
  compensability,
  inScope,
  maintenanceRecipient,
  OUTAGE_CAUSES,
  reconcile,
  thresholdNoticeDue,
  verdict,
  type CompensationRecord,
  type Outage,
  type OutageCause,
  type OutageScope,
} from '#domain/outages.ts';
import type { Unit } from '#domain/unit.ts';
import { authorize, system, type Principal } from './authz.ts';
import { retryOnConflict } from './contention.ts';
import {
  ConcurrentModificationError,
  type AuditLog,
  type Clock,
  type IdGenerator,
  type OutageRepository,
  type OutboxPublisher,
  type OutboxRepository,
  type Telemetry,
  type UnitRepository,
} from './ports.ts';

export interface OutageDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly units: UnitRepository;
  readonly outages: OutageRepository;
  readonly outbox: OutboxRepository;
  readonly publisher: OutboxPublisher;
  readonly telemetry?: Telemetry;
  readonly audit?: AuditLog;
}

/** One audit entry of an outage change (who, what, when, before/after). */
async function auditOutage(
  deps: Pick<OutageDeps, 'audit' | 'clock'>,
  who: Principal,
  action: string,
  target: string,
  before: unknown,
  after: unknown,
  unit?: string,
) {
  await deps.audit?.record({
    at: formatJst(deps.clock.now()),
    actor: { id: who.id, role: who.role },
    action,
    target,
    ...(unit ? { unit } : {}),
    ...(who.requestId ? { requestId: who.requestId } : {}),
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  });
}

export interface OutageInput {
  readonly ref?: string;
  readonly knownAt: string;
  readonly scope: OutageScope;
  readonly cause: string;
  readonly grossNegligence?: boolean;
  readonly description?: string;
  /** O7 as the event language has it: unknown units of a `{ units }` scope are ignored (default: refused). */
  readonly ignoreUnknownUnits?: boolean;
}

/**
 * A scope must name what exists: a configured plan, and (unless `ignoreUnknown`, O7's event language)
 * only units that exist — the unknown ones are listed in the refusal (422), so a typo cannot shrink a
 * scope unnoticed. The count and the syntax of unit ids are bounded by the request schema.
 */
async function checkScope(deps: Pick<OutageDeps, 'units' | 'config'>, scope: OutageScope, ignoreUnknown: boolean): Promise<void> {
  if (scope === 'all') return;
  if ('plan' in scope) {
    if (!deps.config.plans[scope.plan])
      throw invalid(`scope.plan ${scope.plan} is not a plan`, { field: 'scope.plan', plans: Object.keys(deps.config.plans) });
    return;
  }
  if (ignoreUnknown) return;
  const unknown: string[] = [];
  await pool(scope.units, 8, async (u) => {
    if (!(await deps.units.get(u))) unknown.push(u);
  });
  if (unknown.length > 0) {
    const sorted = scope.units.filter((u) => unknown.includes(u));
    throw invalid(
      `scope.units names ${unknown.length} unknown unit(s): ${sorted.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
      {
        field: 'scope.units',
        unknown: sorted.slice(0, 100),
        count: unknown.length,
      },
    );
  }
}

const isCause = (c: string): c is OutageCause => (OUTAGE_CAUSES as readonly string[]).includes(c);

function instant(s: string, field: string, now: Instant): Instant {
  const t = parseInstant(s);
  if (t === null) throw invalid(`${field} must be an ISO-8601 timestamp`, { field });
  if (t > now) throw invalid(`${field} must not be in the future`, { field });
  return t;
}

export async function recordOutage(deps: OutageDeps, who: Principal, input: OutageInput): Promise<Outage> {
  authorize(who, 'outages.manage');
  if (!isCause(input.cause)) throw invalid(`unknown cause ${input.cause}`, { field: 'cause', causes: OUTAGE_CAUSES });
  const knownAt = instant(input.knownAt, 'knownAt', deps.clock.now());
  await checkScope(deps, input.scope, input.ignoreUnknownUnits === true);
  const created = await deps.outages.create({
    id: input.ref ?? deps.ids.newId('o'),
    knownAt,
    endedAt: null,
    scope: input.scope,
    cause: input.cause,
    grossNegligence: input.grossNegligence ?? false, // O7: missing counts as false
    description: input.description ?? '',
    thresholdNoticeOn: null,
    settled: false,
    audit: [{ at: deps.clock.now(), change: { recorded: { knownAt: formatJst(knownAt), cause: input.cause, scope: input.scope } } }],
  });
  await auditOutage(deps, who, 'outage.declare', created.id, undefined, {
    knownAt: formatJst(knownAt),
    cause: created.cause,
    scope: created.scope,
    grossNegligence: created.grossNegligence,
  });
  return created;
}

export interface OutageUpdate {
  readonly endedAt?: string;
  readonly cause?: string;
  readonly scope?: OutageScope;
  readonly grossNegligence?: boolean;
  readonly description?: string;
  readonly ignoreUnknownUnits?: boolean;
}

/** Ends an outage (once: a second end is VALIDATION_FAILED, O7) or corrects it, with an audit entry; then settles. */
export async function updateOutage(deps: OutageDeps, who: Principal, id: string, input: OutageUpdate): Promise<Outage> {
  authorize(who, 'outages.manage');
  // Everything the request names is checked before anything is written: a refused request changes nothing.
  if (input.cause !== undefined && !isCause(input.cause))
    throw invalid(`unknown cause ${input.cause}`, { field: 'cause', causes: OUTAGE_CAUSES });
  if (input.scope !== undefined) await checkScope(deps, input.scope, input.ignoreUnknownUnits === true);
  let recorded: Record<string, unknown> = {};
  const saved = await retryOnConflict(`outage ${id}`, async () => {
    recorded = {};
    const o = await deps.outages.get(id);
    if (!o) throw notFound('outage', id);
    const now = deps.clock.now();
    const change: Record<string, unknown> = {};
    let next: Outage = o;
    if (input.endedAt !== undefined) {
      if (o.endedAt !== null) throw invalid(`outage ${id} has already ended`, { endedAt: formatJst(o.endedAt) });
      const endedAt = instant(input.endedAt, 'endedAt', now);
      if (endedAt < o.knownAt) throw invalid('endedAt must not be before knownAt', { field: 'endedAt' });
      next = { ...next, endedAt, settled: false };
      change.endedAt = formatJst(endedAt);
    }
    if (input.cause !== undefined && input.cause !== o.cause) {
      next = { ...next, cause: input.cause as OutageCause, settled: false };
      change.cause = [o.cause, input.cause];
    }
    if (input.grossNegligence !== undefined && input.grossNegligence !== o.grossNegligence) {
      next = { ...next, grossNegligence: input.grossNegligence, settled: false };
      change.grossNegligence = [o.grossNegligence, input.grossNegligence];
    }
    if (input.scope !== undefined && JSON.stringify(input.scope) !== JSON.stringify(o.scope)) {
      next = { ...next, scope: input.scope, settled: false };
      change.scope = [o.scope, input.scope];
    }
    if (input.description !== undefined && input.description !== o.description) {
      next = { ...next, description: input.description };
      change.description = [o.description, input.description];
    }
    if (Object.keys(change).length === 0) return o;
    next = { ...next, audit: [...o.audit, { at: now, change }] };
    recorded = change;
    return deps.outages.save(next, { outbox: [] });
  });
  if (Object.keys(recorded).length > 0) {
    const before = Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, Array.isArray(v) ? v[0] : null]));
    const after = Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, Array.isArray(v) ? v[1] : v]));
    await auditOutage(deps, who, input.endedAt !== undefined ? 'outage.end' : 'outage.correct', id, before, after);
  }
  if (saved.endedAt === null || saved.settled) return saved;
  // The change is committed; settling is idempotent and resumable. Should it fail now (the store), the
  // answer is still the committed change (settled: false) and the hourly watcher finishes the settlement.
  try {
    return await settleOutage(deps, id);
  } catch (e) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'settlement deferred to the outage watcher', outage: id, error: String(e) }));
    return saved;
  }
}

/** The units an outage's scope may touch (unknown refs of a unit list are ignored, O7). */
async function candidates(deps: Pick<OutageDeps, 'units'>, scope: OutageScope): Promise<Unit[]> {
  if (scope !== 'all' && 'units' in scope)
    return (await Promise.all(scope.units.map((u) => deps.units.get(u)))).filter((u): u is Unit => u !== null);
  return (await deps.units.listUnits({}, 1_000_000)).filter((u) => inScope(u, scope));
}

async function pool<T>(items: readonly T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (i < items.length) await f(items[i++]!);
    }),
  );
}

/** Writes what each unit is owed (O1, O5) and marks the outage settled. Idempotent and resumable. */
export async function settleOutage(deps: OutageDeps, id: string): Promise<Outage> {
  const o = await deps.outages.get(id);
  if (!o) throw notFound('outage', id);
  if (o.endedAt === null || o.settled) return o;
  const today = deps.clock.today();
  const records = await deps.outages.compensations(id);
  const byUnit = new Map<string, CompensationRecord[]>();
  for (const r of records) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), r]);
  // Units with records are reconsidered even when the scope no longer names them (a correction voids theirs).
  const units = new Map((await candidates(deps, o.scope)).map((u) => [u.id, u]));
  for (const uid of byUnit.keys())
    if (!units.has(uid)) {
      const u = await deps.units.get(uid);
      if (u) units.set(uid, u);
    }
  const published: OutboxItem[] = [];
  await pool([...units.values()], 8, async (unit) => {
    const { voided, added } = reconcile(unit, o, byUnit.get(unit.id) ?? [], today, deps.config);
    if (voided.length === 0 && added.length === 0) return;
    const outbox = added.map((r) =>
      unitNotice(
        unit,
        'compensation_statement',
        today,
        'account_manager',
        deps.config,
        {
          outage: o.id,
          knownAt: formatJst(o.knownAt),
          endedAt: formatJst(o.endedAt!),
          hours: r.hours,
          days: r.days,
          annualFee: r.annualFee,
          amount: r.amount,
          record: r.id,
        },
        { discriminator: r.id, refs: { outage: o.id } },
      ),
    );
    if (
      await deps.outages.writeCompensations({ added, updated: voided.map((r) => ({ record: r, expectStatus: 'pending_payout' })), outbox })
    ) {
      published.push(...outbox);
      const yen = added.reduce((sum, r) => sum + r.amount, 0) - voided.reduce((sum, r) => sum + r.amount, 0);
      if (yen !== 0) deps.telemetry?.count('CompensationYen', yen);
      await auditOutage(
        deps,
        system('settlement'),
        'compensation.settle',
        o.id,
        { voided: voided.map((r) => r.id) },
        { added: added.map((r) => ({ id: r.id, amount: r.amount })) },
        unit.id,
      );
    }
  });
  await deps.publisher.publish(published).catch(() => undefined);
  return retryOnConflict(`outage ${id}`, async () => {
    const cur = (await deps.outages.get(id))!;
    if (cur.settled || cur.version !== o.version) return cur; // a correction since: it settles again itself
    return deps.outages.save({ ...cur, settled: true }, { outbox: [] });
  });
}

/**
 * The hourly watcher (O3): at the first tick at or after knownAt + threshold while a compensable outage
 * is open, one outage_threshold_reached to the operator. Also finishes settlements a crash left undone.
 */
export async function watchOutages(deps: OutageDeps, tick: Instant): Promise<{ notified: string[]; settled: string[] }> {
  const notified: string[] = [];
  for (const o of await deps.outages.list({ open: true })) {
    if (!thresholdNoticeDue(o, tick, deps.config)) continue;
    const date = jstDate(tick);
    const notice = operatorNotice(
      'outage_threshold_reached',
      date,
      deps.config,
      {
        outage: o.id,
        knownAt: formatJst(o.knownAt),
        hours: Math.floor((tick - o.knownAt) / 3_600_000),
        cause: o.cause,
        scope: o.scope,
        description: o.description,
      },
      { discriminator: o.id, refs: { outage: o.id } },
    );
    try {
      await deps.outages.save({ ...o, thresholdNoticeOn: date }, { outbox: [notice] });
      await deps.publisher.publish([notice]).catch(() => undefined);
      await auditOutage(
        deps,
        system('outage-watch'),
        'outage.threshold_notice',
        o.id,
        { thresholdNoticeOn: null },
        { thresholdNoticeOn: date },
      );
      notified.push(o.id);
    } catch (e) {
      if (!(e instanceof ConcurrentModificationError)) throw e; // a concurrent tick sent it
    }
  }
  const settled: string[] = [];
  for (const o of await deps.outages.list({ open: false })) if (!o.settled) settled.push((await settleOutage(deps, o.id)).id);
  return { notified, settled };
}

export async function getOutage(deps: Pick<OutageDeps, 'outages' | 'config'>, who: Principal, id: string) {
  authorize(who, 'outages.read');
  const o = await deps.outages.get(id);
  if (!o) throw notFound('outage', id);
  return outageView(o, await deps.outages.compensations(id), deps.config);
}

export function outageView(o: Outage, records: readonly CompensationRecord[], config: Config) {
  const v = o.endedAt === null ? compensability(o.cause, o.grossNegligence) : verdict(o, config);
  return {
    ...o,
    knownAt: formatJst(o.knownAt),
    endedAt: o.endedAt === null ? null : formatJst(o.endedAt),
    audit: o.audit.map((a) => ({ ...a, at: formatJst(a.at) })),
    open: o.endedAt === null,
    compensable: v.compensable,
    reason: v.reason,
    compensations: records,
  };
}

export async function listOutages(deps: Pick<OutageDeps, 'outages' | 'config'>, who: Principal, filter: { open?: boolean }) {
  authorize(who, 'outages.read');
  return (await deps.outages.list(filter)).map((o) => outageView(o, [], deps.config));
}

/** Marks a compensation paid out (idempotent for a record already paid out; a void record cannot be). */
export async function payOutCompensation(
  deps: Pick<OutageDeps, 'outages' | 'clock' | 'audit'>,
  who: Principal,
  id: string,
): Promise<CompensationRecord> {
  authorize(who, 'outages.manage');
  const r = await deps.outages.getCompensation(id);
  if (!r) throw notFound('compensation', id);
  if (r.status === 'paid_out') return r;
  if (r.status === 'void') throw new DomainError('VALIDATION_FAILED', `compensation ${id} is void`, { status: r.status }, 'rule');
  const paid: CompensationRecord = { ...r, status: 'paid_out', paidOutOn: deps.clock.today() };
  if (!(await deps.outages.writeCompensations({ added: [], updated: [{ record: paid, expectStatus: 'pending_payout' }], outbox: [] })))
    return (await deps.outages.getCompensation(id))!;
  await auditOutage(deps, who, 'compensation.payout', id, { status: r.status }, { status: paid.status, paidOutOn: paid.paidOutOn }, r.unit);
  return paid;
}

export interface MaintenanceInput {
  readonly ref?: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly scope: OutageScope;
  readonly description?: string;
  readonly ignoreUnknownUnits?: boolean;
}

/**
 * Art 34-2 (M1, M2): maintenance_notice, dated today, to every account manager of a unit in scope that is
 * active or suspended now, except those whose scheduled end is before the maintenance's start date.
 * The notices go through the outbox and the mailer, which paces them within the SES send rate.
 */
export async function announceMaintenance(deps: OutageDeps, who: Principal, input: MaintenanceInput) {
  authorize(who, 'outages.manage');
  const startsAt = parseInstant(input.startsAt);
  const endsAt = parseInstant(input.endsAt);
  if (startsAt === null) throw invalid('startsAt must be an ISO-8601 timestamp', { field: 'startsAt' });
  if (endsAt === null) throw invalid('endsAt must be an ISO-8601 timestamp', { field: 'endsAt' });
  if (!(startsAt < endsAt)) throw invalid('startsAt must be before endsAt', { field: 'endsAt' });
  await checkScope(deps, input.scope, input.ignoreUnknownUnits === true);
  const today = deps.clock.today();
  const id = input.ref ?? deps.ids.newId('m');
  const startDay = jstDate(startsAt);
  const units = (await candidates(deps, input.scope)).filter((u) => maintenanceRecipient(u, input.scope, startDay, today, deps.config));
  const data = { maintenance: id, startsAt: formatJst(startsAt), endsAt: formatJst(endsAt), description: input.description ?? '' };
  const notices = units.map((u) =>
    unitNotice(u, 'maintenance_notice', today, 'account_manager', deps.config, data, { discriminator: id, refs: { maintenance: id } }),
  );
  await deps.outages.createMaintenance({
    id,
    startsAt,
    endsAt,
    scope: input.scope,
    description: input.description ?? '',
    announcedOn: today,
    recipients: notices.length,
  });
  await deps.outbox.add(notices);
  await deps.publisher.publish(notices).catch(() => undefined);
  await auditOutage(deps, who, 'maintenance.announce', id, undefined, {
    startsAt: data.startsAt,
    endsAt: data.endsAt,
    scope: input.scope,
    recipients: notices.length,
  });
  return {
    id,
    announcedOn: today,
    startsAt: data.startsAt,
    endsAt: data.endsAt,
    recipients: notices.length,
    noticeIds: notices.length <= 100 ? notices.map((n) => n.id) : undefined,
  };
}
