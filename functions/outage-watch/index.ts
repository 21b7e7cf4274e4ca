/** Composition root of the outage-watch function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { randomIds, systemClock } from '#runtime/clock.ts';
import { awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('outage-watch');
const store = awsStore(env.TABLE_NAME, capture);

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config: configFrom(env.CONFIG_JSON),
    clock: systemClock,
    ids: randomIds,
    units: store.units,
    outages: store.outages,
    outbox: store.outbox,
    runLog: store.runLog,
    audit: store.audit,
    publisher: awsPublisher(env, capture),
  }),
);
