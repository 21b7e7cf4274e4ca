/** Composition root of the daily-run function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { awsPublisher, awsStore, sqsQueue } from '../wiring.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('daily-run');
const store = awsStore(env.TABLE_NAME, capture);

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    clock: systemClock,
    agenda: store.agenda,
    runLog: store.runLog,
    audit: store.audit,
    outbox: store.outbox,
    lifecycleQueue: sqsQueue(env.LIFECYCLE_QUEUE_URL, capture),
    publisher: awsPublisher(env, capture),
  }),
);
