/**
 * Seeding a store with many units quickly, for `npm run bench` and the daily-run fault tests: the real
 * use cases (submitApplication, acceptApplication, recordPayment of each invoice ten days after issue,
 * then a catch-up through changeUnit) over the real DynamoUnitRepository, whose writes are captured in
 * memory and then bulk-loaded with BatchWriteItem: the items are the ones the code writes, without the
 * transactions' round trips. Left out because no run ever reads them: the delivered outbox of the past
 * and the spent wake-ups (agenda dates before `asOf`).
 */
import { system } from '#use-cases/authz.ts';
import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoUnitRepository } from '#adapters/dynamodb/dynamo-unit-repository.ts';
import { keys } from '#adapters/dynamodb/table.ts';
import { addDays, compareDates, jstInstant, type LocalDate } from '#domain/calendar.ts';
import type { Config } from '#domain/config.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { balance } from '#domain/invoices.ts';
import { advanceUnit, dueDates } from '#domain/lifecycle.ts';
import { ManualClock } from '#runtime/clock.ts';
import { acceptApplication, submitApplication } from '#use-cases/applications.ts';
import { recordPayment } from '#use-cases/billing.ts';
import { changeUnit } from '#use-cases/commit.ts';
import type { CoreDeps } from '#use-cases/ports.ts';

export interface SeedSpec {
  readonly id: string;
  readonly plan: string;
  readonly accounts: number;
  /** The start date: on or before `asOf`, the unit started then (received and accepted that day); after, it waits for it. */
  readonly start: LocalDate;
}

export interface SeedTarget {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly config: Config;
  /** The stack's agenda shard count (the embedded stack's default is 4). */
  readonly agendaShards?: number;
}

export interface SeedReport {
  readonly units: number;
  readonly items: number;
  readonly batchRequests: number;
  readonly seconds: number;
}

type Item = Record<string, unknown>;
const itemKey = (k: { pk?: unknown; sk?: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;

/**
 * A stand-in for the document client that applies the repository's writes to a map (conditions are not
 * checked: every seeded id is new) and answers its reads from it. The queries the use cases make while
 * accepting (earlier pending application, same corporate number) find nothing, as for a lone applicant.
 */
class CapturingClient {
  readonly items = new Map<string, Item>();
  constructor(public seq: number) {}

  // The document client's command inputs, read duck-typed: this stand-in only sees the commands the repository sends.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async send(command: { constructor: { name: string }; input: Record<string, any> }): Promise<Record<string, unknown>> {
    const input = command.input;
    switch (command.constructor.name) {
      case 'GetCommand':
        return { Item: this.items.get(itemKey(input.Key)) };
      case 'QueryCommand':
        return { Items: [], Count: 0, ScannedCount: 0 };
      case 'PutCommand':
        this.items.set(itemKey(input.Item), input.Item);
        return {};
      case 'UpdateCommand':
        if (input.Key?.pk === keys.seq().pk) return { Attributes: { n: ++this.seq } };
        throw new Error(`seeding: unexpected update of ${input.Key?.pk}`);
      case 'TransactWriteCommand':
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        for (const t of input.TransactItems as Record<string, any>[]) {
          if (t.Put) this.items.set(itemKey(t.Put.Item), t.Put.Item);
          else if (t.Delete) this.items.delete(itemKey(t.Delete.Key));
          else if (!t.ConditionCheck) throw new Error(`seeding: unexpected transaction item ${Object.keys(t).join()}`);
        }
        return {};
      default:
        throw new Error(`seeding: unexpected command ${command.constructor.name}`);
    }
  }
}

export function contractorOf(id: string, n: number) {
  return {
    kind: 'corporation',
    name: `株式会社ベンチ${n}`,
    corporateNumber: withCheckDigit(String(100_000_000_000 + n).slice(-12)),
    accountManager: { name: `担当 ${n}`, email: `${id}@bench.example` },
    agent: null,
  };
}

const SEEDER = system('seed');

/** One unit through the use cases, as of `asOf` (its daily runs done, every invoice paid 10 days after issue). */
async function seedOne(deps: CoreDeps & { clock: ManualClock }, spec: SeedSpec, n: number, asOf: LocalDate): Promise<void> {
  const started = compareDates(spec.start, asOf) <= 0;
  const received = started ? spec.start : asOf;
  deps.clock.set(jstInstant(received, 10));
  const ids = { newId: () => spec.id };
  await submitApplication({ ...deps, ids }, SEEDER, {
    ref: spec.id,
    plan: spec.plan,
    accounts: spec.accounts,
    contractor: contractorOf(spec.id, n),
  });
  let unit = await acceptApplication(deps, SEEDER, spec.id, { startDate: spec.start });
  if (!started) return;
  // Pay each fees invoice ten days after its issue (well before its due date): no dunning, no interest.
  for (;;) {
    const issue = dueDates(unit, unit.processedThrough, deps.config).find(
      (d) => d.endsWith('-01') && compareDates(addDays(d, 10), asOf) <= 0,
    );
    if (!issue) break;
    deps.clock.set(jstInstant(addDays(issue, 10), 12));
    unit = await changeUnit(deps, spec.id, (u) => advanceUnit(u, deps.clock.today(), deps.config));
    for (const inv of unit.invoices)
      if (inv.kind === 'fees' && balance(inv) > 0)
        await recordPayment(deps, SEEDER, inv.id, { amount: balance(inv), paidOn: deps.clock.today() });
    unit = (await deps.units.get(spec.id))!;
  }
  deps.clock.set(jstInstant(asOf, 12));
  await changeUnit(deps, spec.id, (u) => advanceUnit(u, asOf, deps.config));
}

async function batchWrite(db: DynamoDBDocumentClient, table: string, items: Item[]): Promise<number> {
  let requests = 0;
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    requests++;
    const r = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (r.UnprocessedItems?.[table] ?? []) as typeof pending;
  }
  return requests;
}

