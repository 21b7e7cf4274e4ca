/**
 * DynamoDB at scale, on DynamoDB Local: throttling (injected) retried with jittered back-off and never
 * reported as a conflict; the sharded index keys spread an April-1st run; TTL honoured on read (DynamoDB
 * Local never expires); transactions refused before DynamoDB's 100 items; an old layout migrated.
 */
import {
  DeleteTableCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoAgenda } from '#adapters/dynamodb/dynamo-agenda.ts';
import { DynamoOutboxRepository } from '#adapters/dynamodb/dynamo-outbox-repository.ts';
import { DynamoUnitRepository } from '#adapters/dynamodb/dynamo-unit-repository.ts';
import { operationOf } from '#adapters/dynamodb/read-meter.ts';
import { layoutVersion, migrateLayout } from '#adapters/dynamodb/migrate.ts';
import { INDEX_SHARDS, INDEX_SHARD_SUFFIXES, LAYOUT_VERSION, agendaShard, indexShard, keys } from '#adapters/dynamodb/table.ts';
import { StoreThrottledError, TransactionTooLargeError, backoffDelay, isThrottle } from '#adapters/dynamodb/throttle.ts';
import { newApplication } from '#domain/applications.ts';
import { date } from '#domain/calendar.ts';
import { noticeId, type Notice } from '#domain/effects.ts';
import { ConcurrentModificationError } from '#use-cases/ports.ts';
import { ensureTable } from '#local/stack.ts';
import { uniqueTable } from '../support.ts';

const draft = (id: string) =>
  newApplication(
    id,
    {
      plan: 'kokona',
      accounts: 10,
      contractor: {
        kind: 'corporation',
        name: `株式会社${id}`,
        corporateNumber: '8700110005901',
        accountManager: { name: '山田 太郎', email: `${id}@example.jp` },
        agent: null,
      },
    },
    date('2024-02-01'),
  );

const notice = (unitId: string, n: number): Notice => ({
  kind: 'notice',
  id: noticeId({ unitId, type: 'service_resumed', date: date('2025-04-01'), role: 'account_manager', discriminator: String(n) }),
  type: 'service_resumed',
  unitId,
  date: date('2025-04-01'),
  role: 'account_manager',
  to: { name: '山田 太郎', email: 'a@example.jp' },
  data: { contractorName: '株式会社サンプル', plan: 'ココナワーク', accounts: 5, resumedOn: date('2025-04-01') },
});

const throttledTransaction = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]',
    $metadata: {},
    CancellationReasons: [
      { Code: 'None' },
      { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity for one or more global secondary indexes' },
    ],
  });

