/** The local EventBridge Scheduler: the daily run at 00:05 Asia/Tokyo, with the scheduled time in the event. */
import { addDays, formatJst, jstDate, jstInstant, type Instant } from '#domain/calendar.ts';

/** The next 00:05 JST strictly after `now`. */
export function nextDailyRun(now: Instant): Instant {
  const today = jstDate(now);
  const at = jstInstant(today, 0, 5);
  return at > now ? at : jstInstant(addDays(today, 1), 0, 5);
}

export function scheduleDaily(run: (event: { scheduledTime: string }) => Promise<unknown>, onError: (e: unknown) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const at = nextDailyRun(Date.now() as Instant);
    // setTimeout caps at ~24.8 days; re-arm at most hourly so clock changes are noticed.
    timer = setTimeout(
      () => {
        if (Date.now() >= at)
          void run({ scheduledTime: formatJst(at) })
            .catch(onError)
            .finally(arm);
        else arm();
      },
      Math.min(at - Date.now(), 3_600_000),
    );
  };
  arm();
  return () => clearTimeout(timer);
}

/** The next HH:00 strictly after `now` (the hourly outage watcher, `cron(0 * * * ? *)`). */
export function nextHour(now: Instant): Instant {
  return ((Math.floor(now / 3_600_000) + 1) * 3_600_000) as Instant; // JST is a whole-hour offset from UTC
}

export function scheduleHourly(run: (event: { scheduledTime: string }) => Promise<unknown>, onError: (e: unknown) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const at = nextHour(Date.now() as Instant);
    timer = setTimeout(
      () =>
        void run({ scheduledTime: formatJst(at) })
          .catch(onError)
          .finally(arm),
      Math.max(0, at - Date.now()),
    );
  };
  arm();
  return () => clearTimeout(timer);
}
