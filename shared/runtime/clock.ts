/** The business clock (X4) and id generation: the only places that read the wall clock or randomness. */
import { randomBytes } from 'node:crypto';
import { jstDate, jstInstant, type Instant, type LocalDate } from '#domain/calendar.ts';
import type { Clock, IdGenerator } from '#use-cases/ports.ts';

/** The wall clock; "today" is the date in Asia/Tokyo. */
export const systemClock: Clock = {
  now: () => Date.now() as Instant,
  today: () => jstDate(Date.now() as Instant),
};

/** A clock pinned to a business date (`npm start -- --today D`): the time of day still moves. */
export function pinnedClock(today: LocalDate): Clock {
  return {
    today: () => today,
    now: () => (jstInstant(today) + ((Date.now() + 9 * 3600_000) % 86_400_000)) as Instant,
  };
}

/** A settable clock (the simulator and tests move it). */
export class ManualClock implements Clock {
  constructor(private t: Instant) {}
  now(): Instant {
    return this.t;
  }
  today(): LocalDate {
    return jstDate(this.t);
  }
  set(t: Instant): void {
    this.t = t;
  }
  /** The test clock: 10:00 JST of `d` (after that day's 00:05 run). */
  setToday(d: LocalDate): void {
    this.t = jstInstant(d, 10);
  }
}

/** Server-made ids when the client gives no ref (X1): a prefix and 12 random base-32 characters. */
export const randomIds: IdGenerator = {
  newId: (prefix) => {
    const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
    return `${prefix}-${[...randomBytes(12)].map((b) => alphabet[b % 32]).join('')}`;
  },
};

/** A clock whose business date can be moved forward (the local test clock, POST /clock/advance). */
export interface SettableClock extends Clock {
  /** Makes `d` the business date (the time of day keeps following the wall clock). */
  setToday(d: LocalDate): void;
}

/**
 * `npm start`'s clock: pinned to a date (`--today`) or the real date shifted by whole days (after the
 * test clock moved it). Either way the time of day is the wall clock's. `state()` is what start.ts keeps
 * in .local/clock.json so that a restart keeps the advanced date.
 */
export function settableClock(
  init: { pinned?: LocalDate | null; offsetDays?: number } = {},
): SettableClock & { state(): { pinned: LocalDate | null; offsetDays: number } } {
  let pinned = init.pinned ?? null;
  let offsetDays = init.offsetDays ?? 0;
  const wall = () => Date.now() + offsetDays * 86_400_000;
  return {
    today: () => pinned ?? jstDate(wall() as Instant),
    now: () => (pinned ? jstInstant(pinned) + ((Date.now() + 9 * 3600_000) % 86_400_000) : wall()) as Instant,
    setToday(d: LocalDate) {
      if (pinned) pinned = d;
      else offsetDays += Math.round((jstInstant(d) - jstInstant(jstDate(wall() as Instant))) / 86_400_000);
    },
    state: () => ({ pinned, offsetDays }),
  };
}
