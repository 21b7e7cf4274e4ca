/**
 * The single table. Items (pk / sk):
 *  UNIT#<id> / A                      a unit (= its application): the whole aggregate, with `version`
 *  REF#<ref> / A                      the shared ref namespace of units and lines (DETAILS P5)
 *  SEQ#applications / A               the global receipt counter (Art 6-1, P9)
 *  APPQ / <seq:12>#<id>               FIFO: present while an application waits (status received)
 *  CORP#<corporate number> / UNIT#<id> units of one contractor (Art 6-2(2) delinquency)
 *  AGENDA#<date>#<shard> / UNIT#<id>  wake-ups: what the daily run must look at on a date
 *  OUTBOX#<id> / A                    a notice or desktop job, written with the state change
 *  RUN / A                            the daily run's last completed date (catch-up)
 *  INVOICE#<id> / A                   an invoice's index entry (the invoice itself lives in its unit)
 *  IDEM#<key> / A                     an Idempotency-Key, the request's hash and its result
 *  OUTAGE#<id> / A                    an outage (versioned)
 *  COMP#<outage> / <record id>        its compensation records
 *  MAINT#<id> / A                     a maintenance announcement
 *  ACCTS#<unit> / L#<line>#<n:7>      an account of a line (W10): user name, desktop id, sealed password
 *  SEQ#shortcodes / A                 the short-code counter (W2: user names are never reused)
 *  KIT#<sha256 of token> / A          an account kit link (W3); KITOF#<unit> / A: the unit's latest
 *  DRIFT / A                          the reconciler's latest report (W9); DRIFT#<date> / <at>: each report
 *  LAYOUT / A                         the store layout's version (index-key sharding, migrate.ts)
 * GSI1 (gsi1pk / gsi1sk): APPS#<application status>#<shard> / <seq> — listing applications;
 *                         OUTBOX#pending#<shard> / <date>#<id> — the relay's sweep (sparse: removed when done).
 *                         INVOICES#<unpaid|paid>#<shard> / <due date>#<id> — listing invoices;
 *                         OUTAGES#<open|ended> / <knownAt>#<id> — open outages for the hourly watcher;
 *                         JOBS#failed / <failed at>#<id> — failed desktop jobs (W5; one key: failures are few).
 *  AUDIT#<YYYY-MM> / <at UTC>#<hash>   the audit trail by month; also AUDIT#UNIT#<unit> and AUDIT#ACTOR#<id>
 *                                     (three copies of each entry, written once, never updated)
 * GSI2 (gsi2pk / gsi2sk): UNITS#<status>#<shard> / <next cancellation deadline>#<id> — listing units;
 *                         NOTICES#<unit> / <date>#<id> — the notices of a unit (outbox items; one key per unit).
 *
 * Sharding: an index key that many items share is split into INDEX_SHARDS partitions (`#00`…`#07`,
 * by a hash of the item's id), like the agenda, so an April-1st run's writes (every renewed unit
 * changes its UNITS#/APPS# entry, every notice its OUTBOX#pending entry, every invoice its INVOICES#
 * entry) spread over partitions instead of one hot key; readers query every shard in parallel and
 * merge by sort key.
 *
 * TTL (attribute `expiresAt`, epoch seconds; DynamoDB deletes within days after, DynamoDB Local never:
 * readers treat an expired item as absent). RETENTION_DAYS says how long each kind of item is kept.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Agenda shards on AWS (spreads a spike day's writes and reads); the embedded stack may use fewer. */
export const AGENDA_SHARDS = 16;
/**
 * Shards of the shared index keys (APPS#, UNITS#, INVOICES#, OUTBOX#pending). Fixed, part of the stored
 * layout (unlike the agenda's count, which only the writers and the reader must agree on).
 */
export const INDEX_SHARDS = 8;
/** The layout version written in `LAYOUT / A` (2: sharded index keys, migrate.ts). */
export const LAYOUT_VERSION = 2;
/** The TTL attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * How long spent items are kept (days), counted from when they are written (a wake-up: from its date
 * when that is later):
 *  - notices: 7 years after their date — the operator's evidence of what was sent when (Art 6-4) and of
 *    invoices sent, kept as long as the accounting records they belong to (7 years);
 *  - desktop jobs: 400 days after their date — done within minutes, or failed, alarmed and retried
 *    long before; kept a year for the audit of what was created or deleted;
 *  - agenda entries: 400 days after their date — a catch-up reads at most 366 missed dates back;
 *  - idempotency keys: 30 days after the request — clients retry within minutes or hours;
 *  - accounts (ACCTS#): none while in service; a spent one (deleted, W8) 400 days after, like its jobs.
 */
