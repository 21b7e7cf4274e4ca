import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem } from '#domain/effects.ts';
import type { JobFailure, OutboxEntry, OutboxRepository } from '#use-cases/ports.ts';
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
    return entryOf(r.Item);
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
          ConditionExpression: 'attribute_exists(pk) AND #s = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now, ':pending': 'pending' },
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

  async release(id: string, progress: Record<string, unknown>): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.outbox(id),
        UpdateExpression: 'SET progress = :p REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(pk) AND #s = :pending',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':p': progress, ':pending': 'pending' },
      }),
    );
  }

  async fail(id: string, failure: JobFailure): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET #s = :failed, failure = :f, gsi1pk = :pk, gsi1sk = :sk REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(pk) AND #s = :pending',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':f': failure, ':pk': 'JOBS#failed', ':sk': `${failure.at}#${id}` },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async reopen(id: string): Promise<boolean> {
    const entry = await this.get(id);
    if (!entry || entry.state !== 'failed') return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET #s = :pending, gsi1pk = :pk, gsi1sk = :sk, attempts = :zero ADD retries :one REMOVE progress, leaseUntil',
          ConditionExpression: 'attribute_exists(pk) AND #s = :failed',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending', ':failed': 'failed', ':pk': 'OUTBOX#pending', ':sk': `${entry.item.date}#${id}`, ':zero': 0, ':one': 1 },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async listFailed(limit: number, after?: string): Promise<{ items: OutboxEntry[]; next: string | null }> {
    let start: Record<string, unknown> | undefined;
    if (after) {
      try {
        start = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        start = undefined;
      }
    }
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'JOBS#failed' },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const next = r.LastEvaluatedKey ? Buffer.from(JSON.stringify(r.LastEvaluatedKey)).toString('base64url') : null;
    return { items: (r.Items ?? []).map(entryOf), next };
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

function entryOf(i: Record<string, unknown>): OutboxEntry {
  return {
    item: i.item as OutboxItem,
    state: i.state as OutboxEntry['state'],
    attempts: Number(i.attempts ?? 0),
    result: i.result as OutboxEntry['result'],
    ...(i.progress ? { progress: i.progress as Record<string, unknown> } : {}),
    ...(i.failure ? { failure: i.failure as OutboxEntry['failure'] } : {}),
    ...(i.retries ? { retries: Number(i.retries) } : {}),
  };
}
