/**
 * Composition root of the api function (Lambda). Traced by the LightTracer, not Powertools' Tracer:
 * the X-Ray SDK under Tracer is ~90 KB of a cold start the bundle limit holds to 250 KB
 * (shared/runtime/light-tracer.ts writes the same subsegments).
 */
import middy from '@middy/core';
import { parseEnv } from '#runtime/env.ts';
import type { HttpEvent, HttpResult } from '#runtime/http.ts';
import { randomIds, systemClock } from '#runtime/clock.ts';
import { awsDocumentClient, awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { awsArchive, invoiceDocuments } from '../wiring-archive.ts';
import { awsDesktops } from '../wiring-desktops.ts';
import { observedWith, powertoolsTelemetry, TRACE_SERVICE_NAME } from '#runtime/observability.ts';
import { LightTracer } from '#runtime/light-tracer.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('api');
const tracer = new LightTracer({ serviceName: TRACE_SERVICE_NAME });
const capture = tracer.captureAWSv3Client;
const db = awsDocumentClient(capture);
const store = awsStore(env.TABLE_NAME, capture, db);
const config = configFrom(env.CONFIG_JSON);
const aws = awsDesktops(config, env.KIT_KEY_ID, capture);

export const handler = tracer.traced(
  observedWith(
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
        publisher: awsPublisher(env, capture),
        auth: env.AUTH_MODE === 'jwt' ? { mode: 'jwt' } : { mode: 'token', token: env.API_TOKEN },
        payers: store.payers,
        deposits: store.deposits,
        archive: awsArchive(env.ARCHIVE_BUCKET, db, env.TABLE_NAME, capture),
        documents: invoiceDocuments(env.INVOICE_FONT_PATH),
      }),
    ),
  ),
);
