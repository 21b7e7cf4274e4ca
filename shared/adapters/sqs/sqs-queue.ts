import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Queue } from '#use-cases/ports.ts';

/** An SQS queue (at-least-once); messages are JSON, sent 10 per batch call, optionally delayed (DelaySeconds ≤ 900). */
export class SqsQueue<T> implements Queue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly url: string,
  ) {}

  async send(messages: readonly T[], opts: { readonly delaySeconds?: number } = {}): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      const r = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.url,
          Entries: batch.map((m, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(m),
            ...(opts.delaySeconds ? { DelaySeconds: opts.delaySeconds } : {}),
          })),
        }),
      );
      if (r.Failed?.length) throw new Error(`SQS refused ${r.Failed.length} message(s): ${r.Failed[0]?.Message ?? ''}`);
    }
  }
}
