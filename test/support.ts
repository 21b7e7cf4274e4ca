/** Test helpers: a table of one's own on the shared DynamoDB Local, and an embedded stack on it. */
import type { Context } from 'aws-lambda';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { ManualClock } from '#runtime/clock.ts';
import { apiEvent } from '#local/http-server.ts';
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
    // A desktop job's delayed re-check (W4) waits 1 ms per second of its delay: tests never sleep on it.
    queueDelayScale: 1,
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

export type TestStack = Awaited<ReturnType<typeof testStack>>;

const ctx = { functionName: 'api', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** A request to the real `api` handler (as API Gateway would send it), then every queue drained. */
export async function apiCall(
  stack: TestStack,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, any> }> {
  const res = await stack.api(
    apiEvent({
      method,
      url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    ctx,
  );
  await stack.drain();
  // A binary answer (the invoice PDF, an archived document) has no JSON body to read.
  const binary = !String(res.headers?.['content-type'] ?? 'application/json').includes('json');
  return { status: res.statusCode ?? 500, body: binary ? {} : (JSON.parse(res.body || '{}') as Record<string, any>) };
}

/** The daily run of `day` at 00:05 JST (catching up every date since the last run), then 10:00 of that day. */
export async function dailyRun(stack: TestStack, day: string): Promise<void> {
  stack.clock.set(jstInstant(date(day), 0, 5));
  await stack.runDaily({ date: day });
  stack.setToday(day, 10);
}
