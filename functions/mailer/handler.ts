/** mailer: SQS messages { outboxId } → one notice mail through SES each. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { deliverNotice, type DeliverNoticeDeps } from '#use-cases/deliver-notice.ts';
import type { OutboxMessage } from '#use-cases/ports.ts';
import { sqsBatch } from '../sqs.ts';

export const makeHandler = (deps: DeliverNoticeDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler(sqsBatch<OutboxMessage>((m) => deliverNotice(deps, m.outboxId)));
