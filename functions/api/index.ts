/** Composition root of the api function (Lambda). */
import middy from '@middy/core';
import { parseEnv } from '#runtime/env.ts';
import type { HttpEvent, HttpResult } from '#runtime/http.ts';
import { randomIds, systemClock } from '#runtime/clock.ts';
import { awsDocumentClient, awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { awsArchive, invoiceDocuments } from '../wiring-archive.ts';
import { awsDesktops } from '../wiring-desktops.ts';
import { observed, powertoolsTelemetry } from '#runtime/observability.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('api');
const db = awsDocumentClient();
const store = awsStore(env.TABLE_NAME, db);
const config = configFrom(env.CONFIG_JSON);
const aws = awsDesktops(config, env.KIT_KEY_ID);

export const handler = observed(
  middy<HttpEvent, HttpResult>().handler(
    makeHandler({
      telemetry: powertoolsTelemetry,
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
      publisher: awsPublisher(env),
      auth: env.AUTH_MODE === 'jwt' ? { mode: 'jwt' } : { mode: 'token', token: env.API_TOKEN },
      payers: store.payers,
      deposits: store.deposits,
      archive: awsArchive(env.ARCHIVE_BUCKET, db, env.TABLE_NAME),
      documents: invoiceDocuments(env.INVOICE_FONT_PATH),
    }),
  ),
);
