/** Composition root of the api function (Lambda). */
import { parseEnv } from '#runtime/env.ts';
import { randomIds, systemClock } from '#runtime/clock.ts';
import { QueueOutboxPublisher } from '#use-cases/publish-outbox.ts';
import { S3Client } from '@aws-sdk/client-s3';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { S3Archive } from '#adapters/archive/s3-archive.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import { join } from 'node:path';
import { awsDesktops, storeAdapters, configFrom, sqsQueue } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('api');
const db = makeDocumentClient();
const store = storeAdapters(db, env.TABLE_NAME);
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
  auth: { mode: env.AUTH_MODE, token: env.API_TOKEN },
  payers: store.payers,
  deposits: store.deposits,
  archive: new S3Archive(new S3Client({}), env.ARCHIVE_BUCKET, db, env.TABLE_NAME),
  documents: new PdfKitInvoiceDocuments(join(import.meta.dirname ?? '.', env.INVOICE_FONT_PATH)),
});