describe('DynamoDB adapters at scale', () => {
  const endpoint = inject('dynamoEndpoint');
  const admin = new DynamoDBClient({ endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tables: string[] = [];
  let table: string;
  beforeAll(async () => {
    table = uniqueTable('scale');
    await ensureTable(endpoint, table);
    tables.push(table);
  });
  afterAll(async () => {
    for (const t of tables) await admin.send(new DeleteTableCommand({ TableName: t })).catch(() => undefined);
    admin.destroy();
  });

  /** A client whose first `failures` requests of `op` fail with `error()` (inside the throttle retry, like DynamoDB would). */
  function faultyClient(op: string, failures: number, error: () => Error) {
    const delays: number[] = [];
    const db = makeDocumentClient({ endpoint, throttle: { sleep: async (ms) => void delays.push(ms), random: () => 0.999 } });
    let left = failures;
    let calls = 0;
    db.middlewareStack.add(
      (next, context) => async (args) => {
        if (operationOf(context.commandName) === op) {
          calls++;
          if (left-- > 0) throw error();
        }
        return next(args);
      },
      { step: 'initialize', name: 'fault' },
    );
    return { db, delays, calls: () => calls };
  }

  it('retries a throttled transaction with growing jittered back-off and saves; never a conflict', async () => {
    const { db, delays, calls } = faultyClient('TransactWriteItems', 3, throttledTransaction);
    const units = new DynamoUnitRepository(db, table);
    const unit = await units.create(draft('thr1'));
    expect(calls()).toBe(4); // create's transaction: three throttled, the fourth written
    expect(delays).toHaveLength(3);
    // Full jitter: a uniform draw under a cap that doubles (50, 100, 200 ms with the defaults).
    expect(delays).toEqual([49, 99, 199]);
    expect((await units.get('thr1'))?.version).toBe(1);
    const saved = await units.save(unit, { outbox: [], wakeUps: [] });
    expect(saved.version).toBe(2);
    db.destroy();
  });

  it('gives up with StoreThrottledError (not ConcurrentModificationError) when the throttling lasts', async () => {
    const setup = makeDocumentClient({ endpoint });
    const unit = await new DynamoUnitRepository(setup, table).create(draft('thr2'));
    setup.destroy();
    const { db, delays } = faultyClient('TransactWriteItems', 1000, throttledTransaction);
    const err = await new DynamoUnitRepository(db, table).save(unit, { outbox: [], wakeUps: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreThrottledError);
    expect(err).not.toBeInstanceOf(ConcurrentModificationError);
    expect(isThrottle(err)).toBe(true);
    expect(delays).toHaveLength(7); // 8 attempts
    expect(Math.max(...delays)).toBeLessThan(2000);
    db.destroy();
  });

  it('retries a plain throttling exception of a read the same way', async () => {
    const { db, delays } = faultyClient(
      'GetItem',
      2,
      () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    );
    expect((await new DynamoUnitRepository(db, table).get('thr1'))?.id).toBe('thr1');
    expect(delays).toHaveLength(2);
    db.destroy();
  });

  it('tells a failed condition (a lost race) from a throttle', () => {
    const conflict = new TransactionCanceledException({
      message: 'x',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ThrottlingError' }],
    });
    expect(isThrottle(conflict)).toBe(false);
    expect(
      isThrottle(new TransactionCanceledException({ message: 'x', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }] })),
    ).toBe(false);
    expect(isThrottle(throttledTransaction())).toBe(true);
    for (let attempt = 1; attempt <= 12; attempt++) expect(backoffDelay(attempt, { random: () => 0.999 })).toBeLessThan(2000);
  });

  it('refuses a transaction of more than 100 items before writing anything', async () => {
    const db = makeDocumentClient({ endpoint });
    const units = new DynamoUnitRepository(db, table);
    const unit = await units.create(draft('big1'));
    const outbox = Array.from({ length: 100 }, (_, i) => notice('big1', i));
    await expect(units.save(unit, { outbox, wakeUps: [] })).rejects.toBeInstanceOf(TransactionTooLargeError);
    expect((await units.get('big1'))?.version).toBe(1);
    expect(await new DynamoOutboxRepository(db, table).get(outbox[0]!.id)).toBeNull();
    // Wake-ups that would overflow the transaction are written beside it instead: the save goes through.
    const wakeUps = Array.from({ length: 99 }, (_, i) =>
      date(`2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 12)).padStart(2, '0')}`),
    );
    const saved = await units.save(unit, { outbox: outbox.slice(0, 5), wakeUps });
    expect(saved.version).toBe(2);
    expect(await new DynamoAgenda(db, table).dueOn(wakeUps[98]!)).toEqual(['big1']);
    db.destroy();
  });

  it('treats items past their TTL as gone (DynamoDB Local never deletes them)', async () => {
    const db = makeDocumentClient({ endpoint });
    const past = Math.floor(Date.now() / 1000) - 60;
    await db.send(
      new PutCommand({ TableName: table, Item: { ...keys.idempotency('old-key'), requestHash: 'h', result: {}, expiresAt: past } }),
    );
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.idempotency('new-key'), requestHash: 'h', result: {}, expiresAt: past + 86_400 },
      }),
    );
    const units = new DynamoUnitRepository(db, table);
    expect(await units.getIdempotency('old-key')).toBeNull();
    expect(await units.getIdempotency('new-key')).toMatchObject({ key: 'new-key' });
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...keys.agenda('2020-01-01', 'ttl1'), unit: 'ttl1', date: '2020-01-01', expiresAt: past },
      }),
    );
    await db.send(new PutCommand({ TableName: table, Item: { ...keys.agenda('2020-01-01', 'ttl2'), unit: 'ttl2', date: '2020-01-01' } }));
    expect(await new DynamoAgenda(db, table).dueOn(date('2020-01-01'))).toEqual(['ttl2']);
    // What the adapters write carries its retention from the business date (table.ts RETENTION_DAYS).
    const writtenAt = Date.parse('2026-01-15T12:00:00+09:00');
    const outbox = new DynamoOutboxRepository(db, table, () => writtenAt);
    const n = notice('ttl3', 1);
    await outbox.add([n]);
    const raw = await db.send(new GetCommand({ TableName: table, Key: keys.outbox(n.id) }));
    expect(raw.Item?.expiresAt).toBe(writtenAt / 1000 + 7 * 366 * 86_400);
    expect(await outbox.get(n.id)).not.toBeNull();
    // Judged by the given clock (the stack's locally): 7 years and a day later it is gone.
    expect(await new DynamoOutboxRepository(db, table, () => writtenAt + (7 * 366 + 1) * 86_400_000).get(n.id)).toBeNull();
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.outbox(n.id),
        UpdateExpression: 'SET expiresAt = :p',
        ExpressionAttributeValues: { ':p': past },
      }),
    );
    expect(await new DynamoOutboxRepository(db, table).get(n.id)).toBeNull();
    db.destroy();
  });

  it('spreads the index keys of an April-1st run over every shard, and lists them merged in order', async () => {
    // The bench's ids (scripts/bench.ts): 20,000 units, a quarter renewing on April 1st.
    const ids = Array.from({ length: 20_000 }, (_, i) => `u${String(i).padStart(6, '0')}`);
    for (const [name, shardOf, n] of [
      ['index', (id: string) => Number(indexShard(id)), INDEX_SHARDS],
      ['agenda', (id: string) => agendaShard(id), 16],
    ] as const) {
      const per = new Array<number>(n).fill(0);
      for (const id of ids.filter((_, i) => i % 4 === 0)) per[shardOf(id)]!++;
      const mean = 5000 / n;
      expect(Math.min(...per), name).toBeGreaterThan(mean * 0.8);
      expect(Math.max(...per), name).toBeLessThan(mean * 1.2);
    }
    // On the store: 40 applications land on several APPS#received shards; the listing merges them in receipt order.
    const db = makeDocumentClient({ endpoint });
    const t = uniqueTable('shards');
    await ensureTable(endpoint, t);
    tables.push(t);
    const units = new DynamoUnitRepository(db, t);
    for (let i = 0; i < 40; i++) await units.create(draft(`s${i}`));
    const perShard = await Promise.all(
      INDEX_SHARD_SUFFIXES.map(
        async (s) =>
          (
            await db.send(
              new QueryCommand({
                TableName: t,
                IndexName: 'gsi1',
                KeyConditionExpression: 'gsi1pk = :pk',
                ExpressionAttributeValues: { ':pk': `APPS#received#${s}` },
              }),
            )
          ).Count ?? 0,
      ),
    );
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(40);
    expect(perShard.filter((c) => c > 0).length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...perShard)).toBeLessThanOrEqual(12);
    expect((await units.listApplications('received', 100)).map((u) => u.id)).toEqual(Array.from({ length: 40 }, (_, i) => `s${i}`));
    expect((await units.listApplications('received', 7)).map((u) => u.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
    db.destroy();
  });

  it('migrates a store of the older layout (unsharded index keys) once', async () => {
    const db = makeDocumentClient({ endpoint });
    const t = uniqueTable('layout');
    await ensureTable(endpoint, t);
    tables.push(t);
    const units = new DynamoUnitRepository(db, t);
    await units.create(draft('old1'));
    await units.create(draft('old2'));
    // Put them back the way version 1 wrote them, and forget the layout.
    for (const id of ['old1', 'old2'])
      await db.send(
        new UpdateCommand({
          TableName: t,
          Key: keys.unit(id),
          UpdateExpression: 'SET gsi1pk = :a, gsi2pk = :u',
          ExpressionAttributeValues: { ':a': 'APPS#received', ':u': 'UNITS#pending' },
        }),
      );
    await db.send(
      new PutCommand({
        TableName: t,
        Item: {
          ...keys.outbox('N#old1#x'),
          item: notice('old1', 9),
          state: 'pending',
          gsi1pk: 'OUTBOX#pending',
          gsi1sk: '2025-04-01#N#old1#x',
        },
      }),
    );
    await db.send(new PutCommand({ TableName: t, Item: { ...keys.layout(), version: 1 } }));
    expect(await units.listApplications('received')).toEqual([]); // unreadable until migrated
    expect(await migrateLayout(db, t)).toBe(3);
    expect(await layoutVersion(db, t)).toBe(LAYOUT_VERSION);
    expect((await units.listApplications('received')).map((u) => u.id)).toEqual(['old1', 'old2']);
    expect((await units.listUnits({ status: 'pending' })).map((u) => u.id).sort()).toEqual(['old1', 'old2']);
    expect((await new DynamoOutboxRepository(db, t).listPending(10)).length).toBe(1);
    expect(await migrateLayout(db, t)).toBe(0);
    db.destroy();
  });
});
