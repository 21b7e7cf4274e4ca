/** Composition root of the provisioner function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import type { OutboxMessage } from '#use-cases/ports.ts';
import { awsStore, configFrom, sqsQueue } from '../wiring.ts';
import { awsDesktops } from '../wiring-desktops.ts';
import { loggedPublisher, powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('provisioner');
const config = configFrom(env.CONFIG_JSON);
const store = awsStore(env.TABLE_NAME, capture);
const aws = awsDesktops(config, env.KIT_KEY_ID, capture);
const desktopQueue = sqsQueue<OutboxMessage>(env.DESKTOP_QUEUE_URL, capture);

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config,
    clock: systemClock,
    units: store.units,
    outbox: store.outbox,
    accounts: store.accounts,
    kits: store.kits,
    // Failure mails to the operator (W5) go through the mail queue; waiting jobs re-check through the desktop queue.
    publisher: loggedPublisher(new QueueOutboxPublisher(sqsQueue(env.MAIL_QUEUE_URL, capture), desktopQueue)),
    recheck: desktopQueue,
    audit: store.audit,
    ...aws,
  }),
);
