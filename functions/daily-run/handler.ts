/**
 * daily-run: EventBridge Scheduler at 00:05 Asia/Tokyo. The business date is the JST date of the
 * scheduled time (not the invocation time: a retry hours later still runs the right date).
 * `{ "date": "YYYY-MM-DD" }` runs a given date (operator, local `npm run daily`).
 */
import middy from '@middy/core';
import { jstDate, parseInstant, parseLocalDate, type LocalDate } from '#domain/calendar.ts';
import { runDailyRun, type DailyRunDeps, type DailyRunReport } from '#use-cases/run-day.ts';
import { relayPendingOutbox } from '#use-cases/publish-outbox.ts';
import type { OutboxPublisher, OutboxRepository, Telemetry } from '#use-cases/ports.ts';
import { logger } from '#runtime/logger.ts';

export interface DailyRunEvent {
  readonly scheduledTime?: string;
  readonly date?: string;
}

export type DailyRunHandlerDeps = DailyRunDeps & {
  readonly outbox: OutboxRepository;
  readonly publisher: OutboxPublisher;
  readonly telemetry?: Telemetry;
};

export function businessDate(event: DailyRunEvent, today: LocalDate): LocalDate {
  if (event.date !== undefined) {
    const d = parseLocalDate(event.date);
    if (!d) throw new Error(`invalid date: ${event.date}`);
    return d;
  }
  const t = parseInstant(event.scheduledTime);
  return t === null ? today : jstDate(t);
}

export const makeHandler = (deps: DailyRunHandlerDeps) =>
  middy<DailyRunEvent, DailyRunReport & { relayed: number }>().handler(async (event) => {
    const date = businessDate(event, deps.clock.today());
    logger.appendKeys({ date });
    const relayed = await relayPendingOutbox(deps);
    const report = await runDailyRun(deps, date);
    // The scheduler invokes asynchronously and discards the result: the log and the metrics are the record.
    deps.telemetry?.count('DailyRunCompleted', report.dates.length);
    deps.telemetry?.count('DueUnits', report.dueUnits);
    logger.info('daily run completed', { dates: report.dates, dueUnits: report.dueUnits, relayed });
    return { ...report, relayed };
  });
