/**
 * Outages and compensation (Art 33, 34, 35; RULES §10; DETAILS O, X5). An outage counts from when the
 * operator learned the service was completely unusable (knownAt). Compensable causes pay, per unit
 * active at knownAt and in scope, floor(days × annual fee / 365), days = whole 24-hour blocks, when the
 * continuous duration is at least the threshold (120 h). Pure: instants and dates are parameters.
 */
import { addDays, jstInstant, type Instant, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { annualFee as feeOf } from './invoices.ts';
import { announcedTermination } from './timelines.ts';
import { inService, type Line, type Unit, type UnitStatus } from './unit.ts';

export const OUTAGE_CAUSES = [
  'operator_fault',
  'maintenance',
  'disaster',
  'public_interest',
  'overload_emergency',
  'customer_side',
  'workspaces_provider',
] as const;
export type OutageCause = (typeof OUTAGE_CAUSES)[number];
export type OutageScope = 'all' | { readonly plan: string } | { readonly units: readonly string[] };

export interface AuditEntry {
  readonly at: Instant;
  readonly change: Readonly<Record<string, unknown>>;
}

export interface Outage {
  readonly id: string;
  readonly knownAt: Instant;
  readonly endedAt: Instant | null;
  readonly scope: OutageScope;
  readonly cause: OutageCause;
  readonly grossNegligence: boolean;
  readonly description: string;
  /** Date of the outage_threshold_reached notice, once sent (O3). */
  readonly thresholdNoticeOn: LocalDate | null;
  /** True once every compensation record of the (last) settlement is written. */
  readonly settled: boolean;
  readonly audit: readonly AuditEntry[];
  readonly version: number;
}

export type CompensationStatus = 'pending_payout' | 'paid_out' | 'void';

export interface CompensationRecord {
  /** `<outage>.<unit>.<n>`: n counts the unit's records in this outage (a correction adds, never edits). */
  readonly id: string;
  readonly outage: string;
  readonly unit: string;
  readonly hours: number;
  readonly days: number;
  readonly annualFee: number;
  readonly amount: number;
  readonly status: CompensationStatus;
  readonly createdOn: LocalDate;
  readonly paidOutOn?: LocalDate;
  readonly voidedOn?: LocalDate;
}

/** Art 33-1, 33-2, 34-1, 34-3, 45-3, 45-4 (O6): which causes may be compensated, and why not. */
export function compensability(cause: OutageCause, grossNegligence: boolean): { compensable: boolean; reason: string | null } {
  if (cause === 'operator_fault') return { compensable: true, reason: null };
  if (cause === 'customer_side') return { compensable: false, reason: 'customer-side cause (Art 33-1): never compensated' };
  if (cause === 'workspaces_provider')
    return { compensable: false, reason: 'WorkSpaces provider outage (Art 45-3, 45-4): never compensated' };
  return grossNegligence
    ? { compensable: true, reason: null }
    : { compensable: false, reason: `${cause} (Art 33-2, 34): compensated only with the operator's gross negligence` };
}

/** O4: measured to the second; hours rounded to 4 decimals; days = floor(seconds / 86,400). */
export function duration(knownAt: Instant, endedAt: Instant): { seconds: number; hours: number; days: number } {
  const seconds = Math.floor((endedAt - knownAt) / 1000);
  return { seconds, hours: Math.round((seconds / 3600) * 10_000) / 10_000, days: Math.floor(seconds / 86_400) };
}

export function thresholdReached(o: Pick<Outage, 'knownAt'>, at: Instant, config: Config): boolean {
  return at - o.knownAt >= config.outageThresholdHours * 3_600_000;
}

/** Why an ended outage does (not) compensate. */
export function verdict(o: Outage, config: Config): { compensable: boolean; reason: string | null } {
  const c = compensability(o.cause, o.grossNegligence);
  if (!c.compensable || o.endedAt === null) return c;
  return thresholdReached(o, o.endedAt, config)
    ? c
    : { compensable: false, reason: `shorter than ${config.outageThresholdHours} hours (Art 35-1)` };
}

export function inScope(unit: Unit, scope: OutageScope): boolean {
  if (scope === 'all') return true;
  if ('plan' in scope) return unit.plan === scope.plan;
  return scope.units.includes(unit.id);
}

/** The instant a history entry took effect: stamped, else the daily run of its date (00:05, S5). */
const entryAt = (h: { date: LocalDate; at?: number }) => h.at ?? jstInstant(h.date, 0, 5);

/** X5, O1: the unit's status at an instant, from its history. */
export function statusAt(unit: Unit, t: Instant): UnitStatus | null {
  let status: UnitStatus | null = null;
  for (const h of unit.history) {
    // `cancelled` is dated the last day of service: it takes effect at the end of that day (H2).
    const at = h.status === 'cancelled' ? jstInstant(addDays(h.date, 1), 0) : entryAt(h);
    if (at <= t) status = h.status;
  }
  return status;
}

/** The lines in service at an instant (the annual fee counts these, O1). */
export function linesAt(unit: Unit, t: Instant): Line[] {
  return unit.lines.filter(
    (l) =>
      l.started && (l.startedAt ?? jstInstant(l.startDate, 0, 5)) <= t && (l.endedOn === null || t < jstInstant(addDays(l.endedOn, 1), 0)),
  );
}

/** Art 35-3: floor(days × annual fee / 365) on the tax-exclusive fees of the lines active at knownAt. */
export function compensationFor(
  unit: Unit,
  o: Outage,
  config: Config,
): { hours: number; days: number; annualFee: number; amount: number } | null {
  if (o.endedAt === null || !inScope(unit, o.scope) || statusAt(unit, o.knownAt) !== 'active') return null;
  const { hours, days } = duration(o.knownAt, o.endedAt);
  const annualFee = feeOf(unit, linesAt(unit, o.knownAt), config);
  return { hours, days, annualFee, amount: Math.floor((days * annualFee) / 365) };
}

/**
 * What the records of a unit must become (a settlement or a correction): the live record stays when it
 * is still right; otherwise it is voided and, if the unit is (still) owed, a new one is added.
 */
export function reconcile(
  unit: Unit,
  o: Outage,
  existing: readonly CompensationRecord[],
  today: LocalDate,
  config: Config,
): { voided: CompensationRecord[]; added: CompensationRecord[] } {
  const owed = verdict(o, config).compensable ? compensationFor(unit, o, config) : null;
  const live = existing.filter((r) => r.status !== 'void');
  const keep = live.find((r) => owed && r.days === owed.days && r.amount === owed.amount && Math.abs(r.hours - owed.hours) < 1e-9);
  const voided = live
    .filter((r) => r !== keep && r.status === 'pending_payout')
    .map((r) => ({ ...r, status: 'void' as const, voidedOn: today }));
  const added: CompensationRecord[] =
    owed && !keep && !live.some((r) => r.status === 'paid_out')
      ? [
          {
            id: `${o.id}.${unit.id}.${existing.length + 1}`,
            outage: o.id,
            unit: unit.id,
            ...owed,
            status: 'pending_payout',
            createdOn: today,
          },
        ]
      : [];
  return { voided, added };
}

/**
 * O3: the tick at which outage_threshold_reached is due — the first HH:00 at or after knownAt + threshold
 * while the outage is open, once, for an outage whose cause can be compensated.
 */
export function thresholdNoticeDue(o: Outage, tick: Instant, config: Config): boolean {
  return (
    o.endedAt === null &&
    o.thresholdNoticeOn === null &&
    o.knownAt <= tick &&
    compensability(o.cause, o.grossNegligence).compensable &&
    thresholdReached(o, tick, config)
  );
}

/**
 * M1: who gets a maintenance_notice — units in scope, active or suspended now, except those whose
 * scheduled end (cancellation, or an announced termination) comes before the maintenance's start date.
 */
export function maintenanceRecipient(u: Unit, scope: OutageScope, startDay: LocalDate, today: LocalDate, config: Config): boolean {
  if (!inScope(u, scope) || !inService(u)) return false;
  const ends = [u.cancellation?.end ?? null, announcedTermination(u, today, config)].filter((e): e is LocalDate => e !== null);
  return ends.every((e) => e >= startDay);
}
