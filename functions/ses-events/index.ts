/** Composition root of the ses-events function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('ses-events');

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config: configFrom(env.CONFIG_JSON),
    outbox: awsStore(env.TABLE_NAME, capture).outbox,
    publisher: awsPublisher(env, capture),
  }),
);
