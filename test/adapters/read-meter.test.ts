/**
 * The read meter (shared/adapters/dynamodb/read-meter.ts) against the shared DynamoDB Local: that
 * DynamoDB Local reports ConsumedCapacity when asked, that every kind of read is counted once with
 * its items and capacity, that writes are not, that metered code sees the output it would see
 * unmetered, and that the embedded stack's `meter` option meters the store.
 */
import { DeleteTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoAgenda } from '#adapters/dynamodb/dynamo-agenda.ts';
import { INDEX_SHARDS } from '#adapters/dynamodb/table.ts';
import { meterReads, operationOf } from '#adapters/dynamodb/read-meter.ts';
import { date } from '#domain/calendar.ts';
import { apiEvent } from '#local/http-server.ts';
import { ensureTable } from '#local/stack.ts';
import { acmeApplication, testStack, TOKEN, uniqueTable } from '../support.ts';

describe('read meter on DynamoDB Local', () => {
  const endpoint = inject('dynamoEndpoint');
  const table = uniqueTable('meter');
  let db: DynamoDBDocumentClient;

  beforeAll(async () => {
    await ensureTable(endpoint, table);
    db = makeDocumentClient({ endpoint });
    // Partition P: 5 items of about 0, 3, 6, 9 and 12 KB; agenda-like partitions for the agenda reader.
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk: 'P', sk: String(i), x: 'y'.repeat(3000 * i) } } })),
        },
      }),
    );
  });
  afterAll(async () => {
    db?.destroy();
    const c = new DynamoDBClient({ endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await c.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    c.destroy();
  });

  it('DynamoDB Local reports ConsumedCapacity when asked', async () => {
    const r = await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '1' }, ReturnConsumedCapacity: 'TOTAL' }));
    expect(r.ConsumedCapacity).toEqual({ TableName: table, CapacityUnits: 0.5 });
    const q = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'P' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(q.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(1);
  });

  it('names operations as DynamoDB does, for document and plain commands', () => {
    expect(operationOf('GetCommand')).toBe('GetItem');
    expect(operationOf('GetItemCommand')).toBe('GetItem');
    expect(operationOf('QueryCommand')).toBe('Query');
    expect(operationOf('TransactWriteCommand')).toBe('TransactWriteItems');
    expect(operationOf('BatchGetItemCommand')).toBe('BatchGetItem');
  });

  it('counts each read once with its items and capacity; writes are not reads', async () => {
    const meter = meterReads(db);
    try {
      // GetItem: a hit (1 item), a miss (0 items, still a request that costs).
      const hit = await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '1' }, ConsistentRead: true }));
      expect(hit.Item?.sk).toBe('1');
      await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: 'missing' } }));
      expect(meter.snapshot().byOperation.GetItem).toEqual({ requests: 2, items: 1, capacityUnits: 1 + 0.5 });

      // Query: every item of the partition is read and billed (a projection does not make it cheaper).
      meter.reset();
      const q = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'P' },
          ProjectionExpression: 'sk',
        }),
      );
      expect(q.Count).toBe(5);
      expect(meter.requests).toBe(1);
      expect(meter.items).toBe(5);
      // ≈ 30 KB eventually consistent: ceil(30 KB / 4 KB) / 2 = 4.
      expect(meter.capacityUnits).toBe(4);

      // A filter reduces what is returned, not what is read: ScannedCount counts.
      meter.reset();
      const f = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'x = :s',
          ExpressionAttributeValues: { ':p': 'P', ':s': '' },
        }),
      );
      expect(f.Count).toBe(1);
      expect(meter.items).toBe(5);

      // BatchGet, TransactGet, Scan.
      meter.reset();
      await db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: [
                { pk: 'P', sk: '0' },
                { pk: 'P', sk: '1' },
                { pk: 'P', sk: 'nope' },
              ],
            },
          },
        }),
      );
      await db.send(
        new TransactGetCommand({
          TransactItems: [
            { Get: { TableName: table, Key: { pk: 'P', sk: '2' } } },
            { Get: { TableName: table, Key: { pk: 'P', sk: 'nope' } } },
          ],
        }),
      );
      await db.send(new ScanCommand({ TableName: table, Limit: 3 }));
      const s = meter.snapshot();
      expect(s.byOperation.BatchGetItem).toMatchObject({ requests: 1, items: 2 });
      expect(s.byOperation.TransactGetItems).toMatchObject({ requests: 1, items: 1 });
      expect(s.byOperation.Scan).toMatchObject({ requests: 1, items: 3 });
      expect(s.requests).toBe(3);
      expect(s.items).toBe(6);
      for (const o of Object.values(s.byOperation)) expect(o.capacityUnits).toBeGreaterThan(0);

      // Writes leave the meter alone.
      meter.reset();
      await db.send(new PutCommand({ TableName: table, Item: { pk: 'W', sk: '1' } }));
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'W', sk: '1' },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      );
      expect(meter.snapshot()).toEqual({ requests: 0, items: 0, capacityUnits: 0, byOperation: {} });
    } finally {
      meter.detach();
    }
  });

  it('metered code sees the output it would see unmetered; asked-for capacity is kept', async () => {
    const meter = meterReads(db);
    try {
      const plain = await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '0' } }));
      expect(plain.ConsumedCapacity).toBeUndefined();
      const asked = await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '0' }, ReturnConsumedCapacity: 'INDEXES' }));
      expect(asked.ConsumedCapacity?.Table?.CapacityUnits).toBe(0.5);
      expect(meter.requests).toBe(2);
      expect(meter.capacityUnits).toBe(1);
      // A snapshot is a copy.
      const before = meter.snapshot();
      await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '0' } }));
      expect(before.requests).toBe(2);
      expect(meter.requests).toBe(3);
    } finally {
      meter.detach();
    }
    // Detached: nothing more is counted.
    await db.send(new GetCommand({ TableName: table, Key: { pk: 'P', sk: '0' } }));
    expect(meter.requests).toBe(3);
  });

  it('meters a plain DynamoDBClient too, and two meters on one client count independently', async () => {
    const plain = new DynamoDBClient({
      endpoint,
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const a = meterReads(plain);
    const b = meterReads(plain);
    try {
      await plain.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'P' }, sk: { S: '3' } } }));
      b.reset();
      await plain.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'P' }, sk: { S: '3' } } }));
      expect(a.snapshot()).toMatchObject({ requests: 2, items: 2 });
      expect(b.snapshot()).toMatchObject({ requests: 1, items: 1 });
    } finally {
      a.detach();
      b.detach();
      plain.destroy();
    }
  });

  it('the agenda reads one request per shard and one item per due unit, however big other dates are', async () => {
    const shards = 4;
    const agenda = new DynamoAgenda(db, table, shards);
    const put = (date: string, n: number) =>
      Promise.all(
        Array.from({ length: Math.ceil(n / 25) }, (_, b) =>
          db.send(
            new BatchWriteCommand({
              RequestItems: {
                [table]: Array.from({ length: Math.min(25, n - b * 25) }, (_, i) => {
                  const id = `u${date}-${b * 25 + i}`;
                  return { PutRequest: { Item: { pk: `AGENDA#${date}#0${(b * 25 + i) % shards}`, sk: `UNIT#${id}`, unit: id, date } } };
                }),
              },
            }),
          ),
        ),
      );
    await put('2025-04-01', 7);
    await put('2025-04-02', 300);
    const meter = meterReads(db);
    try {
      expect(await agenda.dueOn(date('2025-04-01'))).toHaveLength(7);
      expect(meter.snapshot()).toMatchObject({ requests: shards, items: 7 });
      meter.reset();
      expect(await agenda.dueOn(date('2025-04-03'))).toHaveLength(0);
      expect(meter.snapshot()).toMatchObject({ requests: shards, items: 0 });
    } finally {
      meter.detach();
    }
  });
});

