/** Composition root of the mailer function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { makeSesClient } from '#adapters/ses/client.ts';
import { SesMailer } from '#adapters/ses/ses-mailer.ts';
import { PacedMailer } from '#adapters/ses/paced-mailer.ts';
import { awsDocumentClient, awsStore, configFrom } from '../wiring.ts';
import { awsArchive, invoiceDocuments } from '../wiring-archive.ts';
import { powertoolsTelemetry } from '#runtime/observability.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('mailer');

const config = configFrom(env.CONFIG_JSON);
const db = awsDocumentClient(capture);
const store = awsStore(env.TABLE_NAME, capture, db);
const ses = new SesMailer(capture(makeSesClient({ region: process.env.AWS_REGION ?? 'ap-northeast-1' })), {
  configurationSet: env.SES_CONFIGURATION_SET,
});

export const handler = observed(
  makeHandler({
    telemetry: powertoolsTelemetry,
    config,
    outbox: store.outbox,
    audit: store.audit,
    clock: systemClock,
    archive: awsArchive(env.ARCHIVE_BUCKET, db, env.TABLE_NAME, capture),
    documents: invoiceDocuments(env.INVOICE_FONT_PATH),
    // The account's SES rate, shared by the mailer's instances (its concurrency is capped at MAILER_CONCURRENCY).
    mailer: new PacedMailer(ses, config.mail.sendRatePerSecond / env.MAILER_CONCURRENCY),
  }),
);
