/**
 * Store layout migrations. Layout 2 shards the shared index keys (table.ts): `APPS#<status>`,
 * `UNITS#<status>`, `INVOICES#<paid|unpaid>` and `OUTBOX#pending` become `<key>#<shard>`. A store
 * written before (layout 1: no `LAYOUT` item) is rewritten in place — every item's index keys get their
 * shard suffix, nothing else changes — then `LAYOUT / A` records version 2, so later starts skip the
 * scan. Idempotent: an interrupted run is simply run again. Used by the embedded stack on a persisted
 * store (.local/data) and, on AWS, by `npm run migrate-layout -- --table <name>` (docs/DEPLOY.md).
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LAYOUT_VERSION, keys, shardedKey } from './table.ts';

const UNSHARDED = /^(APPS#[a-z_]+|UNITS#[a-z_]+|INVOICES#(?:paid|unpaid)|OUTBOX#pending)$/;

/** The layout version of a store (1 when it has no LAYOUT item). */
export async function layoutVersion(db: DynamoDBDocumentClient, table: string): Promise<number> {
  const r = await db.send(new GetCommand({ TableName: table, Key: keys.layout(), ConsistentRead: true }));
  return Number(r.Item?.version ?? 1);
}

/** Marks a new, empty store as written in the current layout. */
export async function markLayout(db: DynamoDBDocumentClient, table: string): Promise<void> {
  await db.send(new PutCommand({ TableName: table, Item: { ...keys.layout(), version: LAYOUT_VERSION } }));
}

/** Brings a store to the current layout; returns how many items were rewritten. */
export async function migrateLayout(
  db: DynamoDBDocumentClient,
  table: string,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  if ((await layoutVersion(db, table)) >= LAYOUT_VERSION) return 0;
  let rewritten = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: table, ProjectionExpression: 'pk, sk, gsi1pk, gsi2pk', ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const id = String(item.pk).slice(String(item.pk).indexOf('#') + 1);
      const sets: string[] = [];
      const values: Record<string, unknown> = {};
      for (const attr of ['gsi1pk', 'gsi2pk'] as const) {
        const v = item[attr];
        if (typeof v === 'string' && UNSHARDED.test(v)) {
          sets.push(`${attr} = :${attr}`);
          values[`:${attr}`] = shardedKey(v, id);
        }
      }
      if (sets.length === 0) continue;
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
      rewritten++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  await markLayout(db, table);
  log(`store ${table}: layout ${LAYOUT_VERSION}, ${rewritten} item(s) given sharded index keys`);
  return rewritten;
}