describe('the embedded stack with `meter: true`', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { meter: true });
  });
  afterAll(async () => stack?.stop());

  const ctx = {} as Context;
  const call = (method: string, url: string, body?: unknown) =>
    stack.api(
      apiEvent({
        method,
        url,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      ctx,
    );

  it('exposes readMeter, which counts the reads of the store (API and daily run)', async () => {
    const meter = stack.readMeter!;
    expect(meter).not.toBeNull();
    expect((await call('POST', '/applications', acmeApplication({ plan: 'self' }))).statusCode).toBe(201);
    expect(meter.requests).toBeGreaterThan(0);
    expect((await call('POST', '/applications/acme/accept', { startDate: '2024-02-15' })).statusCode).toBe(200);
    await stack.drain();

    stack.setToday('2024-02-15', 0);
    meter.reset();
    expect(await stack.runDaily({ date: '2024-02-15' })).toMatchObject({ dueUnits: 1 });
    const s = meter.snapshot();
    // Relay sweep (1 query per OUTBOX#pending shard, nothing pending) + run log (1 get, no run yet)
    // + 4 agenda shards (1 item) + the unit (1 get) — a self plan has no desktop job.
    expect(s.byOperation.Query).toMatchObject({ requests: INDEX_SHARDS + 4, items: 1 });
    expect(s.byOperation.GetItem).toMatchObject({ requests: 2, items: 1 });
    expect(s.items).toBe(2);

    // The next day nothing is due: the same constant number of requests, no item.
    stack.setToday('2024-02-16', 0);
    meter.reset();
    await stack.runDaily({ date: '2024-02-16' });
    expect(meter.snapshot()).toMatchObject({ requests: INDEX_SHARDS + 1 + 4, items: 1 /* the run log */ });
  });

  it('is null without the option', async () => {
    const other = await testStack('2024-02-01');
    try {
      expect(other.readMeter).toBeNull();
    } finally {
      await other.stop();
    }
  });
});
