/** Composition root of the lifecycle-worker function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import { awsStore, configFrom, sqsQueue } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('lifecycle-worker');

const store = awsStore(env.TABLE_NAME);

export const handler = makeHandler({
  config: configFrom(env.CONFIG_JSON),
  clock: systemClock,
  units: store.units,
  audit: store.audit,
  publisher: new QueueOutboxPublisher(sqsQueue(env.MAIL_QUEUE_URL), sqsQueue(env.DESKTOP_QUEUE_URL)),
});