/**
 * Seeds `specs` into `target` as of `asOf` (see the module comment). Continues the receipt counter of
 * the table. Chunks of units are captured while the previous chunk is written, `concurrency` batches
 * of 25 items in flight.
 */
export async function seedUnits(
  target: SeedTarget,
  specs: readonly SeedSpec[],
  opts: { asOf: LocalDate; concurrency?: number; firstNumber?: number; onProgress?: (unitsDone: number, total: number) => void },
): Promise<SeedReport> {
  const t0 = performance.now();
  const counter = await target.db.send(new GetCommand({ TableName: target.table, Key: keys.seq(), ConsistentRead: true }));
  const capture = new CapturingClient(Number(counter.Item?.n ?? 0));
  const deps = {
    config: target.config,
    clock: new ManualClock(jstInstant(opts.asOf, 10)),
    units: new DynamoUnitRepository(capture as unknown as DynamoDBDocumentClient, target.table, target.agendaShards ?? 4),
    publisher: { publish: async () => undefined },
  };
  const concurrency = opts.concurrency ?? 16;
  let items = 0;
  let batchRequests = 0;
  let writing: Promise<void> = Promise.resolve();
  const CHUNK = 500;
  for (let i = 0; i < specs.length; i += CHUNK) {
    for (const [j, spec] of specs.slice(i, i + CHUNK).entries()) await seedOne(deps, spec, (opts.firstNumber ?? 0) + i + j, opts.asOf);
    opts.onProgress?.(Math.min(specs.length, i + CHUNK), specs.length);
    const chunk = [...capture.items.values()].filter(
      (it) =>
        !String(it.pk).startsWith('OUTBOX#') &&
        !(String(it.pk).startsWith('AGENDA#') && compareDates(String(it.date) as LocalDate, opts.asOf) <= 0),
    );
    capture.items.clear();
    items += chunk.length;
    await writing;
    writing = (async () => {
      const batches: Item[][] = [];
      for (let k = 0; k < chunk.length; k += 25) batches.push(chunk.slice(k, k + 25));
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < batches.length) {
            const sent = await batchWrite(target.db, target.table, batches[next++]!);
            batchRequests += sent;
          }
        }),
      );
    })();
  }
  await writing;
  await batchWrite(target.db, target.table, [{ ...keys.seq(), n: capture.seq }]);
  return { units: specs.length, items: items + 1, batchRequests: batchRequests + 1, seconds: (performance.now() - t0) / 1000 };
}
