/** Composition root of the reconciler function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { awsStore, configFrom } from '../wiring.ts';
import { awsDesktops } from '../wiring-desktops.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('reconciler');
const config = configFrom(env.CONFIG_JSON);
const store = awsStore(env.TABLE_NAME, capture);

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config,
    clock: systemClock,
    units: store.units,
    accounts: store.accounts,
    drift: store.drift,
    desktops: awsDesktops(config, env.KIT_KEY_ID, capture).desktops,
  }),
);
