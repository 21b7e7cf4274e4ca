import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '#domain/errors.ts';
import type { CompensationRecord, Outage } from '#domain/outages.ts';
import { ConcurrentModificationError, type Maintenance, type OutageRepository } from '#use-cases/ports.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { outboxRecord, queryAll } from './query.ts';
import { GSI1, keys } from './table.ts';

const outageItem = (o: Outage) => ({
  ...keys.outage(o.id),
  kind: 'outage',
  version: o.version,
  gsi1pk: `OUTAGES#${o.endedAt === null ? 'open' : 'ended'}`,
  gsi1sk: `${String(o.knownAt).padStart(15, '0')}#${o.id}`,
  o,
});

const outboxPut = (table: string, o: OutboxItem) => ({
  Put: {
    TableName: table,
    Item: outboxRecord(o),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export class DynamoOutageRepository implements OutageRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Outage | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.outage(id), ConsistentRead: true }));
    return r.Item ? (r.Item.o as Outage) : null;
  }

  async create(draft: Omit<Outage, 'version'>): Promise<Outage> {
    const o: Outage = { ...draft, version: 1 };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: outageItem(o), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException')
        throw new DomainError('VALIDATION_FAILED', `outage ${o.id} already exists`, { field: 'ref', ref: o.id }, 'rule');
      throw e;
    }
    return o;
  }

  async save(o: Outage, effects: { outbox: readonly OutboxItem[] }): Promise<Outage> {
    const next = { ...o, version: o.version + 1 };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: outageItem(next),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': o.version },
              },
            },
            ...effects.outbox.map((x) => outboxPut(this.table, x)),
          ],
        }),
      );
    } catch (e) {
      if (e instanceof TransactionCanceledException) throw new ConcurrentModificationError(o.id);
      throw e;
    }
    return next;
  }

  async list(filter: { open?: boolean }): Promise<Outage[]> {
    const parts = filter.open === undefined ? ['open', 'ended'] : [filter.open ? 'open' : 'ended'];
    const pages = await Promise.all(
      parts.map((p) =>
        queryAll(this.db, {
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `OUTAGES#${p}` },
        }),
      ),
    );
    return pages.flat().map((i) => i.o as Outage);
  }

  async compensations(outageId: string): Promise<CompensationRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `COMP#${outageId}` },
      ConsistentRead: true,
    });
    return items.map((i) => i.record as CompensationRecord);
  }

  async getCompensation(id: string): Promise<CompensationRecord | null> {
    const outageId = id.split('.')[0] ?? '';
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.compensation(outageId, id), ConsistentRead: true }));
    return r.Item ? (r.Item.record as CompensationRecord) : null;
  }

  async writeCompensations(change: {
    added: readonly CompensationRecord[];
    updated: readonly { record: CompensationRecord; expectStatus: CompensationRecord['status'] }[];
    outbox: readonly OutboxItem[];
  }): Promise<boolean> {
    const item = (r: CompensationRecord) => ({ ...keys.compensation(r.outage, r.id), kind: 'compensation', status: r.status, record: r });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...change.added.map((r) => ({
              Put: { TableName: this.table, Item: item(r), ConditionExpression: 'attribute_not_exists(pk)' },
            })),
            ...change.updated.map((u) => ({
              Put: {
                TableName: this.table,
                Item: item(u.record),
                ConditionExpression: '#s = :s',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':s': u.expectStatus },
              },
            })),
            ...change.outbox.map((x) => outboxPut(this.table, x)),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException) return false;
      throw e;
    }
  }

  async createMaintenance(m: Maintenance): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.maintenance(m.id), kind: 'maintenance', m },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException')
        throw new DomainError('VALIDATION_FAILED', `maintenance ${m.id} already exists`, { field: 'ref', ref: m.id }, 'rule');
      throw e;
    }
  }
}
