/** What the daily run does for one unit on one date (RULES §3, §8; DETAILS S5, X2). */
import { compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { desktopJobId, type OutboxItem } from './effects.ts';
import { firstTermEnd } from './terms.ts';
import type { Unit } from './unit.ts';

export interface DayResult {
  readonly unit: Unit;
  readonly outbox: readonly OutboxItem[];
  readonly wakeUps: readonly LocalDate[];
}

/**
 * The start date (提供開始日): the unit becomes active, its basic contract's first term is fixed
 * (Art 13), and on plan `kokona` one desktop per account is ordered (Art 45, DETAILS K1: one job per line).
 */
export function startUnit(unit: Unit, date: LocalDate, config: Config): DayResult {
  const lines = unit.lines.map((l) => (l.kind === 'basic' ? { ...l, started: true, termEnd: firstTermEnd(l.startDate) } : l));
  const next: Unit = { ...unit, status: 'active', history: [...unit.history, { date, status: 'active' }], lines };
  const outbox: OutboxItem[] = [];
  const basic = lines.find((l) => l.kind === 'basic');
  if (config.plans[unit.plan]?.desktops && basic) {
    outbox.push({
      kind: 'desktop',
      id: desktopJobId({ unitId: unit.id, lineId: basic.id, action: 'create', date }),
      action: 'create',
      unitId: unit.id,
      lineId: basic.id,
      date,
      userNames: basic.userNames,
    });
  }
  return { unit: next, outbox, wakeUps: [] };
}

/** The dates after `after` on which something is due for this unit, earliest first. */
export function dueDates(unit: Unit, after: LocalDate | null): LocalDate[] {
  const dates: LocalDate[] = [];
  if (unit.status === 'pending' && unit.application.status === 'accepted' && unit.startDate) dates.push(unit.startDate);
  return dates.filter((d) => after === null || compareDates(d, after) > 0).sort(compareDates);
}

/** Applies what is due on one date. A date with nothing due leaves the unit as it is. */
export function unitDay(unit: Unit, date: LocalDate, config: Config): DayResult {
  if (unit.status === 'pending' && unit.application.status === 'accepted' && unit.startDate === date) return startUnit(unit, date, config);
  return { unit, outbox: [], wakeUps: [] };
}

/**
 * Brings a unit up to date: every due date after `processedThrough` up to `through`, in order
 * (catch-up after missed runs). Running it twice changes nothing the second time.
 */
export function advanceUnit(unit: Unit, through: LocalDate, config: Config): DayResult {
  let current = unit;
  const outbox: OutboxItem[] = [];
  const wakeUps: LocalDate[] = [];
  for (;;) {
    const next = dueDates(current, current.processedThrough).find((d) => compareDates(d, through) <= 0);
    if (!next) break;
    const r = unitDay(current, next, config);
    current = { ...r.unit, processedThrough: next };
    outbox.push(...r.outbox);
    wakeUps.push(...r.wakeUps);
  }
  if (current.processedThrough === null || compareDates(current.processedThrough, through) < 0) current = { ...current, processedThrough: through };
  const later = dueDates(current, through)[0];
  if (later) wakeUps.push(later);
  return { unit: current, outbox, wakeUps };
}