export const RETENTION_DAYS = { notice: 7 * 366, desktopJob: 400, agenda: 400, idempotency: 30, spentAccount: 400 } as const;

const DAY_S = 86_400;
/**
 * Epoch seconds `days` after `fromMs` — when the item is written (the wall clock on AWS, the stack's
 * clock locally) or, for a wake-up written ahead of its date, that date's 00:00 JST if later.
 */
export function expiresAfter(fromMs: number, days: number): number {
  return Math.floor(fromMs / 1000) + days * DAY_S;
}
/** Epoch ms of 00:00 JST of a date. */
export function jstMidnightMs(date: string): number {
  return Date.parse(`${date}T00:00:00+09:00`);
}
/** True when an item's TTL has passed (DynamoDB may not have deleted it yet; DynamoDB Local never does). */
export function expired(item: { expiresAt?: unknown } | undefined, nowMs = Date.now()): boolean {
  return typeof item?.expiresAt === 'number' && item.expiresAt * 1000 <= nowMs;
}

/** A stable shard of a shared index key for an item id. */
export function indexShard(id: string): string {
  return String(agendaShard(id, INDEX_SHARDS)).padStart(2, '0');
}
/** Every shard suffix of the shared index keys. */
export const INDEX_SHARD_SUFFIXES = Array.from({ length: INDEX_SHARDS }, (_, i) => String(i).padStart(2, '0'));
/** The sharded index key of an item: `APPS#accepted` + id → `APPS#accepted#05`. */
export function shardedKey(base: string, id: string): string {
  return `${base}#${indexShard(id)}`;
}
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: GSI2,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** A stable shard of the agenda partition for a unit (spreads a spike day such as April 1st). */
export function agendaShard(unitId: string, shards = AGENDA_SHARDS): number {
  let h = 0;
  for (let i = 0; i < unitId.length; i++) h = (h * 31 + unitId.charCodeAt(i)) >>> 0;
  return h % shards;
}

export const keys = {
  unit: (id: string) => ({ pk: `UNIT#${id}`, sk: 'A' }),
  ref: (ref: string) => ({ pk: `REF#${ref}`, sk: 'A' }),
  seq: () => ({ pk: 'SEQ#applications', sk: 'A' }),
  appQueue: (seq: number, id: string) => ({ pk: 'APPQ', sk: `${String(seq).padStart(12, '0')}#${id}` }),
  corp: (num: string, id: string) => ({ pk: `CORP#${num}`, sk: `UNIT#${id}` }),
  agenda: (date: string, unitId: string, shards = AGENDA_SHARDS) => ({
    pk: `AGENDA#${date}#${String(agendaShard(unitId, shards)).padStart(2, '0')}`,
    sk: `UNIT#${unitId}`,
  }),
  outbox: (id: string) => ({ pk: `OUTBOX#${id}`, sk: 'A' }),
  run: () => ({ pk: 'RUN', sk: 'A' }),
  invoice: (id: string) => ({ pk: `INVOICE#${id}`, sk: 'A' }),
  idempotency: (key: string) => ({ pk: `IDEM#${key}`, sk: 'A' }),
  outage: (id: string) => ({ pk: `OUTAGE#${id}`, sk: 'A' }),
  compensation: (outageId: string, id: string) => ({ pk: `COMP#${outageId}`, sk: id }),
  maintenance: (id: string) => ({ pk: `MAINT#${id}`, sk: 'A' }),
  layout: () => ({ pk: 'LAYOUT', sk: 'A' }),
  account: (unitId: string, lineId: string, n: number) => ({ pk: `ACCTS#${unitId}`, sk: `L#${lineId}#${String(n).padStart(7, '0')}` }),
  shortCodes: () => ({ pk: 'SEQ#shortcodes', sk: 'A' }),
  kit: (hash: string) => ({ pk: `KIT#${hash}`, sk: 'A' }),
  kitOf: (unitId: string) => ({ pk: `KITOF#${unitId}`, sk: 'A' }),
  drift: () => ({ pk: 'DRIFT', sk: 'A' }),
};
