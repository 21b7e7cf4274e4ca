/** Composition root of the mailer function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { makeSesClient } from '#adapters/ses/client.ts';
import { SesMailer } from '#adapters/ses/ses-mailer.ts';
import { awsStore, configFrom } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('mailer');

export const handler = makeHandler({
  config: configFrom(env.CONFIG_JSON),
  outbox: awsStore(env.TABLE_NAME).outbox,
  mailer: new SesMailer(makeSesClient({ region: process.env.AWS_REGION ?? 'ap-northeast-1' }), { configurationSet: env.SES_CONFIGURATION_SET }),
});
