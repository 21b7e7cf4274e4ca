/**
 * Counts what DynamoDB reads consumed through one client: requests, items read and read capacity
 * units — the figures that prove the daily run reads only what is due (ARCHITECTURE "Data and the
 * daily run"; `npm run bench`).
 *
 * How: one SDK middleware on the client's stack (shared by a DynamoDBDocumentClient and the client it
 * wraps), at step `initialize`, so it sees each logical request once, whatever the retries:
 *  - before: asks for `ReturnConsumedCapacity: 'TOTAL'` on GetItem, Query, Scan, BatchGetItem and
 *    TransactGetItems (kept when the caller asked for INDEXES);
 *  - after: adds the request, the items it read (Query/Scan: `ScannedCount`, the items DynamoDB
 *    evaluated and bills, ≥ `Count`; GetItem: 0 or 1; BatchGet/TransactGet: the items returned) and
 *    the consumed capacity, then removes `ConsumedCapacity` from the output when the caller had not
 *    asked for it, so metered code sees exactly what unmetered code sees.
 * DynamoDB Local reports ConsumedCapacity like DynamoDB (verified in test/adapters/read-meter.test.ts),
 * with one difference: a Query that matches nothing consumes 0 there, 0.5 (eventually consistent) or 1
 * (strongly consistent) read units on DynamoDB.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ReadCounts {
  /** Read requests (GetItem, Query, Scan, BatchGetItem, TransactGetItems) that succeeded. */
  readonly requests: number;
  /** Items the reads evaluated (see the module comment). */
  readonly items: number;
  /** Read capacity units consumed, as DynamoDB reported them. */
  readonly capacityUnits: number;
}

export interface ReadSnapshot extends ReadCounts {
  /** The same counts per operation (`Query`, `GetItem`, …). */
  readonly byOperation: Readonly<Record<string, ReadCounts>>;
}

export interface ReadMeter extends ReadCounts {
  /** Sets every count back to zero. */
  reset(): void;
  /** A frozen copy of the counts so far. */
  snapshot(): ReadSnapshot;
  /** Removes the middleware: the client stops being metered. */
  detach(): void;
}

/** Operation name (from the SDK command name) → true when it is a read the meter counts. */
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** `GetItemCommand`, `GetCommand` (document client) … → `GetItem`. */
export function operationOf(commandName: string | undefined): string {
  const name = (commandName ?? '').replace(/Command$/, '');
  const doc: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
    TransactGet: 'TransactGetItems',
    TransactWrite: 'TransactWriteItems',
  };
  return doc[name] ?? name;
}

interface Consumed {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
}

function capacityOf(c: Consumed | readonly Consumed[] | undefined): number {
  if (!c) return 0;
  const list = Array.isArray(c) ? (c as readonly Consumed[]) : [c as Consumed];
  return list.reduce((s, x) => s + (x.ReadCapacityUnits ?? x.CapacityUnits ?? 0), 0);
}

function itemsOf(op: string, out: Record<string, unknown>): number {
  switch (op) {
    case 'GetItem':
      return out.Item ? 1 : 0;
    case 'Query':
    case 'Scan':
      return Number(out.ScannedCount ?? out.Count ?? 0);
    case 'BatchGetItem':
      return Object.values((out.Responses ?? {}) as Record<string, unknown[]>).reduce((s, items) => s + items.length, 0);
    case 'TransactGetItems':
      return ((out.Responses ?? []) as { Item?: unknown }[]).filter((r) => r.Item).length;
    default:
      return 0;
  }
}

let attached = 0;

/** Meters every read sent through `client` from now on (document client or plain DynamoDBClient). */
export function meterReads(client: DynamoDBDocumentClient | DynamoDBClient): ReadMeter {
  const name = `readMeter#${++attached}`;
  let totals = { requests: 0, items: 0, capacityUnits: 0 };
  let byOperation: Record<string, { requests: number; items: number; capacityUnits: number }> = {};

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = operationOf(context.commandName);
      if (!READS.has(op)) return next(args);
      const input = args.input as Record<string, unknown>;
      const asked = input.ReturnConsumedCapacity;
      const wanted = asked === 'INDEXES' ? 'INDEXES' : 'TOTAL';
      const result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: wanted } });
      const out = result.output as Record<string, unknown>;
      const items = itemsOf(op, out);
      const cu = capacityOf(out.ConsumedCapacity as Consumed | Consumed[] | undefined);
      const o = (byOperation[op] ??= { requests: 0, items: 0, capacityUnits: 0 });
      o.requests++;
      o.items += items;
      o.capacityUnits += cu;
      totals.requests++;
      totals.items += items;
      totals.capacityUnits += cu;
      if (asked === undefined || asked === 'NONE') delete out.ConsumedCapacity;
      return result;
    },
    { step: 'initialize', name, tags: ['READ_METER'] },
  );

  return {
    get requests() {
      return totals.requests;
    },
    get items() {
      return totals.items;
    },
    get capacityUnits() {
      return totals.capacityUnits;
    },
    reset() {
      totals = { requests: 0, items: 0, capacityUnits: 0 };
      byOperation = {};
    },
    snapshot() {
      return Object.freeze({
        ...totals,
        byOperation: Object.freeze(Object.fromEntries(Object.entries(byOperation).map(([k, v]) => [k, Object.freeze({ ...v })]))),
      });
    },
    detach() {
      client.middlewareStack.remove(name);
    },
  };
}
