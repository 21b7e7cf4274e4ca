/** Composition root of the lifecycle-worker function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('lifecycle-worker');

const store = awsStore(env.TABLE_NAME, capture);

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config: configFrom(env.CONFIG_JSON),
    clock: systemClock,
    units: store.units,
    audit: store.audit,
    publisher: awsPublisher(env, capture),
  }),
);
