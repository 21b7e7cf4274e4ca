/** Composition root of the daily-run function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import { awsStore, sqsQueue } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('daily-run');
const store = awsStore(env.TABLE_NAME);

export const handler = makeHandler({
  clock: systemClock,
  agenda: store.agenda,
  runLog: store.runLog,
  audit: store.audit,
  outbox: store.outbox,
  lifecycleQueue: sqsQueue(env.LIFECYCLE_QUEUE_URL),
  publisher: new QueueOutboxPublisher(sqsQueue(env.MAIL_QUEUE_URL), sqsQueue(env.DESKTOP_QUEUE_URL)),
});
