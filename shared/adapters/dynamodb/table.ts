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
 * GSI1 (gsi1pk / gsi1sk): APPS#<application status> / <seq> — listing applications;
 *                         OUTBOX#pending / <date>#<id> — the relay's sweep (sparse: removed when done).
 *                         INVOICES#<unpaid|paid> / <due date>#<id> — listing invoices;
 *                         OUTAGES#<open|ended> / <knownAt>#<id> — open outages for the hourly watcher;
 *                         JOBS#failed / <failed at>#<id> — failed desktop jobs (W5).
 *  AUDIT#<YYYY-MM> / <at UTC>#<hash>   the audit trail by month; also AUDIT#UNIT#<unit> and AUDIT#ACTOR#<id>
 *                                     (three copies of each entry, written once, never updated)
 * GSI2 (gsi2pk / gsi2sk): UNITS#<status> / <next cancellation deadline>#<id> — listing units;
 *                         NOTICES#<unit> / <date>#<id> — the notices of a unit (outbox items).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Agenda shards on AWS (spreads a spike day's writes and reads); the embedded stack may use fewer. */
export const AGENDA_SHARDS = 16;
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
  account: (unitId: string, lineId: string, n: number) => ({ pk: `ACCTS#${unitId}`, sk: `L#${lineId}#${String(n).padStart(7, '0')}` }),
  shortCodes: () => ({ pk: 'SEQ#shortcodes', sk: 'A' }),
  kit: (hash: string) => ({ pk: `KIT#${hash}`, sk: 'A' }),
  kitOf: (unitId: string) => ({ pk: `KITOF#${unitId}`, sk: 'A' }),
  drift: () => ({ pk: 'DRIFT', sk: 'A' }),
};
