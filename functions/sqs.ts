/**
 * SQS batch handling shared by the queue-driven jobs, with the Powertools Batch utility: a message
 * that fails is reported alone (partial batch response: SQS retries it, then moves it to the DLQ),
 * and a batch whose every message failed raises (`FullBatchFailureError`), so the invocation counts
 * as an error and the function's Errors alarm sees it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#runtime/logger.ts';

/** The log keys of a message: the unit, date and outbox item it is about (never names or addresses). */
function keysOf(message: unknown): Record<string, unknown> {
  const m = (message ?? {}) as Record<string, unknown>;
  const keys: Record<string, unknown> = {};
  for (const k of ['unitId', 'date', 'outboxId', 'noticeId'] as const) if (typeof m[k] === 'string') keys[k] = m[k];
  return keys;
}

export function sqsBatch<T>(each: (message: T) => Promise<unknown>): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    // One processor per invocation: its state is the batch's (the embedded stack invokes concurrently).
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        let message: unknown;
        try {
          message = JSON.parse(record.body);
          const outcome = await each(message as T);
          logger.debug('message done', { messageId: record.messageId, ...keysOf(message), outcome });
          return outcome;
        } catch (error) {
          logger.error('message failed', {
            messageId: record.messageId,
            receiveCount: record.attributes?.ApproximateReceiveCount,
            ...keysOf(message),
            error,
          });
          throw error;
        }
      },
      processor,
      { context },
    );
  };
}
