import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '#domain/errors.ts';
import type { LocalDate } from '#domain/calendar.ts';
import { cancellationDeadline } from '#domain/terms.ts';
import { decodeUnit, UNIT_STATUSES, type ApplicationStatus, type Unit, type UnitStatus } from '#domain/unit.ts';
import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
  type Effects,
  type IdempotencyRecord,
  type InvoiceStatus,
  type InvoiceSummary,
  type UnitRepository,
} from '#use-cases/ports.ts';
import { balance, type Invoice } from '#domain/invoices.ts';
import { outboxRecord, queryShards } from './query.ts';
import { AGENDA_SHARDS, GSI1, GSI2, RETENTION_DAYS, expired, expiresAfter, jstMidnightMs, keys, shardedKey } from './table.ts';
import { MAX_TRANSACTION_ITEMS, TransactionTooLargeError, isThrottle } from './throttle.ts';

const seqKey = (seq: number) => String(seq).padStart(12, '0');

export class DynamoUnitRepository implements UnitRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Must equal the agenda reader's (DynamoAgenda) shard count. */
    private readonly agendaShards = AGENDA_SHARDS,
    /** The time TTL is set and judged by (ms): the wall clock on AWS, the stack's clock locally. */
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<Unit | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.unit(id), ConsistentRead: true }));
    return r.Item ? decodeUnit(r.Item.u) : null;
  }

  async create(draft: Omit<Unit, 'receivedSeq' | 'version'>): Promise<Unit> {
    // The ref must be free before a receipt number is spent on it.
    const taken = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.ref(draft.id), ConsistentRead: true }));
    if (taken.Item) throw refTaken(draft.id);
    const counter = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.seq(),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const unit: Unit = { ...draft, receivedSeq: Number(counter.Attributes?.n), version: 1 };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.ref(unit.id), kind: 'unit', unit: unit.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: this.unitItem(unit), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.table, Item: { ...keys.appQueue(unit.receivedSeq, unit.id), unit: unit.id } } },
            { Put: { TableName: this.table, Item: { ...keys.corp(unit.contractor.corporateNumber, unit.id), unit: unit.id } } },
          ],
        }),
      );
    } catch (e) {
      const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
      if (reasons.slice(0, 2).some((r) => r.Code === 'ConditionalCheckFailed')) throw refTaken(unit.id);
      throw e;
    }
    return unit;
  }

  async refTaken(ref: string): Promise<boolean> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.ref(ref), ConsistentRead: true }));
    return r.Item !== undefined;
  }

  async save(unit: Unit, effects: Effects): Promise<Unit> {
    const next: Unit = { ...unit, version: unit.version + 1 };
    const queueKey = keys.appQueue(unit.receivedSeq, unit.id);
    const refs = effects.reserveRefs ?? [];
    const idem = effects.idempotency;
    const items: NonNullable<TransactWriteCommand['input']['TransactItems']> = [
      ...(idem
        ? [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.idempotency(idem.key),
                  requestHash: idem.requestHash,
                  result: idem.result,
                  unit: unit.id,
                  expiresAt: Math.floor(this.now() / 1000) + RETENTION_DAYS.idempotency * 86_400,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      ...refs.map((ref) => ({
        Put: {
          TableName: this.table,
          Item: { ...keys.ref(ref), kind: 'line', unit: unit.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
      {
        Put: {
          TableName: this.table,
          Item: this.unitItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': unit.version },
        },
      },
      // The FIFO entry exists exactly while the application waits (Art 6-1; a deferral releases it, P8).
      unit.application.status === 'received'
        ? { Put: { TableName: this.table, Item: { ...queueKey, unit: unit.id } } }
        : { Delete: { TableName: this.table, Key: queueKey } },
      ...(effects.invoices ?? []).map((inv) => ({ Put: { TableName: this.table, Item: invoiceIndexItem(inv) } })),
      ...effects.outbox.map((o) => ({
        Put: {
          TableName: this.table,
          Item: outboxRecord(o, this.now()),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      })),
    ];
    const outboxAt = items.length - effects.outbox.length;
    const wakeUps = [...new Set(effects.wakeUps)].map((d) => ({
      ...keys.agenda(d, unit.id, this.agendaShards),
      unit: unit.id,
      date: d,
      expiresAt: expiresAfter(Math.max(this.now(), jstMidnightMs(d)), RETENTION_DAYS.agenda),
    }));
    // DynamoDB takes at most 100 items per transaction. Past that, the wake-ups are written first, outside
    // it (a wake-up whose state change then fails is harmless: the run finds nothing due and moves on);
    // if the rest is still too large the save is refused whole, before anything is written.
    if (items.length > MAX_TRANSACTION_ITEMS) throw new TransactionTooLargeError(unit.id, items.length + wakeUps.length);
    if (items.length + wakeUps.length <= MAX_TRANSACTION_ITEMS)
      items.push(...wakeUps.map((Item) => ({ Put: { TableName: this.table, Item } })));
    else
      for (let i = 0; i < wakeUps.length; i += 25)
        await batchWriteAll(
          this.db,
          this.table,
          wakeUps.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        );
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (isThrottle(e)) throw e; // told apart: never a conflict (the client's middleware already retried it)
      if (e instanceof TransactionCanceledException) {
        const reasons = e.CancellationReasons ?? [];
        let failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        // Only a failed condition or a concurrent transaction on the same items is a lost race.
        if (failed < 0 && !reasons.some((r) => r.Code === 'TransactionConflict')) throw e;
        if (idem && failed === 0) throw new IdempotencyKeyTakenError(idem.key);
        if (idem) failed -= 1;
        if (failed >= 0 && failed < refs.length) throw refTaken(refs[failed]!);
        // An outbox id already present means the same effect was committed before: a bug, never a race to retry.
        const outboxStart = outboxAt - (idem ? 1 : 0);
        if (failed >= outboxStart && failed < outboxStart + effects.outbox.length)
          throw new Error(`outbox item ${effects.outbox[failed - outboxStart]?.id} already exists`);
        throw new ConcurrentModificationError(unit.id);
      }
      if (e instanceof ConditionalCheckFailedException) throw new ConcurrentModificationError(unit.id);
      throw e;
    }
    return next;
  }

  async earlierPendingExists(unit: Unit): Promise<boolean> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk < :sk',
        ExpressionAttributeValues: { ':pk': 'APPQ', ':sk': seqKey(unit.receivedSeq) },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (r.Items?.length ?? 0) > 0;
  }

  /** In order of receipt (the first `limit` of each status are merged, then the first `limit` kept). */
  async listApplications(status?: ApplicationStatus, limit = 100): Promise<Unit[]> {
    const statuses: ApplicationStatus[] = status ? [status] : ['received', 'deferred', 'accepted', 'rejected'];
    const perStatus = await Promise.all(statuses.map((s) => this.queryIndex(GSI1, `APPS#${s}`, 'gsi1pk = :pk', {}, limit)));
    return perStatus
      .flat()
      .sort((a, b) => a.receivedSeq - b.receivedSeq)
      .slice(0, limit);
  }

  /** Up to `limit` units of one sharded index key, in its sort-key order. */
  private async queryIndex(
    index: typeof GSI1 | typeof GSI2,
    base: string,
    condition: string,
    values: Record<string, unknown>,
    limit: number,
  ): Promise<Unit[]> {
    const items = await queryShards(
      this.db,
      { TableName: this.table, IndexName: index },
      base,
      condition,
      values,
      index === GSI1 ? 'gsi1sk' : 'gsi2sk',
      limit,
    );
    return items.map((i) => decodeUnit(i.u));
  }

  async byCorporateNumber(corporateNumber: string): Promise<Unit[]> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CORP#${corporateNumber}` },
        ConsistentRead: true,
      }),
    );
    const units = await Promise.all((r.Items ?? []).map((i) => this.get(String(i.unit))));
    return units.filter((u): u is Unit => u !== null);
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.idempotency(key), ConsistentRead: true }));
    // An expired key is gone (DynamoDB deletes it within days; DynamoDB Local never).
    return r.Item && !expired(r.Item, this.now()) ? { key, requestHash: String(r.Item.requestHash), result: r.Item.result } : null;
  }

  async listInvoices(filter: { status: InvoiceStatus; today: LocalDate }, limit = 100): Promise<InvoiceSummary[]> {
    const paid = filter.status === 'paid';
    const cond = paid ? 'gsi1pk = :pk' : filter.status === 'overdue' ? 'gsi1pk = :pk AND gsi1sk < :t' : 'gsi1pk = :pk AND gsi1sk >= :t';
    const items = await queryShards(
      this.db,
      { TableName: this.table, IndexName: GSI1 },
      `INVOICES#${paid ? 'paid' : 'unpaid'}`,
      cond,
      paid ? {} : { ':t': filter.today },
      'gsi1sk',
      limit,
    );
    return items.map((i) => i.summary as InvoiceSummary);
  }

  /** Units by status (all when absent), ordered by their next cancellation deadline across statuses. */
  async listUnits(filter: { status?: UnitStatus; deadlineBefore?: LocalDate }, limit = 100): Promise<Unit[]> {
    const statuses: readonly UnitStatus[] = filter.status ? [filter.status] : UNIT_STATUSES;
    const condition = filter.deadlineBefore ? 'gsi2pk = :pk AND gsi2sk < :d' : 'gsi2pk = :pk';
    const perStatus = await Promise.all(
      statuses.map((s) =>
        this.queryIndex(GSI2, `UNITS#${s}`, condition, filter.deadlineBefore ? { ':d': filter.deadlineBefore } : {}, limit),
      ),
    );
    return perStatus
      .flat()
      .sort((a, b) => (deadlineKey(a) < deadlineKey(b) ? -1 : deadlineKey(a) > deadlineKey(b) ? 1 : 0))
      .slice(0, limit);
  }

  private unitItem(unit: Unit) {
    return {
      ...keys.unit(unit.id),
      kind: 'unit',
      version: unit.version,
      status: unit.status,
      gsi1pk: shardedKey(`APPS#${unit.application.status}`, unit.id),
      gsi1sk: seqKey(unit.receivedSeq),
      // Units by status, ordered by their next cancellation deadline (GET /units?status=&deadlineBefore=).
      gsi2pk: shardedKey(`UNITS#${unit.status}`, unit.id),
      gsi2sk: deadlineKey(unit),
      u: unit,
    };
  }
}

