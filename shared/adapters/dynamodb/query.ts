import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem } from '#domain/effects.ts';
import { keys } from './table.ts';

/** Every item of a query, page after page, up to `limit` items. */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput, limit = Number.POSITIVE_INFINITY): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start, ...(Number.isFinite(limit) ? { Limit: limit - out.length } : {}) }));
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

/** A new outbox item as stored: pending, and on the relay's sparse index until it is done. */
export function outboxRecord(o: OutboxItem) {
  // Notices of a unit are also on GSI2 under NOTICES#<unit> (the console's list of what a customer was sent).
  const byUnit = o.kind === 'notice' && o.unitId ? { gsi2pk: `NOTICES#${o.unitId}`, gsi2sk: `${o.date}#${o.id}` } : {};
  return { ...keys.outbox(o.id), item: o, state: 'pending', attempts: 0, gsi1pk: 'OUTBOX#pending', gsi1sk: `${o.date}#${o.id}`, ...byUnit };
}
