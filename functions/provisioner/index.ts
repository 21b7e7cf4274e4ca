/** Composition root of the provisioner function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { WorkspacesDesktopGateway } from '#adapters/workspaces/workspaces-desktop-gateway.ts';
import type { OutboxItem } from '#domain/effects.ts';
import type { OutboxPublisher } from '#use-cases/ports.ts';
import { awsStore, configFrom } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('provisioner');
const config = configFrom(env.CONFIG_JSON);
const store = awsStore(env.TABLE_NAME);
/** The provisioner only records desktop ids: it writes no outbox items, so nothing is published. */
const noPublish: OutboxPublisher = { publish: async (_: readonly OutboxItem[]) => undefined };

export const handler = makeHandler({
  config,
  clock: systemClock,
  units: store.units,
  outbox: store.outbox,
  audit: store.audit,
  publisher: noPublish,
  desktops: new WorkspacesDesktopGateway(makeWorkspacesClient({ region: process.env.AWS_REGION ?? 'ap-northeast-1' }), config.workspaces),
});
