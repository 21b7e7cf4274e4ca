/** W3, W9, W10 on the single table: accounts as their own items, kit links, the audit trail and drift reports. */
import { BatchWriteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord, AccountRepository, DriftReport, DriftStore, KitRecord, KitRepository } from '#use-cases/ports.ts';
import { queryAll } from './query.ts';
import { expired, expiresAfter, keys, RETENTION_DAYS } from './table.ts';

const BATCH = 25;

/** BatchWriteItem with the unprocessed items written again (jittered back-off). */
async function batchWrite(db: DynamoDBDocumentClient, table: string, requests: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH) {
    let pending = requests.slice(i, i + BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} item(s) unprocessed`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
      const r = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = r.UnprocessedItems?.[table] ?? [];
    }
  }
}

function toAccount(i: Record<string, unknown>): AccountRecord {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...rest } = i;
  return rest as unknown as AccountRecord;
}

/**
 * Accounts live as long as their line; a spent one (`deleted`: desktop and user gone, W8) gets a TTL of
 * RETENTION_DAYS.spentAccount and reads treat it as absent once past it. User names stay unique without
 * it: the short-code counter never goes back (W2).
 */
export class DynamoAccountRepository implements AccountRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** The time TTL is set and judged by (ms): the wall clock on AWS, the stack's clock locally. */
    private readonly now: () => number = Date.now,
  ) {}

  async nextShortCodeSeq(): Promise<number> {
    const r = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.shortCodes(),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.n);
  }

  async listByLine(unitId: string, lineId: string): Promise<AccountRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `ACCTS#${unitId}`, ':sk': `L#${lineId}#` },
      ConsistentRead: true,
    });
    const now = this.now();
    return items.filter((i) => !expired(i, now)).map(toAccount);
  }

  async listByUnit(unitId: string): Promise<AccountRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ACCTS#${unitId}` },
      ConsistentRead: true,
    });
    const now = this.now();
    return items
      .filter((i) => !expired(i, now))
      .map(toAccount)
      .sort((a, b) => a.number - b.number);
  }

  async putAll(records: readonly AccountRecord[]): Promise<void> {
    await batchWrite(
      this.db,
      this.table,
      records.map((r) => ({
        PutRequest: {
          Item: {
            ...keys.account(r.unitId, r.lineId, r.number),
            ...r,
            ...(r.deleted ? { expiresAt: expiresAfter(this.now(), RETENTION_DAYS.spentAccount) } : {}),
          },
        },
      })),
    );
  }

  async wipePasswords(records: readonly AccountRecord[]): Promise<void> {
    const queue = [...records];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift())
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.account(r.unitId, r.lineId, r.number),
            UpdateExpression: 'REMOVE sealedPassword',
          }),
        );
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}

export class DynamoKitRepository implements KitRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(kit: KitRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...keys.kit(kit.hash), ...kit }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { ...keys.kitOf(kit.unitId), hash: kit.hash } } },
        ],
      }),
    );
  }

  async get(hash: string): Promise<KitRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.kit(hash), ConsistentRead: true }));
    if (!r.Item) return null;
    const { pk: _pk, sk: _sk, ...kit } = r.Item;
    return kit as KitRecord;
  }

  async current(unitId: string): Promise<KitRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.kitOf(unitId), ConsistentRead: true }));
    return r.Item ? this.get(String(r.Item.hash)) : null;
  }

  async markFetched(hash: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.kit(hash),
          UpdateExpression: 'SET #s = :fetched, fetchedAt = :at',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':fetched': 'fetched', ':open': 'open', ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async revoke(hash: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.kit(hash),
          UpdateExpression: 'SET #s = :revoked',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':open': 'open' },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
}

export class DynamoDriftStore implements DriftStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async latest(): Promise<DriftReport | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.drift(), ConsistentRead: true }));
    return r.Item ? (r.Item.report as DriftReport) : null;
  }

  async save(report: DriftReport): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...keys.drift(), report } } },
          { Put: { TableName: this.table, Item: { pk: `DRIFT#${report.date}`, sk: report.at, report } } },
        ],
      }),
    );
  }
}
