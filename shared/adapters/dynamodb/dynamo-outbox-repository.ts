import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DELIVERY_RANK, type DeliveryStatus, type MailEvent } from '#domain/mail-events.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { decodeOutboxItem } from '#domain/notice-decode.ts';
import type { JobFailure, OutboxEntry, OutboxRepository } from '#use-cases/ports.ts';
import { outboxRecord, queryAll, queryShards } from './query.ts';
import { GSI1, GSI2, expired, keys, shardedKey } from './table.ts';

export class DynamoOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** The time TTL expiry is judged by (ms): the wall clock on AWS, the stack's clock locally. */
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<OutboxEntry | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.outbox(id), ConsistentRead: true }));
    if (!r.Item || expired(r.Item, this.now())) return null; // past its retention (TTL): gone
    return entryOf(r.Item);
  }

  async recordDelivery(id: string, event: MailEvent, status: DeliveryStatus): Promise<boolean> {
    let added = true;
    const key = `${event.type}:${event.messageId}:${event.at}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET deliveryEvents = if_not_exists(deliveryEvents, :empty)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':empty': {} },
        }),
      );
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET deliveryEvents.#k = :e',
          ConditionExpression: 'attribute_not_exists(deliveryEvents.#k)',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':e': event },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e; // unknown item, or this event recorded already
      added = false;
    }
    const rank = DELIVERY_RANK[status];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.outbox(id),
          UpdateExpression: 'SET deliveryStatus = :s, deliveryRank = :r',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(deliveryRank) OR deliveryRank < :r)',
          ExpressionAttributeValues: { ':s': status, ':r': rank },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e; // already at this status or a worse one
    }
    return added;
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
              Item: outboxRecord(o, this.now()),
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
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':pending': 'pending',
            ':f': failure,
            ':pk': 'JOBS#failed',
            ':sk': `${failure.at}#${id}`,
          },
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
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':failed': 'failed',
            ':pk': shardedKey('OUTBOX#pending', id),
            ':sk': `${entry.item.date}#${id}`,
            ':zero': 0,
            ':one': 1,
          },
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
    const now = this.now();
    return { items: (r.Items ?? []).filter((i) => !expired(i, now)).map(entryOf), next }; // past retention (TTL): gone
  }

  async listPending(limit: number, after?: string): Promise<OutboxItem[]> {
    const items = await queryShards(
      this.db,
      { TableName: this.table, IndexName: GSI1 },
      'OUTBOX#pending',
      after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
      after ? { ':after': after } : {},
      'gsi1sk',
      limit,
    );
    return items.map((i) => decodeOutboxItem(i.item));
  }

  async noticesOfUnit(unitId: string, limit = 500): Promise<OutboxEntry[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.table,
        IndexName: GSI2,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `NOTICES#${unitId}` },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map((r) => ({
      item: decodeOutboxItem(r.item),
      state: r.state as OutboxEntry['state'],
      attempts: Number(r.attempts ?? 0),
      result: r.result as Record<string, unknown> | undefined,
    }));
  }
}

function entryOf(i: Record<string, unknown>): OutboxEntry {
  const events = Object.values((i.deliveryEvents ?? {}) as Record<string, MailEvent>).sort((a, b) =>
    a.at < b.at ? -1 : a.at > b.at ? 1 : 0,
  );
  return {
    item: decodeOutboxItem(i.item),
    state: i.state as OutboxEntry['state'],
    attempts: Number(i.attempts ?? 0),
    result: i.result as OutboxEntry['result'],
    ...(i.progress ? { progress: i.progress as Record<string, unknown> } : {}),
    ...(i.failure ? { failure: i.failure as OutboxEntry['failure'] } : {}),
    ...(i.retries ? { retries: Number(i.retries) } : {}),
    ...(i.deliveryStatus ? { delivery: { status: i.deliveryStatus as DeliveryStatus, events } } : {}),
  };
}
