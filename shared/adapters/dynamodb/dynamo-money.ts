/**
 * Payers and deposits (MONEY-IN B2–B6) in the single table. Items (pk / sk):
 *  PAYER#<payer id> / A             a payer: its virtual account, units and learned names (string sets)
 *  VACCT#<account> / A              virtual account → payer (unique)
 *  PNAME#<normalised name> / <payer> a registered remitter name
 *  SEQ#virtualAccounts / A          how many virtual accounts were handed out
 *  DEP#<id> / A                     a deposit (versioned); GSI1 DEPOSITS#<status> / <勘定日>#<id>
 *  DEPREF#<reference> / <id>        what a cancellation record refers to (B5)
 *  AUDIT#<date> / <at>#<n>          audit entries (until issue 14's audit store replaces it)
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '#domain/errors.ts';
import type { Deposit, DepositRepository, Payer, PayerRepository, StoredDepositStatus } from '#use-cases/ports.ts';
import { queryAll } from './query.ts';
import { GSI1 } from './table.ts';

const k = {
  payer: (id: string) => ({ pk: `PAYER#${id}`, sk: 'A' }),
  vacct: (a: string) => ({ pk: `VACCT#${a}`, sk: 'A' }),
  name: (n: string, payer: string) => ({ pk: `PNAME#${n}`, sk: payer }),
  seq: () => ({ pk: 'SEQ#virtualAccounts', sk: 'A' }),
  deposit: (id: string) => ({ pk: `DEP#${id}`, sk: 'A' }),
  ref: (r: string, id: string) => ({ pk: `DEPREF#${r}`, sk: id }),
};

function toPayer(item: Record<string, unknown>): Payer {
  const set = (v: unknown) => (v instanceof Set ? [...(v as Set<string>)].filter((x) => x !== '') : []);
  return {
    id: item.id as string,
    virtualAccount: item.virtualAccount as string,
    units: set(item.units).sort(),
    names: set(item.names).sort(),
  };
}

export class DynamoPayerRepository implements PayerRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Payer | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: k.payer(id), ConsistentRead: true }));
    return r.Item ? toPayer(r.Item) : null;
  }

  async byVirtualAccount(account: string): Promise<Payer | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: k.vacct(account), ConsistentRead: true }));
    return r.Item ? this.get(r.Item.payer as string) : null;
  }

  async byName(name: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `PNAME#${name}` },
      ConsistentRead: true,
    });
    return items.map((i) => i.sk as string);
  }

  async register(id: string, unitId: string, names: readonly string[], allocate: (n: number) => string | null): Promise<Payer> {
    if (!(await this.get(id))) {
      const counter = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: k.seq(),
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const account = allocate(Number(counter.Attributes?.n));
      if (!account)
        throw new DomainError('VALIDATION_FAILED', 'the range of virtual accounts (config bank.virtualAccounts) is used up', { payer: id });
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: { ...k.payer(id), id, virtualAccount: account },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: this.table, Item: { ...k.vacct(account), payer: id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      } catch (e) {
        // Registered meanwhile by a concurrent acceptance: that one's account stands (this number stays unused).
        if (!(e instanceof TransactionCanceledException)) throw e;
      }
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: k.payer(id),
        UpdateExpression: names.length ? 'ADD #units :u, #names :n' : 'ADD #units :u',
        ExpressionAttributeNames: { '#units': 'units', ...(names.length ? { '#names': 'names' } : {}) },
        ExpressionAttributeValues: { ':u': new Set([unitId]), ...(names.length ? { ':n': new Set(names) } : {}) },
      }),
    );
    for (const n of names) await this.db.send(new PutCommand({ TableName: this.table, Item: { ...k.name(n, id) } }));
    return (await this.get(id))!;
  }

  async addName(id: string, name: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: k.payer(id),
        UpdateExpression: 'ADD #names :n',
        ExpressionAttributeNames: { '#names': 'names' },
        ExpressionAttributeValues: { ':n': new Set([name]) },
      }),
    );
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...k.name(name, id) } }));
  }
}

const statusIndex = (d: Deposit) => ({ gsi1pk: `DEPOSITS#${d.status}`, gsi1sk: `${d.valueDate}#${d.id}` });
const STATUSES: readonly StoredDepositStatus[] = ['unmatched', 'credit', 'partial', 'matched', 'pending', 'cancelled'];

function strip(item: Record<string, unknown>): Deposit {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...d } = item;
  return d as unknown as Deposit;
}

const encodeCursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): { s: number; k?: Record<string, unknown> } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { s: number; k?: Record<string, unknown> };
    if (typeof c.s !== 'number') throw new Error();
    return c;
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'next is not a cursor this list returned', { field: 'next' });
  }
}

export class DynamoDepositRepository implements DepositRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Deposit | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: k.deposit(id), ConsistentRead: true }));
    return r.Item ? strip(r.Item) : null;
  }

  async create(d: Deposit): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...d, ...k.deposit(d.id), ...statusIndex(d) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { ...k.ref(d.reference, d.id), deposit: d.id } } },
          ],
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof TransactionCanceledException && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw e;
    }
  }

  async save(d: Deposit): Promise<boolean> {
    const next = { ...d, version: d.version + 1 };
    const item = Object.fromEntries(Object.entries({ ...next, ...k.deposit(d.id), ...statusIndex(d) }).filter(([, v]) => v !== undefined));
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': d.version },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  async byReference(reference: string): Promise<Deposit[]> {
    const refs = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `DEPREF#${reference}` },
      ConsistentRead: true,
    });
    return (await Promise.all(refs.map((r) => this.get(r.deposit as string)))).filter((d): d is Deposit => d !== null);
  }

  async list(filter: { status?: StoredDepositStatus }, page: { limit: number; next?: string }) {
    const statuses = filter.status ? [filter.status] : STATUSES;
    let cursor = page.next ? decodeCursor(page.next) : { s: 0 };
    const items: Deposit[] = [];
    while (cursor.s < statuses.length && items.length < page.limit) {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': `DEPOSITS#${statuses[cursor.s]}` },
          Limit: page.limit - items.length,
          ExclusiveStartKey: cursor.k,
        }),
      );
      items.push(...(r.Items ?? []).map(strip));
      cursor = r.LastEvaluatedKey ? { s: cursor.s, k: r.LastEvaluatedKey } : { s: cursor.s + 1 };
    }
    return { items, next: cursor.s < statuses.length ? encodeCursor(cursor) : null };
  }
}
