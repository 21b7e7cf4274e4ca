/**
 * outage-watch: EventBridge Scheduler `cron(0 * * * ? *)` in Asia/Tokyo. The tick is the scheduled time
 * (HH:00), not the invocation time, so a delayed or retried run judges the right hour (O3).
 */
import middy from '@middy/core';
import { parseInstant } from '#domain/calendar.ts';
import { watchOutages, type OutageDeps } from '#use-cases/outages.ts';
import { owedDays } from '#use-cases/run-day.ts';
import type { RunLog, Telemetry } from '#use-cases/ports.ts';
import { logger } from '#runtime/logger.ts';

export interface OutageWatchEvent {
  readonly scheduledTime?: string;
}

/**
 * Every hour it also publishes `DailyRunOwedDays` (use-cases/run-day.ts owedDays): the alarm "daily run
 * not completed by 01:00 JST" reads it, and fires on missing data too (this watcher not running).
 */
export type OutageWatchDeps = OutageDeps & { readonly runLog?: RunLog; readonly telemetry?: Telemetry };

export const makeHandler = (deps: OutageWatchDeps) =>
  middy<OutageWatchEvent, Awaited<ReturnType<typeof watchOutages>>>().handler(async (event) => {
    const t = parseInstant(event.scheduledTime) ?? deps.clock.now();
    if (deps.runLog && deps.telemetry) {
      const owed = await owedDays({ runLog: deps.runLog }, t);
      deps.telemetry.count('DailyRunOwedDays', owed);
      if (owed > 0) logger.warn('the daily run is behind', { owedDays: owed });
    }
    const r = await watchOutages(deps, t);
    if (r.notified.length || r.settled.length) logger.info('outage watch', r);
    return r;
  });
