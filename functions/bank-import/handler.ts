/**
 * bank-import: a bank file dropped in the bank-files bucket (S3 ObjectCreated, e.g. by the bank's file
 * transfer, under `incoming/`) is imported exactly like POST /bank-files (MONEY-IN B1–B7). The answer —
 * or the refusal with its record number — is written as `results/<name>.json` for the operator. A refused
 * file records nothing and is not retried (it would be refused again); other failures are thrown so
 * that Lambda retries the event (the import is idempotent: B2).
 */
import type { S3Event } from 'aws-lambda';
import middy from '@middy/core';
import { importStoredBankFile, type MoneyDeps } from '#use-cases/deposits.ts';
import type { BankFileStore } from '#use-cases/ports.ts';
import { logger } from '#runtime/logger.ts';
import { loggedProgress } from '#runtime/progress.ts';

/** An S3 "Object Created" event through EventBridge (the bucket's events go there), or an S3 notification. */
export type BankFileEvent =
  | S3Event
  | {
      readonly 'detail-type': string;
      readonly detail: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string } };
    };

function objects(event: BankFileEvent): { bucket: string; key: string }[] {
  if ('Records' in event)
    return event.Records.map((r) => ({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }));
  return [{ bucket: event.detail.bucket.name, key: event.detail.object.key }];
}

export const makeHandler = (deps: MoneyDeps & { files: BankFileStore }) =>
  middy<BankFileEvent, { imported: number; refused: number }>().handler(async (event) => {
    const done = { imported: 0, refused: 0 };
    for (const { bucket, key } of objects(event)) {
      if (key.startsWith('results/')) continue;
      const onProgress = loggedProgress((m) => logger.info(m, { key }), { label: `bank file ${key}`, unit: 'deposits' });
      const r = await importStoredBankFile(deps, bucket, key, { onProgress });
      if ('imported' in r) logger.info('bank file imported', { key, counts: r.imported.counts });
      else logger.warn('bank file refused', { key, code: r.refused.code, details: r.refused.details });
      done['imported' in r ? 'imported' : 'refused']++;
    }
    return done;
  });
