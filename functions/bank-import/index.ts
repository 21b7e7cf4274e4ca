/** Composition root of the bank-import function (Lambda, S3 ObjectCreated on the bank-files bucket). */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseEnv } from '#runtime/env.ts';
import { systemClock } from '#runtime/clock.ts';
import { capture, observed } from '#runtime/tracing.ts';
import { awsPublisher, awsStore, configFrom } from '../wiring.ts';
import { makeHandler } from './handler.ts';

const env = parseEnv('bank-import');
const store = awsStore(env.TABLE_NAME, capture);
const s3 = capture(new S3Client({}));

export const handler = observed(
  makeHandler({
    config: configFrom(env.CONFIG_JSON),
    clock: systemClock,
    units: store.units,
    payers: store.payers,
    deposits: store.deposits,
    audit: store.audit,
    outbox: store.outbox,
    publisher: awsPublisher(env, capture),
    files: {
      async read(bucket, key) {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return r.Body!.transformToByteArray();
      },
      async writeResult(bucket, key, result) {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(result, null, 1), ContentType: 'application/json' }),
        );
      },
    },
  }),
);
