/** provisioner: SQS messages { outboxId } → one step of a desktop job each (a waiting job sends itself again, delayed). */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { provisionDesktops, type ProvisionDeps } from '#use-cases/provision-desktops.ts';
import type { OutboxMessage } from '#use-cases/ports.ts';
import { sqsBatch } from '../sqs.ts';

export const makeHandler = (deps: ProvisionDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler(sqsBatch<OutboxMessage>((m) => provisionDesktops(deps, m.outboxId)));
