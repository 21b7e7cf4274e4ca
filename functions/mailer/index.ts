/** Composition root of the mailer function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { makeSesClient } from '#adapters/ses/client.ts';
import { SesMailer } from '#adapters/ses/ses-mailer.ts';
import { PacedMailer } from '#adapters/ses/paced-mailer.ts';
import { awsStore, configFrom } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('mailer');

const config = configFrom(env.CONFIG_JSON);
const store = awsStore(env.TABLE_NAME);
const ses = new SesMailer(makeSesClient({ region: process.env.AWS_REGION ?? 'ap-northeast-1' }), { configurationSet: env.SES_CONFIGURATION_SET });

export const handler = makeHandler({
  config,
  outbox: store.outbox,
  audit: store.audit,
  clock: systemClock,
  // The account's SES rate, shared by the mailer's instances (its concurrency is capped at MAILER_CONCURRENCY).
  mailer: new PacedMailer(ses, config.mail.sendRatePerSecond / env.MAILER_CONCURRENCY),
});
