/**
 * The daily run (00:05 Asia/Tokyo) and its per-unit work.
 * runDailyRun: 1. find the dates not yet completed, up to the business date (catch-up, oldest first);
 *              2. for each, read only that date's agenda and enqueue one message per due unit;
 *              3. mark the date completed.
 * advanceUnitTo: bring one unit up to a date (idempotent: a stale or repeated message is a no-op).
 */
import { addDays, compareDates, daysBetween, formatJst, jstDate, type Instant, type LocalDate } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import { advanceUnit } from '#domain/lifecycle.ts';
import { changeUnit } from './commit.ts';
import type { Agenda, AuditLog, Clock, CoreDeps, Queue, RunLog, UnitDayMessage } from './ports.ts';
import { system } from './authz.ts';

export interface DailyRunDeps {
  readonly clock: Clock;
  readonly agenda: Agenda;
  readonly runLog: RunLog;
  readonly lifecycleQueue: Queue<UnitDayMessage>;
  readonly audit?: AuditLog;
}

export interface DailyRunReport {
  readonly dates: LocalDate[];
  readonly dueUnits: number;
}

/** At most this many missed dates are caught up in one run (a year); older gaps need an operator. */
const MAX_CATCH_UP_DAYS = 366;

export async function runDailyRun(deps: DailyRunDeps, date: LocalDate): Promise<DailyRunReport> {
  if (compareDates(date, deps.clock.today()) > 0)
    throw new DomainError(
      'VALIDATION_FAILED',
      `the daily run cannot run for ${date}: today is ${deps.clock.today()} (X4)`,
      { date },
      'rule',
    );
  const last = await deps.runLog.lastCompleted();
  const dates: LocalDate[] = [];
  let d = last === null ? date : addDays(last, 1);
  if (last !== null && compareDates(last, date) >= 0) d = date; // a rerun of a completed date repeats that date only
  for (; compareDates(d, date) <= 0 && dates.length < MAX_CATCH_UP_DAYS; d = addDays(d, 1)) dates.push(d);
  let dueUnits = 0;
  for (const day of dates) {
    // Each agenda shard is sent by its own sender, all in parallel (100k due units are 10k SendMessageBatch calls).
    const shards = deps.agenda.shardsDueOn ? await deps.agenda.shardsDueOn(day) : [await deps.agenda.dueOn(day)];
    const dueUnitsOfDay = shards.reduce((n, ids) => n + ids.length, 0);
    dueUnits += dueUnitsOfDay;
    await Promise.all(shards.map((ids) => deps.lifecycleQueue.send(ids.map((unitId) => ({ unitId, date: day })))));
    await deps.runLog.markCompleted(day);
    await deps.audit?.record({
      at: formatJst(deps.clock.now()),
      actor: { id: 'system:daily-run', role: 'system' },
      action: 'daily_run.complete',
      target: day,
      before: { lastCompleted: last },
      after: { completed: day, dueUnits: dueUnitsOfDay },
    });
  }
  return { dates, dueUnits };
}

/**
 * The dates the daily run owes at `at`: the business date whose run must be complete by then is the
 * JST date of `at` minus one hour (so from 01:00 JST, today's), minus the last completed date; 1 when
 * it never ran. Published hourly as `DailyRunOwedDays` (the "daily run not completed by 01:00" alarm).
 */
export async function owedDays(deps: { readonly runLog: RunLog }, at: Instant): Promise<number> {
  const due = jstDate((at - 3_600_000) as Instant);
  const last = await deps.runLog.lastCompleted();
  if (last === null) return 1;
  return Math.max(0, daysBetween(last, due));
}

/** The lifecycle worker's unit of work: apply every date due for the unit up to `date`. */
export async function advanceUnitTo(deps: CoreDeps, msg: UnitDayMessage): Promise<void> {
  await changeUnit(deps, msg.unitId, (unit) => advanceUnit(unit, msg.date, deps.config), {
    audit: { actor: system('lifecycle-worker'), action: 'unit.advance', target: msg.date },
  });
}