function invoiceIndexItem(inv: Invoice) {
  const summary: InvoiceSummary = {
    id: inv.id,
    unitId: inv.unitId,
    issueDate: inv.issueDate,
    kind: inv.kind,
    dueDate: inv.dueDate,
    total: inv.total,
    balance: balance(inv),
    paidOn: inv.paidOn,
  };
  return {
    ...keys.invoice(inv.id),
    kind: 'invoice',
    unit: inv.unitId,
    gsi1pk: shardedKey(`INVOICES#${summary.balance > 0 ? 'unpaid' : 'paid'}`, inv.id),
    gsi1sk: `${inv.dueDate}#${inv.id}`,
    summary,
  };
}

/** The units index's sort key: the next cancellation deadline of a unit in service, then the id. */
function deadlineKey(unit: Unit): string {
  const basic = unit.lines.find((l) => l.kind === 'basic');
  const deadline = basic?.termEnd && basic.endedOn === null ? cancellationDeadline(basic.termEnd) : '9999-12-31';
  return `${deadline}#${unit.id}`;
}

/** BatchWriteItem until every item is written (unprocessed items retried with jittered back-off). */
async function batchWriteAll(db: DynamoDBDocumentClient, table: string, requests: Record<string, unknown>[]): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 25 * 2 ** attempt)));
    if (attempt > 10) throw new Error(`DynamoDB left ${pending.length} agenda write(s) unprocessed after ${attempt} attempts`);
    const r = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = r.UnprocessedItems?.[table] ?? [];
  }
}

function refTaken(id: string): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `ref ${id} is already used by a unit or line (refs are unique, DETAILS P5)`,
    { field: 'ref', ref: id },
    'rule',
  );
}
