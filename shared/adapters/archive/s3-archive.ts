/**
 * The archive on AWS (MONEY-IN A1): an S3 bucket with Object Lock in compliance mode and a default
 * retention of `archive.retentionYears` (set by the CDK app), so no one — not even the account's root —
 * can change or delete a document before it expires. Writes are conditional (`If-None-Match: *`):
 * a key that exists is refused. The search index (A2) is kept in the table:
 *  ARCHIVE / <date>#<key>   date, amount, counterparty, hash, size of each document.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Archive, ArchivedDocument, ArchiveQuery } from '#use-cases/ports.ts';
import { queryAll } from '../dynamodb/query.ts';
import { writeOnce } from './local-archive.ts';
import { matches, pageOf } from './search.ts';

const indexKey = (doc: Pick<ArchivedDocument, 'date' | 'key'>) => ({ pk: 'ARCHIVE', sk: `${doc.date}#${doc.key}` });
const keyItem = (key: string) => ({ pk: `ARCHIVEKEY#${key}`, sk: 'A' });

export class S3Archive implements Archive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(doc: Omit<ArchivedDocument, 'sha256' | 'size' | 'archivedAt'>, body: Uint8Array): Promise<ArchivedDocument> {
    const sha = createHash('sha256').update(body).digest();
    const stored: ArchivedDocument = { ...doc, sha256: sha.toString('hex'), size: body.length, archivedAt: new Date().toISOString() };
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `invoices/${doc.key}`,
          Body: body,
          ContentType: doc.contentType,
          ChecksumSHA256: sha.toString('base64'),
          IfNoneMatch: '*',
          Metadata: { invoice: doc.invoiceId, sha256: stored.sha256 },
        }),
      );
    } catch (e) {
      if (e instanceof S3ServiceException && (e.$metadata.httpStatusCode === 412 || e.$metadata.httpStatusCode === 409))
        throw writeOnce(doc.key);
      throw e;
    }
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...indexKey(doc), doc: stored } }));
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keyItem(doc.key), doc: stored } }));
    return stored;
  }

  async head(key: string): Promise<ArchivedDocument | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keyItem(key) }));
    return (r.Item?.doc as ArchivedDocument | undefined) ?? null;
  }

  async read(key: string): Promise<{ doc: ArchivedDocument; body: Uint8Array } | null> {
    const doc = await this.head(key);
    if (!doc) return null;
    const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: `invoices/${key}`, ChecksumMode: 'ENABLED' }));
    return { doc, body: await r.Body!.transformToByteArray() };
  }

  async search(q: ArchiveQuery, page: { limit: number; next?: string }) {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':p': 'ARCHIVE', ':a': `${q.from ?? '0000-00-00'}#`, ':b': `${q.to ?? '9999-99-99'}#\uffff` },
    });
    return pageOf(
      items.map((i) => i.doc as ArchivedDocument).filter((d) => matches(d, q)),
      page,
    );
  }
}
