/** Composition root of the api function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { randomIds, systemClock } from '#runtime/clock.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import { awsDesktops, awsStore, configFrom, sqsQueue } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('api');
const store = awsStore(env.TABLE_NAME);
const config = configFrom(env.CONFIG_JSON);
const aws = awsDesktops(config, env.KIT_KEY_ID);

export const handler = makeHandler({
  config,
  clock: systemClock,
  ids: randomIds,
  units: store.units,
  outages: store.outages,
  outbox: store.outbox,
  accounts: store.accounts,
  kits: store.kits,
  audit: store.audit,
  drift: store.drift,
  vault: aws.vault,
  desktops: aws.desktops,
  publisher: new QueueOutboxPublisher(sqsQueue(env.MAIL_QUEUE_URL), sqsQueue(env.DESKTOP_QUEUE_URL)),
  auth: env.AUTH_MODE === 'jwt' ? { mode: 'jwt' } : { mode: 'token', token: env.API_TOKEN },
});
