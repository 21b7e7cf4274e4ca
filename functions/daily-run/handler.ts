/**
 * daily-run: EventBridge Scheduler at 00:05 Asia/Tokyo. The business date is the JST date of the
 * scheduled time (not the invocation time: a retry hours later still runs the right date).
 * `{ "date": "YYYY-MM-DD" }` runs a given date (operator, local `npm run daily`).
 */
import middy from '@middy/core';
import { jstDate, parseInstant, parseLocalDate, type LocalDate } from '#domain/calendar.ts';
import { runDailyRun, type DailyRunDeps, type DailyRunReport } from '#use-cases/run-day.ts';
import { relayPendingOutbox } from '#use-cases/publish-outbox.ts';
import type { OutboxPublisher, OutboxRepository } from '#use-cases/ports.ts';

export interface DailyRunEvent {
  readonly scheduledTime?: string;
  readonly date?: string;
}

export type DailyRunHandlerDeps = DailyRunDeps & { readonly outbox: OutboxRepository; readonly publisher: OutboxPublisher };

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
    const relayed = await relayPendingOutbox(deps);
    return { ...(await runDailyRun(deps, businessDate(event, deps.clock.today()))), relayed };
  });
