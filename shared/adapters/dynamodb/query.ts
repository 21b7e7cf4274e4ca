import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem } from '#domain/effects.ts';
import { INDEX_SHARD_SUFFIXES, RETENTION_DAYS, expiresAfter, keys, shardedKey } from './table.ts';

/** Every item of a query, page after page, up to `limit` items. */
export async function queryAll(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.send(
      new QueryCommand({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(limit) ? { Limit: limit - out.length } : {}) }),
    );
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

/**
 * A new outbox item as stored: pending, and on the relay's sparse index (sharded) until it is done;
 * kept RETENTION_DAYS from when it is written (`nowMs`).
 */
export function outboxRecord(o: OutboxItem, nowMs: number = Date.now()) {
  return {
    ...keys.outbox(o.id),
    item: o,
    state: 'pending',
    attempts: 0,
    gsi1pk: shardedKey('OUTBOX#pending', o.id),
    gsi1sk: `${o.date}#${o.id}`,
    // Notices of a unit are also on GSI2 under NOTICES#<unit> (the console's list of what a customer was sent).
    ...(o.kind === 'notice' && o.unitId ? { gsi2pk: `NOTICES#${o.unitId}`, gsi2sk: `${o.date}#${o.id}` } : {}),
    expiresAt: expiresAfter(nowMs, o.kind === 'notice' ? RETENTION_DAYS.notice : RETENTION_DAYS.desktopJob),
  };
}

/**
 * The first `limit` items of a sharded index key (`base#00` … `base#07`) in sort-key order: every shard
 * queried in parallel for its first `limit`, merged, cut. `condition` uses `:pk` for the key.
 */
export async function queryShards(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'> & { IndexName: string },
  base: string,
  condition: string,
  values: Record<string, unknown>,
  sortKey: 'gsi1sk' | 'gsi2sk',
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const shards = await Promise.all(
    INDEX_SHARD_SUFFIXES.map((s) =>
      queryAll(db, { ...input, KeyConditionExpression: condition, ExpressionAttributeValues: { ...values, ':pk': `${base}#${s}` } }, limit),
    ),
  );
  const key = (i: Record<string, unknown>) => String(i[sortKey]);
  return shards
    .flat()
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .slice(0, limit);
}
