/**
 * The audit trail in the single table. Each entry is written as three items in one transaction —
 * by month (AUDIT#<YYYY-MM>), by unit (AUDIT#UNIT#<unit>) and by actor (AUDIT#ACTOR#<id>) — each
 * only if absent (`attribute_not_exists`): an entry is never overwritten, and the same entry written
 * twice (a retried delivery) is stored once. There is no update or delete path.
 * Sort key: the instant in UTC (sortable) + a hash of the entry. Reads are newest first.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '#domain/errors.ts';
import type { AuditEntry, AuditLog, AuditQuery, AuditReader } from '#use-cases/ports.ts';

const month = (isoUtc: string) => isoUtc.slice(0, 7);
/** `YYYY-MM` moved by `k` months. */
export const addMonths = (ym: string, k: number) => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const n = y * 12 + (m - 1) + k;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
};

/** An instant as sortable UTC ISO; VALIDATION_FAILED naming `field` otherwise. */
export function auditInstant(at: string, field: string): string {
  const t = Date.parse(at);
  if (Number.isNaN(t)) throw new DomainError('VALIDATION_FAILED', `${field} must be an ISO-8601 instant`, { field });
  return new Date(t).toISOString();
}

/** The layout of one entry (shared by the memory adapter): its sort key and the three partitions it is written to. */
export function auditItemKeys(entry: AuditEntry): { sk: string; pks: string[] } {
  const at = auditInstant(entry.at, 'at');
  const sk = `${at}#${createHash('sha256').update(JSON.stringify(entry)).digest('hex').slice(0, 16)}`;
  return { sk, pks: [`AUDIT#${month(at)}`, ...(entry.unit ? [`AUDIT#UNIT#${entry.unit}`] : []), `AUDIT#ACTOR#${entry.actor.id}`] };
}

/** How far back a query without `from` looks (months). */
const DEFAULT_MONTHS = 24;

/** The month partitions a query without unit or actor reads: from `to` (or tomorrow) back to `from` (or 24 months). */
export function auditMonthRange(from: string | undefined, to: string | undefined): { first: string; last: string } {
  const last = month(to ?? new Date(Date.now() + 86_400_000).toISOString());
  return { last, first: from ? month(from) : addMonths(last, -DEFAULT_MONTHS) };
}

interface Cursor {
  readonly m?: string;
  readonly k?: Record<string, unknown>;
}
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null) throw new Error();
    return c;
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'next is not a cursor of this list', { field: 'next' });
  }
}

export class DynamoAuditLog implements AuditLog, AuditReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const { sk, pks } = auditItemKeys(entry);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: pks.map((pk) => ({
            Put: { TableName: this.table, Item: { pk, sk, kind: 'audit', entry }, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
        }),
      );
    } catch (e) {
      // Every copy already there: the same entry was recorded before (idempotent).
      if ((e as { name?: string }).name === 'TransactionCanceledException') return;
      throw e;
    }
  }

  async query(q: AuditQuery): Promise<{ items: AuditEntry[]; next: string | null }> {
    const from = q.from ? auditInstant(q.from, 'from') : undefined;
    const to = q.to ? auditInstant(q.to, 'to') : undefined;
    const cursor = q.next ? decode(q.next) : {};
    const range = (pk: string) => {
      const names = { '#pk': 'pk', '#sk': 'sk' };
      const lo = from ?? '0000';
      const hi = `${to ?? '9999'}~`;
      return {
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
      };
    };
    const page = async (pk: string, start: Record<string, unknown> | undefined, want: number, actorFilter?: string) => {
      const base = range(pk);
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          ...base,
          ...(actorFilter
            ? {
                FilterExpression: '#e.#a.#id = :actor',
                ExpressionAttributeNames: { ...base.ExpressionAttributeNames, '#e': 'entry', '#a': 'actor', '#id': 'id' },
                ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ':actor': actorFilter },
              }
            : {}),
          ScanIndexForward: false,
          Limit: want,
          ExclusiveStartKey: start,
        }),
      );
      return { items: (r.Items ?? []).map((i) => i.entry as AuditEntry), last: r.LastEvaluatedKey };
    };

    const items: AuditEntry[] = [];
    if (q.unit || q.actor) {
      const pk = q.unit ? `AUDIT#UNIT#${q.unit}` : `AUDIT#ACTOR#${q.actor}`;
      let start = cursor.k;
      do {
        const r = await page(pk, start, q.limit - items.length, q.unit ? q.actor : undefined);
        items.push(...r.items);
        start = r.last;
      } while (start && items.length < q.limit);
      return { items, next: start ? encode({ k: start }) : null };
    }
    // Every entry: month partitions from `to` back to `from`.
    const { first, last } = auditMonthRange(from, to);
    let m = cursor.m ?? last;
    let start = cursor.k;
    while (m >= first) {
      const r = await page(`AUDIT#${m}`, start, q.limit - items.length);
      items.push(...r.items);
      start = r.last;
      if (items.length >= q.limit)
        return { items, next: start ? encode({ m, k: start }) : m > first ? encode({ m: addMonths(m, -1) }) : null };
      if (!start) m = addMonths(m, -1);
    }
    return { items, next: null };
  }
}
