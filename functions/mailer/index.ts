/** Composition root of the mailer function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { makeSesClient } from '#adapters/ses/client.ts';
import { SesMailer } from '#adapters/ses/ses-mailer.ts';
import { PacedMailer } from '#adapters/ses/paced-mailer.ts';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { S3Archive } from '#adapters/archive/s3-archive.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import { storeAdapters, configFrom } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('mailer');

const config = configFrom(env.CONFIG_JSON);
const db = makeDocumentClient();
const ses = new SesMailer(makeSesClient({ region: process.env.AWS_REGION ?? 'ap-northeast-1' }), { configurationSet: env.SES_CONFIGURATION_SET });

export const handler = makeHandler({
  config,
  outbox: storeAdapters(db, env.TABLE_NAME).outbox,
  archive: new S3Archive(new S3Client({}), env.ARCHIVE_BUCKET, db, env.TABLE_NAME),
  documents: new PdfKitInvoiceDocuments(join(import.meta.dirname ?? '.', env.INVOICE_FONT_PATH)),
  // The account's SES rate, shared by the mailer's instances (its concurrency is capped at MAILER_CONCURRENCY).
  mailer: new PacedMailer(ses, config.mail.sendRatePerSecond / env.MAILER_CONCURRENCY),
});
