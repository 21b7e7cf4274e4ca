/** lifecycle-worker: SQS messages { unitId, date } from the daily run's fan-out. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import middy from '@middy/core';
import { advanceUnitTo } from '#use-cases/run-day.ts';
import type { CoreDeps, UnitDayMessage } from '#use-cases/ports.ts';
import { sqsBatch } from '../sqs.ts';

export const makeHandler = (deps: CoreDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler(sqsBatch<UnitDayMessage>((m) => advanceUnitTo(deps, m)));
