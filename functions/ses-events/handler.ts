/**
 * ses-events: SES delivery events (EventBridge rule on the configuration set's events → SQS mail-events
 * queue → here; locally the mail sink's events through an in-process queue) recorded on their notices.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { parseSesEvent } from '#adapters/ses/ses-events.ts';
import { recordMailEvent, type MailEventDeps } from '#use-cases/mail-events.ts';
import { logger } from '#runtime/logger.ts';
import { sqsBatch } from '../sqs.ts';

export const makeHandler = (deps: MailEventDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler(
    sqsBatch<unknown>(async (body) => {
      const event = parseSesEvent(body);
      if (!event) {
        logger.warn('not an SES delivery event: dropped', { keys: Object.keys(body ?? {}) });
        return 'ignored';
      }
      const outcome = await recordMailEvent(deps, event);
      const keys = { noticeId: event.noticeId, eventType: event.type, messageId: event.messageId, bounceType: event.bounceType };
      if (outcome === 'unknown') logger.warn('SES event for no known notice', keys);
      else if (event.type !== 'delivery') logger.warn('notice delivery failed', keys);
      return outcome;
    }),
  );
