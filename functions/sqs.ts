/** SQS batch handling shared by the queue-driven jobs: one failure never fails the whole batch (partial batch response). */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#runtime/logger.ts';

export function sqsBatch<T>(each: (message: T) => Promise<unknown>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (r) => {
        try {
          await each(JSON.parse(r.body) as T);
        } catch (error) {
          logger.error('message failed', { messageId: r.messageId, error });
          failures.push({ itemIdentifier: r.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}
