import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '#domain/calendar.ts';
import type { Agenda, RunLog } from '#use-cases/ports.ts';
import { queryAll } from './query.ts';
import { AGENDA_SHARDS, expired, keys } from './table.ts';

/** Wake-ups by date, sharded: the daily run reads one small partition per shard, never the unit set. */
export class DynamoAgenda implements Agenda {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Must equal the writers' (DynamoUnitRepository) shard count. */
    private readonly shards = AGENDA_SHARDS,
    /** The time TTL expiry is judged by (ms): the wall clock on AWS, the stack's clock locally. */
    private readonly now: () => number = Date.now,
  ) {}

  async dueOn(date: LocalDate): Promise<string[]> {
    return (await this.shardsDueOn(date)).flat().sort();
  }

  async shardsDueOn(date: LocalDate): Promise<string[][]> {
    return Promise.all(
      Array.from({ length: this.shards }, async (_, shard) => {
        const items = await queryAll(this.db, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `AGENDA#${date}#${String(shard).padStart(2, '0')}` },
          ProjectionExpression: 'sk, expiresAt',
          ConsistentRead: true, // a wake-up written just before the run is seen
        });
        // Past its retention (TTL, table.ts) a wake-up is gone, whether or not DynamoDB has deleted it yet.
        return items
          .filter((i) => !expired(i, this.now()))
          .map((i) => String(i.sk).slice('UNIT#'.length))
          .sort();
      }),
    );
  }
}

export class DynamoRunLog implements RunLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async lastCompleted(): Promise<LocalDate | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.run(), ConsistentRead: true }));
    return (r.Item?.lastCompleted as LocalDate | undefined) ?? null;
  }

  /** Only moves forward: an overlapping older run cannot set it back. */
  async markCompleted(date: LocalDate): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.run(), lastCompleted: date },
          ConditionExpression: 'attribute_not_exists(lastCompleted) OR lastCompleted < :d',
          ExpressionAttributeValues: { ':d': date },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
}
