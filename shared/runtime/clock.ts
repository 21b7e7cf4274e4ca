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
}

/** Server-made ids when the client gives no ref (X1): a prefix and 12 random base-32 characters. */
export const randomIds: IdGenerator = {
  newId: (prefix) => {
    const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
    return `${prefix}-${[...randomBytes(12)].map((b) => alphabet[b % 32]).join('')}`;
  },
};
