import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem } from '#domain/effects.ts';
import type { OutboxEntry, OutboxRepository } from '#use-cases/ports.ts';
import { outboxRecord, queryAll } from './query.ts';
import { GSI1, GSI2, keys } from './table.ts';

export class DynamoOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<OutboxEntry | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.outbox(id), ConsistentRead: true }));
    if (!r.Item) return null;
    return { item: r.Item.item as OutboxItem, state: r.Item.state, attempts: Number(r.Item.attempts ?? 0), result: r.Item.result };
  }

  async complete(id: string, result: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET #s = :done, #r = :r REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND #s <> :done',
          ExpressionAttributeNames: { '#s': 'state', '#r': 'result' },
          ExpressionAttributeValues: { ':done': 'done', ':r': result },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async claim(id: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND #s <> :done AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now, ':done': 'done' },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async recordAttempt(id: string, error: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.outbox(id),
        UpdateExpression: 'ADD attempts :one SET lastError = :e REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':e': error.slice(0, 500) },
      }),
    );
  }

  async add(items: readonly OutboxItem[]): Promise<void> {
    await Promise.all(
      items.map(async (o) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.table,
              Item: outboxRecord(o),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (e) {
          if ((e as Error).name !== 'ConditionalCheckFailedException') throw e; // already there: kept as it is
        }
      }),
    );
  }

  async listPending(limit: number): Promise<OutboxItem[]> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OUTBOX#pending' },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => i.item as OutboxItem);
  }

  async noticesOfUnit(unitId: string, limit = 500): Promise<OutboxEntry[]> {
    const items = await queryAll(
      this.db,
      { TableName: this.table, IndexName: GSI2, KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `NOTICES#${unitId}` }, ScanIndexForward: false },
      limit,
    );
    return items.map((r) => ({ item: r.item as OutboxItem, state: r.state as OutboxEntry['state'], attempts: Number(r.attempts ?? 0), result: r.result as Record<string, unknown> | undefined }));
  }
}
