/**
 * outage-watch: EventBridge Scheduler `cron(0 * * * ? *)` in Asia/Tokyo. The tick is the scheduled time
 * (HH:00), not the invocation time, so a delayed or retried run judges the right hour (O3).
 */
import middy from '@middy/core';
import { parseInstant, type Instant } from '#domain/calendar.ts';
import { watchOutages, type OutageDeps } from '#use-cases/outages.ts';

export interface OutageWatchEvent {
  readonly scheduledTime?: string;
}

export const makeHandler = (deps: OutageDeps) =>
  middy<OutageWatchEvent, Awaited<ReturnType<typeof watchOutages>>>().handler(async (event) => {
    const t = parseInstant(event.scheduledTime);
    return watchOutages(deps, (t ?? deps.clock.now()) as Instant);
  });
