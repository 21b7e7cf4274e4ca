import { addDays, formatJst, jstDate, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { notFound } from '#domain/errors.ts';
import type { OutboxItem, Transition } from '#domain/effects.ts';
import { advanceUnit, nextWakeUp, stampTransitions } from '#domain/lifecycle.ts';
import type { Unit } from '#domain/unit.ts';
import { retryOnConflict } from './contention.ts';
import type { AuditLog, CoreDeps, IdempotencyRecord } from './ports.ts';
import type { Principal } from './authz.ts';

export type { Transition };

/**
 * The last date whose daily run is due by now: today from 00:05 JST, else yesterday (DETAILS S5:
 * events at or after 00:05 come after that day's run, earlier ones before it).
 */
export function businessDayDone(deps: Pick<CoreDeps, 'clock'>): LocalDate {
  const today = deps.clock.today();
  return deps.clock.now() >= jstInstant(today, 0, 5) ? today : addDays(jstDate(deps.clock.now()), -1);
}

/**
 * The one way a use case changes a unit:
 * 1. load it and bring it up to date (whatever the daily run owes it by now, so a late or missed
 *    run can never reorder a day's steps and an event);
 * 2. let the domain compute the transition;
 * 3. save the new state with its outbox items and its next wake-up in one conditional write;
 * 4. hand the outbox items to the publisher.
 * A lost race reloads and recomputes (contention.ts: jittered back-off, then CONCURRENT_MODIFICATION),
 * so the domain always sees the current state. Returns the saved unit.
 */
export async function changeUnit(
  deps: Pick<CoreDeps, 'units' | 'publisher' | 'config' | 'clock' | 'telemetry' | 'audit'>,
  id: string,
  decide: (unit: Unit) => Transition | Promise<Transition>,
  opts: {
    reserveRefs?: readonly string[];
    /** false: record facts only (the provisioner), no catch-up. */
    advance?: boolean;
    /** Builds the idempotency record from the saved unit (written in the same transaction). */
    idempotency?: (unit: Unit) => IdempotencyRecord;
    /** Who acts and what it is called in the audit trail (default: the system catching the unit up). */
    audit?: { readonly actor: Principal; readonly action: string; readonly target?: string };
  } = {},
): Promise<Unit> {
  return retryOnConflict(`unit ${id}`, async () => {
    const loaded = await deps.units.get(id);
    if (!loaded) throw notFound('unit', id);
    const caughtUp = opts.advance === false ? { unit: loaded, outbox: [] } : advanceUnit(loaded, businessDayDone(deps), deps.config);
    const decided = await decide(caughtUp.unit);
    const t = { ...decided, unit: stampTransitions(caughtUp.unit, decided.unit, deps.clock.now()) };
    const outbox = dedupe([...caughtUp.outbox, ...t.outbox]);
    // Nothing changed: its wake-up was written with the state it has (every save writes the next one).
    if (t.unit === loaded && outbox.length === 0) return loaded;
    const wakeUps = [...new Set([...t.wakeUps, ...nextWakeUp(t.unit, deps.config)])];
    const before = new Set(loaded.invoices);
    const invoices = t.unit.invoices.filter((i) => !before.has(i));
    const saved = await deps.units.save(t.unit, {
      outbox,
      wakeUps,
      reserveRefs: opts.reserveRefs,
      invoices,
      idempotency: opts.idempotency?.({ ...t.unit, version: t.unit.version + 1 }),
    });
    const issued = invoices.filter((i) => !(loaded.invoices ?? []).some((x) => x.id === i.id));
    if (issued.length > 0) {
      deps.telemetry?.count('InvoicesIssued', issued.length);
      deps.telemetry?.count(
        'YenBilled',
        issued.reduce((s, i) => s + i.total, 0),
      );
    }
    // After the commit: a lost publish (logged by the publisher) is recovered by the relay sweep of pending outbox items.
    await deps.publisher.publish(outbox).catch(() => undefined);
    await auditChange(deps, loaded, saved, opts.audit);
    return saved;
  });
}

/** Two steps may produce the same notice (e.g. coinciding reminder offsets): one id, one item. */
function dedupe(items: readonly OutboxItem[]): OutboxItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.id) && seen.add(i.id));
}

/** The parts of a unit an auditor compares (not the whole aggregate: invoices as id → balance). */
export function unitSummary(u: Unit): Record<string, unknown> {
  return {
    status: u.status,
    application: u.application,
    accounts: u.accounts,
    accountManager: u.contractor.accountManager,
    cancellation: u.cancellation ?? null,
    lines: u.lines.map((l) => ({
      id: l.id,
      accounts: l.accounts,
      started: l.started,
      termEnd: l.termEnd,
      endedOn: l.endedOn,
      cancellation: l.cancellation ?? null,
    })),
    invoices: Object.fromEntries(
      (u.invoices ?? []).map((i) => [i.id, { total: i.total, paid: i.payments.reduce((s, p) => s + p.amount, 0), paidOn: i.paidOn }]),
    ),
    desktops: Object.keys(u.desktops ?? {}).length,
  };
}

/** Only the keys that changed, before and after. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) === JSON.stringify(after[k])) continue;
    b[k] = before[k];
    a[k] = after[k];
  }
  return { before: b, after: a };
}

async function auditChange(
  deps: { readonly audit?: AuditLog; readonly clock: CoreDeps['clock'] },
  before: Unit,
  after: Unit,
  who: { readonly actor: Principal; readonly action: string; readonly target?: string } | undefined,
): Promise<void> {
  if (!deps.audit) return;
  const actor = who?.actor ?? { id: 'system:catch-up', role: 'system' as const };
  const diff = changedKeys(unitSummary(before), unitSummary(after));
  await deps.audit.record({
    at: formatJst(deps.clock.now()),
    actor: { id: actor.id, role: actor.role },
    action: who?.action ?? 'unit.advance',
    unit: after.id,
    ...(who?.target ? { target: who.target } : {}),
    ...(actor.requestId ? { requestId: actor.requestId } : {}),
    before: diff.before,
    after: diff.after,
  });
}
