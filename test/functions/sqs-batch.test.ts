/**
 * The SQS consumers (Powertools Batch utility, functions/sqs.ts): a message that fails is reported
 * alone and retried alone by SQS; a batch whose every message failed raises, so the invocation is an
 * error (the function's Errors alarm). Through the real mailer handler over an in-memory outbox.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { describe, expect, it } from 'vitest';
import { validConfig } from '#domain/config.ts';
import { date } from '#domain/calendar.ts';
import { noticeId, type Notice } from '#domain/effects.ts';
import type { Mail, Mailer } from '#use-cases/ports.ts';
import { makeHandler as makeMailer } from '#functions/mailer/handler.ts';
import { sqsBatch } from '#functions/sqs.ts';
import { InMemoryOutboxRepository } from '../fakes/in-memory-store.ts';

const ctx = { functionName: 'mailer', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const event = (bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((b, i) => ({
      messageId: `m${i}`,
      body: typeof b === 'string' ? b : JSON.stringify(b),
      attributes: { ApproximateReceiveCount: '1' },
      eventSource: 'aws:sqs',
    })),
  }) as unknown as SQSEvent;

const notice = (unitId: string): Notice => ({
  kind: 'notice',
  id: noticeId({ unitId, type: 'application_accepted', date: date('2024-02-01'), role: 'account_manager' }),
  type: 'application_accepted',
  unitId,
  date: date('2024-02-01'),
  role: 'account_manager',
  to: { name: '山田 太郎', email: `${unitId}@example.jp` },
  data: {
    contractorName: '株式会社サンプル',
    plan: 'ココナワーク',
    accounts: 5,
    startDate: date('2024-02-15'),
    userNames: [],
    userNamesTotal: 5,
  },
});

/** SES that refuses mail to the addresses in `refuse`. */
class PickyMailer implements Mailer {
  readonly sent: string[] = [];
  constructor(private readonly refuse: ReadonlySet<string>) {}
  async send(mail: Mail) {
    if (this.refuse.has(mail.to)) throw new Error('MessageRejected: Email address is not verified');
    this.sent.push(mail.to);
    return { messageId: `msg-${this.sent.length}` };
  }
}

describe('SQS consumers (Batch utility)', () => {
  it('reports only the message that failed; the others are done', async () => {
    const outbox = new InMemoryOutboxRepository();
    const [a, b, c] = [notice('a'), notice('b'), notice('c')];
    await outbox.add([a, b, c]);
    const mailer = new PickyMailer(new Set(['b@example.jp']));
    const handler = makeMailer({ config: validConfig({}), outbox, mailer });
    const r = await handler(event([{ outboxId: a.id }, { outboxId: b.id }, { outboxId: c.id }]), ctx);
    expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(mailer.sent.sort()).toEqual(['a@example.jp', 'c@example.jp']);
    expect((await outbox.get(b.id))?.state).toBe('pending');
    // SQS redelivers m1 alone: still failing, reported again; once fixed, done.
    await expect(handler(event([{ outboxId: b.id }]), ctx)).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(
      await makeMailer({ config: validConfig({}), outbox, mailer: new PickyMailer(new Set()) })(event([{ outboxId: b.id }]), ctx),
    ).toEqual({ batchItemFailures: [] });
    expect((await outbox.get(b.id))?.state).toBe('done');
  });

  it('raises when every message of the batch failed (a whole-batch failure is an invocation error)', async () => {
    const handler = sqsBatch<{ n: number }>(async () => {
      throw new Error('the store is unreachable');
    });
    const err = await handler(event([{ n: 1 }, { n: 2 }, 'not json']), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FullBatchFailureError);
    expect((err as FullBatchFailureError).recordErrors).toHaveLength(3);
  });

  it('a malformed body fails its message only', async () => {
    const seen: number[] = [];
    const handler = sqsBatch<{ n: number }>(async (m) => void seen.push(m.n));
    expect(await handler(event([{ n: 1 }, '{oops', { n: 3 }]), ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(seen.sort()).toEqual([1, 3]);
  });
});
