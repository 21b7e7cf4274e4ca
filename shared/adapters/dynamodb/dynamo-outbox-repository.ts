import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DELIVERY_RANK, type DeliveryStatus, type MailEvent } from '#domain/mail-events.ts';
import type { OutboxItem } from '#domain/effects.ts';
import type { OutboxEntry, OutboxRepository } from '#use-cases/ports.ts';
import { outboxRecord, queryShards } from './query.ts';
import { GSI1, expired, keys } from './table.ts';

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
    const events = Object.values((r.Item.deliveryEvents ?? {}) as Record<string, MailEvent>).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return {
      item: r.Item.item as OutboxItem,
      state: r.Item.state,
      attempts: Number(r.Item.attempts ?? 0),
      result: r.Item.result,
      ...(r.Item.deliveryStatus ? { delivery: { status: r.Item.deliveryStatus as DeliveryStatus, events } } : {}),
    };
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
    return items.map((i) => i.item as OutboxItem);
  }
}
