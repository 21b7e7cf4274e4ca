/** Test helpers: a table of one's own on the shared DynamoDB Local, and an embedded stack on it. */
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { ManualClock } from '#runtime/clock.ts';
import { startEmbeddedStack, type EmbeddedStackOptions } from '#local/stack.ts';

export const uniqueTable = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export const TOKEN = 'test-token';

/** An embedded stack on the shared DynamoDB Local, in a fresh table, with a manual clock at 10:00 JST of `today`. */
export async function testStack(today: string, opts: Partial<EmbeddedStackOptions> = {}) {
  const clock = new ManualClock(jstInstant(date(today), 10));
  const stack = await startEmbeddedStack({
    clock,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: uniqueTable('t'),
    apiToken: TOKEN,
    provisionDelayMs: 0,
    retryDelayMs: 0,
    mailRatePerSecond: Infinity,
    ...opts,
  });
  return { ...stack, clock, setToday: (d: LocalDate | string, hour = 10) => clock.set(jstInstant(date(d), hour)) };
}

export const acmeApplication = (over: Record<string, unknown> = {}) => ({
  ref: 'acme',
  plan: 'kokona',
  accounts: 10,
  contractor: {
    kind: 'corporation',
    name: '株式会社アクメ',
    corporateNumber: '8700110005901',
    accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
    agent: null,
  },
  ...over,
});
