/**
 * The store ports in memory — every adapter `storeAdapters()` (functions/wiring.ts) builds on
 * DynamoDB: UnitRepository, Agenda, RunLog, OutboxRepository (delivery events, notices by unit, the
 * desktop jobs' release / fail / reopen / failed list), OutageRepository, AccountRepository,
 * KitRepository, AuditLog + AuditReader, DriftStore, PayerRepository, DepositRepository — with the
 * semantics of the DynamoDB adapters, held to the same contract suite (test/adapters/store.contract.test.ts
 * runs every contract on both):
 *  - shared ref namespace, global receipt sequence, conditional save on `version`, FIFO of `received`
 *    applications, corporate-number index, invoice index; a save writes the unit and its effects
 *    (agenda wake-ups, outbox items, refs, invoice entries, idempotency record) all or nothing, like the
 *    TransactWriteItems it mirrors, and fails in the same order of conditions (and refuses a change
 *    of more than 100 items, as DynamoDB does);
 *  - outbox leases on the wall clock (Date.now), as on DynamoDB;
 *  - TTL (table.ts RETENTION_DAYS) set and judged by `now` (the stack's business clock locally, as
 *    storeAdapters is given): an expired notice, job, wake-up, idempotency key or spent account reads
 *    as absent where the DynamoDB adapter's reads treat it so;
 *  - outages by known-at then id (open ones first when both are listed), compensations by id;
 *  - the audit trail append-only, three copies per entry (month, unit, actor), newest first, paged
 *    as the DynamoDB queries page (a page that fills its limit carries a cursor);
 *  - deposits by status in the adapter's status order, then value date and id.
 * Every read returns a copy: a caller mutating what it got cannot change the store.
 *
 * What it is for: the test clock (`npm run simulate -- --store memory`, the default of the simulator
 * and the bench's simulation), where one DynamoDB Local JVM answering one request at a time was
 * ~70 % of the wall time. It is one process's memory: nothing survives a restart, so `npm start`
 * stays on DynamoDB Local. test/fakes extends these classes with fault-injection hooks.
 */
import { decodeOutboxItem } from '#domain/notice-decode.ts';
import type { LocalDate } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { balance } from '#domain/invoices.ts';
import { DELIVERY_RANK, type DeliveryStatus, type MailEvent } from '#domain/mail-events.ts';
import { RETENTION_DAYS, expiresAfter, jstMidnightMs } from '#adapters/dynamodb/table.ts';
import { addMonths, auditInstant, auditItemKeys, auditMonthRange } from '#adapters/dynamodb/dynamo-audit-log.ts';
import { MAX_TRANSACTION_ITEMS, TransactionTooLargeError } from '#adapters/dynamodb/throttle.ts';
import type { CompensationRecord, Outage } from '#domain/outages.ts';
import { cancellationDeadline } from '#domain/terms.ts';
import type { ApplicationStatus, Unit, UnitStatus } from '#domain/unit.ts';
import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
  type AccountRecord,
  type AccountRepository,
  type AuditEntry,
  type AuditLog,
  type AuditQuery,
  type AuditReader,
  type Deposit,
  type DepositRepository,
  type DriftReport,
  type DriftStore,
  type JobFailure,
  type KitRecord,
  type KitRepository,
  type Payer,
  type PayerRepository,
  type StoredDepositStatus,
  type Agenda,
  type Effects,
  type IdempotencyRecord,
  type InvoiceStatus,
  type InvoiceSummary,
  type Maintenance,
  type OutageRepository,
  type OutboxEntry,
  type OutboxRepository,
  type OutboxState,
  type RunLog,
  type UnitRepository,
} from '#use-cases/ports.ts';

const copy = <T>(x: T): T => structuredClone(x);
/** `xs` sorted by a string key computed once per element (not once per comparison). */
function inKeyOrder<T>(xs: readonly T[], key: (x: T) => string): T[] {
  return xs
    .map((x) => ({ k: key(x), x }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((e) => e.x);
}
/** The relay's order of outbox items (the adapter's index key): date, then id. */
const relayKey = (s: { item: OutboxItem }) => `${s.item.date}#${s.item.id}`;
const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
/** The time TTL is set and judged by (ms). */
export type TtlClock = () => number;
/** True when a TTL (epoch seconds) has passed, as table.ts `expired`. */
const expired = (expiresAt: number | undefined, nowMs: number) => expiresAt !== undefined && expiresAt * 1000 <= nowMs;

/** What DynamoDB reports for a failed condition (callers that look at `name` see the same). */
function conditionFailed(what: string): Error {
  const e = new Error(`The conditional request failed (${what})`);
  e.name = 'ConditionalCheckFailedException';
  return e;
}
function transactionCanceled(what: string): Error {
  const e = new Error(`Transaction cancelled, a condition failed (${what})`);
  e.name = 'TransactionCanceledException';
  return e;
}
const encodeCursor = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** Wake-ups by date. Written by MemoryUnitRepository.save (or `wake` in a test that needs no unit). */
export class MemoryAgenda implements Agenda {
  private readonly byDate = new Map<LocalDate, Map<string, number | undefined>>();

  constructor(private readonly ttlNow: TtlClock = Date.now) {}

  /** Records that the daily run must look at `unitId` on `day` (idempotent, like the DynamoDB put; the last write's TTL stands). */
  wake(day: LocalDate, unitId: string, expiresAt?: number): void {
    const ids = this.byDate.get(day) ?? new Map<string, number | undefined>();
    ids.set(unitId, expiresAt);
    this.byDate.set(day, ids);
  }

  async dueOn(day: LocalDate): Promise<string[]> {
    const now = this.ttlNow();
    return [...(this.byDate.get(day) ?? [])]
      .filter(([, ttl]) => !expired(ttl, now))
      .map(([id]) => id)
      .sort();
  }
}

/** The last completed date of the daily run; it only moves forward. */
export class MemoryRunLog implements RunLog {
  private last: LocalDate | null = null;

  async lastCompleted(): Promise<LocalDate | null> {
    return this.last;
  }

  async markCompleted(day: LocalDate): Promise<void> {
    if (this.last === null || day > this.last) this.last = day;
  }
}

interface StoredOutbox {
  item: OutboxItem;
  state: OutboxState;
  attempts: number;
  result?: Record<string, unknown>;
  leaseUntil?: number;
  lastError?: string;
  delivery?: { status: DeliveryStatus; events: Map<string, MailEvent> };
  progress?: Record<string, unknown>;
  failure?: JobFailure;
  /** The failed list's sort key (`<failed at>#<id>`), as the JOBS#failed index entry. */
  failedKey?: string;
  retries?: number;
  expiresAt?: number;
}

/**
 * Outbox items with their delivery state. Leases run on the wall clock (Date.now, as the DynamoDB
 * adapter does; `now()`, which a test double may move); retention (TTL) on `ttlNow`.
 */
export class MemoryOutboxRepository implements OutboxRepository {
  private readonly items = new Map<string, StoredOutbox>();
  /** The ids of the pending items (the relay's list stays small however many items are done). */
  private readonly pending = new Set<string>();

  constructor(private readonly ttlNow: TtlClock = Date.now) {}

  has(id: string): boolean {
    return this.items.has(id);
  }

  /**
   * Writes a new pending item (the unit's or outage's write does) with its retention counted from
   * `writtenAt` (ms; default the TTL clock). Throws when the id exists.
   */
  put(item: OutboxItem, writtenAt: number = this.ttlNow()): void {
    if (this.items.has(item.id)) throw new Error(`outbox item ${item.id} already exists`);
    const days = item.kind === 'notice' ? RETENTION_DAYS.notice : RETENTION_DAYS.desktopJob;
    this.items.set(item.id, { item: copy(item), state: 'pending', attempts: 0, expiresAt: expiresAfter(writtenAt, days) });
    this.pending.add(item.id);
  }

  async add(items: readonly OutboxItem[]): Promise<void> {
    for (const i of items) if (!this.items.has(i.id)) this.put(i);
  }

  /** The last recorded error of an item (not part of the port; for the console and assertions). */
  lastError(id: string): string | undefined {
    return this.items.get(id)?.lastError;
  }

  /** Every item, in the relay's order (date, then id). */
  all(): OutboxEntry[] {
    return this.sorted().map((s) => this.entry(s));
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const s = this.items.get(id);
    return s && !expired(s.expiresAt, this.ttlNow()) ? this.entry(s) : null;
  }

  async recordDelivery(id: string, event: MailEvent, status: DeliveryStatus): Promise<boolean> {
    const s = this.items.get(id);
    if (!s) return false;
    const key = `${event.type}:${event.messageId}:${event.at}`;
    s.delivery ??= { status, events: new Map() };
    const added = !s.delivery.events.has(key);
    if (added) s.delivery.events.set(key, copy(event));
    if (DELIVERY_RANK[status] > DELIVERY_RANK[s.delivery.status]) s.delivery.status = status;
    return added;
  }

  async complete(id: string, result: Record<string, unknown>): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || s.state === 'done') return false;
    s.state = 'done';
    this.pending.delete(id);
    s.result = copy(result);
    delete s.failedKey; // off both lists (the adapter removes the index entry)
    return true;
  }

  async claim(id: string, leaseMs: number): Promise<boolean> {
    const s = this.items.get(id);
    const now = this.now();
    if (!s || s.state !== 'pending') return false;
    if (s.leaseUntil !== undefined && !(s.leaseUntil < now)) return false;
    s.leaseUntil = now + leaseMs;
    return true;
  }

  async recordAttempt(id: string, error: string): Promise<void> {
    const s = this.items.get(id);
    if (!s) throw conditionFailed(`outbox item ${id} not found`);
    s.attempts += 1;
    s.lastError = error.slice(0, 500);
    delete s.leaseUntil;
  }

  async release(id: string, progress: Record<string, unknown>): Promise<void> {
    const s = this.items.get(id);
    if (!s || s.state !== 'pending') throw conditionFailed(`outbox item ${id} is not pending`);
    s.progress = copy(progress);
    delete s.leaseUntil;
  }

  async fail(id: string, failure: JobFailure): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || s.state !== 'pending') return false;
    s.state = 'failed';
    this.pending.delete(id);
    s.failure = copy(failure);
    s.failedKey = `${failure.at}#${id}`;
    delete s.leaseUntil;
    return true;
  }

  /** An operator retry: pending again, attempts 0, retries + 1, progress cleared (the last failure is kept, as on DynamoDB). */
  async reopen(id: string): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || expired(s.expiresAt, this.ttlNow()) || s.state !== 'failed') return false;
    s.state = 'pending';
    this.pending.add(id);
    s.attempts = 0;
    s.retries = (s.retries ?? 0) + 1;
    delete s.failedKey;
    delete s.progress;
    delete s.leaseUntil;
    return true;
  }

  /** Oldest failure first; a page that fills `limit` carries a cursor (the adapter's LastEvaluatedKey), an unreadable one starts over. */
  async listFailed(limit: number, after?: string): Promise<{ items: OutboxEntry[]; next: string | null }> {
    let from: string | undefined;
    if (after) {
      try {
        from = (JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { k?: string }).k;
      } catch {
        from = undefined;
      }
    }
    const failed = [...this.items.values()]
      .filter((s) => s.failedKey !== undefined && (from === undefined || s.failedKey > from))
      .sort(byKey((s) => s.failedKey!));
    const page = failed.slice(0, limit);
    const next = page.length === limit && limit > 0 ? encodeCursor({ k: page.at(-1)!.failedKey }) : null;
    const now = this.ttlNow();
    return { items: page.filter((s) => !expired(s.expiresAt, now)).map((s) => this.entry(s)), next };
  }

  async listPending(limit: number, after?: string): Promise<OutboxItem[]> {
    return inKeyOrder(
      [...this.pending].map((id) => this.items.get(id)!),
      relayKey,
    )
      .filter((s) => after === undefined || relayKey(s) > after)
      .slice(0, limit)
      .map((s) => copy(s.item));
  }

  /** Newest first; as the adapter's index projection gives them: item, state, attempts, result. */
  async noticesOfUnit(unitId: string, limit = 500): Promise<OutboxEntry[]> {
    return this.sorted()
      .filter((s) => s.item.kind === 'notice' && s.item.unitId === unitId)
      .reverse()
      .slice(0, limit)
      .map((s) => ({
        item: decodeOutboxItem(copy(s.item)),
        state: s.state,
        attempts: s.attempts,
        ...(s.result ? { result: copy(s.result) } : {}),
      }));
  }

  /** The wall clock of the leases (a test double may move it). */
  protected now(): number {
    return Date.now();
  }

  private sorted(): StoredOutbox[] {
    return inKeyOrder([...this.items.values()], relayKey);
  }

  private entry(s: StoredOutbox): OutboxEntry {
    return {
      // Decoded at the boundary like the DynamoDB adapter's (a malformed notice fails here, clearly).
      item: decodeOutboxItem(copy(s.item)),
      state: s.state,
      attempts: s.attempts,
      ...(s.result ? { result: copy(s.result) } : {}),
      ...(s.progress ? { progress: copy(s.progress) } : {}),
      ...(s.failure ? { failure: copy(s.failure) } : {}),
      ...(s.retries ? { retries: s.retries } : {}),
      ...(s.delivery
        ? { delivery: { status: s.delivery.status, events: [...s.delivery.events.values()].map(copy).sort(byKey((e) => e.at)) } }
        : {}),
    };
  }
}

function refTakenError(id: string): DomainError {
  return new DomainError(
    'VALIDATION_FAILED',
    `ref ${id} is already used by a unit or line (refs are unique, DETAILS P5)`,
    { field: 'ref', ref: id },
    'rule',
  );
}

/** The next cancellation deadline of a unit (Art 18) as the listing orders by it; none: after every date. */
function nextDeadline(unit: Unit): string {
  const basic = unit.lines.find((l) => l.kind === 'basic');
  return basic?.termEnd && basic.endedOn === null ? cancellationDeadline(basic.termEnd) : '9999-12-31';
}

/**
 * Units in memory. `save` checks everything first (stored version, outbox ids free), then writes the
 * unit, its wake-ups into `agenda` and its outbox items into `outbox`: all or nothing.
 */
export class MemoryUnitRepository implements UnitRepository {
  readonly agenda: MemoryAgenda;
  readonly outbox: MemoryOutboxRepository;
  private readonly units = new Map<string, Unit>();
  private readonly refs = new Set<string>();
  private seq = 0;
  private readonly idempotency = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();
  private readonly invoiceIndex = new Map<string, InvoiceSummary>();
  private readonly ttlNow: TtlClock;

  constructor(opts: { agenda?: MemoryAgenda; outbox?: MemoryOutboxRepository; now?: TtlClock } = {}) {
    this.ttlNow = opts.now ?? Date.now;
    this.agenda = opts.agenda ?? new MemoryAgenda(this.ttlNow);
    this.outbox = opts.outbox ?? new MemoryOutboxRepository(this.ttlNow);
  }

  /** Reserves a ref of the shared namespace without a unit (a line's ref, P5). */
  reserveRef(ref: string): void {
    if (this.refs.has(ref)) throw refTakenError(ref);
    this.refs.add(ref);
  }

  async get(id: string): Promise<Unit | null> {
    const u = this.units.get(id);
    return u ? copy(u) : null;
  }

  async create(draft: Omit<Unit, 'receivedSeq' | 'version'>): Promise<Unit> {
    if (this.refs.has(draft.id) || this.units.has(draft.id)) throw refTakenError(draft.id);
    const unit: Unit = { ...copy(draft), receivedSeq: ++this.seq, version: 1 };
    this.refs.add(unit.id);
    this.units.set(unit.id, unit);
    return copy(unit);
  }

  async save(unit: Unit, effects: Effects): Promise<Unit> {
    await this.beforeSave(unit, effects);
    const refs = effects.reserveRefs ?? [];
    const now = this.ttlNow();
    const wake = () => {
      for (const d of new Set(effects.wakeUps))
        this.agenda.wake(d, unit.id, expiresAfter(Math.max(now, jstMidnightMs(d)), RETENTION_DAYS.agenda));
    };
    // The transaction's size as DynamoDB counts it: key, refs, unit, FIFO entry, invoice entries, outbox
    // items (≤ 100); past that the wake-ups are written first, on their own, as the adapter does.
    const items = (effects.idempotency ? 1 : 0) + refs.length + 2 + (effects.invoices?.length ?? 0) + effects.outbox.length;
    const wakeUps = new Set(effects.wakeUps).size;
    if (items > MAX_TRANSACTION_ITEMS) throw new TransactionTooLargeError(unit.id, items + wakeUps);
    if (items + wakeUps > MAX_TRANSACTION_ITEMS) wake();
    // As the transaction reports it: the first failed condition in item order (key, refs, unit, outbox) wins.
    const idem = effects.idempotency ? this.idempotency.get(effects.idempotency.key) : undefined;
    if (effects.idempotency && idem) throw new IdempotencyKeyTakenError(effects.idempotency.key);
    const taken = refs.find((r) => this.refs.has(r));
    if (taken !== undefined) throw refTakenError(taken);
    const stored = this.units.get(unit.id);
    if (!stored || stored.version !== unit.version) throw new ConcurrentModificationError(unit.id);
    // The outbox puts are conditional (attribute_not_exists): an existing id cancels the whole write —
    // the same effect committed before, a bug rather than a race to retry (as the adapter reports it).
    if (new Set(effects.outbox.map((o) => o.id)).size !== effects.outbox.length)
      throw new Error('ValidationException: transaction request cannot include multiple operations on one item');
    const existing = effects.outbox.find((o) => this.outbox.has(o.id));
    if (existing) throw new Error(`outbox item ${existing.id} already exists`);
    const next: Unit = { ...copy(unit), version: unit.version + 1 };
    this.units.set(next.id, next);
    for (const r of refs) this.refs.add(r);
    if (items + wakeUps <= MAX_TRANSACTION_ITEMS) wake();
    for (const o of effects.outbox) this.outbox.put(o, now);
    if (effects.idempotency)
      this.idempotency.set(effects.idempotency.key, {
        record: copy(effects.idempotency),
        expiresAt: expiresAfter(now, RETENTION_DAYS.idempotency),
      });
    for (const inv of effects.invoices ?? [])
      this.invoiceIndex.set(inv.id, {
        id: inv.id,
        unitId: inv.unitId,
        issueDate: inv.issueDate,
        kind: inv.kind,
        dueDate: inv.dueDate,
        total: inv.total,
        balance: balance(inv),
        paidOn: inv.paidOn,
      });
    this.afterSave(next);
    return copy(next);
  }

  /** Extension points for test doubles: before the version check (a concurrent writer, a failing write) and after a save. */
  protected async beforeSave(_unit: Unit, _effects: Effects): Promise<void> {}
  protected afterSave(_saved: Unit): void {}

  async getIdempotency(key: string): Promise<IdempotencyRecord | null> {
    const r = this.idempotency.get(key);
    // An expired key is gone (DynamoDB deletes it within days; the adapter's read treats it as gone at once).
    return r && !expired(r.expiresAt, this.ttlNow()) ? copy(r.record) : null;
  }

  async listInvoices(filter: { status: InvoiceStatus; today: LocalDate }, limit = 100): Promise<InvoiceSummary[]> {
    const want = (i: InvoiceSummary) =>
      filter.status === 'paid'
        ? i.balance === 0
        : i.balance > 0 && (filter.status === 'overdue' ? i.dueDate < filter.today : i.dueDate >= filter.today);
    return [...this.invoiceIndex.values()]
      .filter(want)
      .sort((a, b) => (`${a.dueDate}#${a.id}` < `${b.dueDate}#${b.id}` ? -1 : 1))
      .slice(0, limit)
      .map(copy);
  }

  async refTaken(ref: string): Promise<boolean> {
    return this.refs.has(ref);
  }

  async earlierPendingExists(unit: Unit): Promise<boolean> {
    return [...this.units.values()].some((u) => u.application.status === 'received' && u.receivedSeq < unit.receivedSeq);
  }

  async listApplications(status?: ApplicationStatus, limit = 100): Promise<Unit[]> {
    return [...this.units.values()]
      .filter((u) => status === undefined || u.application.status === status)
      .sort((a, b) => a.receivedSeq - b.receivedSeq)
      .slice(0, limit)
      .map(copy);
  }

  /** By next cancellation deadline then id, across statuses (like the adapter). */
  async listUnits(filter: { status?: UnitStatus; deadlineBefore?: LocalDate }, limit = 100): Promise<Unit[]> {
    const key = (u: Unit) => `${nextDeadline(u)}#${u.id}`;
    return [...this.units.values()]
      .filter(
        (u) =>
          (filter.status === undefined || u.status === filter.status) &&
          (filter.deadlineBefore === undefined || key(u) < filter.deadlineBefore),
      )
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  async byCorporateNumber(corporateNumber: string): Promise<Unit[]> {
    return [...this.units.values()]
      .filter((u) => u.contractor.corporateNumber === corporateNumber)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(copy);
  }
}

/**
 * Outages, compensation records and maintenance announcements. Outage saves and compensation writes
 * put their notices into `outbox` in the same all-or-nothing step (an existing notice id cancels it).
 */
export class MemoryOutageRepository implements OutageRepository {
  private readonly outages = new Map<string, Outage>();
  private readonly records = new Map<string, Map<string, CompensationRecord>>();
  private readonly maintenances = new Map<string, Maintenance>();

  constructor(private readonly outbox: MemoryOutboxRepository) {}

  async get(id: string): Promise<Outage | null> {
    const o = this.outages.get(id);
    return o ? copy(o) : null;
  }

  async create(draft: Omit<Outage, 'version'>): Promise<Outage> {
    if (this.outages.has(draft.id))
      throw new DomainError('VALIDATION_FAILED', `outage ${draft.id} already exists`, { field: 'ref', ref: draft.id }, 'rule');
    const o: Outage = { ...copy(draft), version: 1 };
    this.outages.set(o.id, o);
    return copy(o);
  }

  async save(o: Outage, effects: { readonly outbox: readonly OutboxItem[] }): Promise<Outage> {
    const stored = this.outages.get(o.id);
    if (!stored || stored.version !== o.version) throw new ConcurrentModificationError(o.id);
    this.checkOutbox(effects.outbox, () => new ConcurrentModificationError(o.id));
    const next: Outage = { ...copy(o), version: o.version + 1 };
    this.outages.set(next.id, next);
    for (const x of effects.outbox) this.outbox.put(x, Date.now()); // the adapter's outage writes count retention from the wall clock
    return copy(next);
  }

  /** Like the GSI query per state: open ones, then ended ones, each by known-at then id. */
  async list(filter: { readonly open?: boolean }): Promise<Outage[]> {
    const states = filter.open === undefined ? [true, false] : [filter.open];
    const key = (o: Outage) => `${String(o.knownAt).padStart(15, '0')}#${o.id}`;
    return states.flatMap((open) =>
      [...this.outages.values()]
        .filter((o) => (o.endedAt === null) === open)
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
        .map(copy),
    );
  }

  async compensations(outageId: string): Promise<CompensationRecord[]> {
    return [...(this.records.get(outageId)?.values() ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy);
  }

  async getCompensation(id: string): Promise<CompensationRecord | null> {
    const r = this.records.get(id.split('.')[0] ?? '')?.get(id);
    return r ? copy(r) : null;
  }

  async writeCompensations(change: {
    readonly added: readonly CompensationRecord[];
    readonly updated: readonly { readonly record: CompensationRecord; readonly expectStatus: CompensationRecord['status'] }[];
    readonly outbox: readonly OutboxItem[];
  }): Promise<boolean> {
    const find = (r: CompensationRecord) => this.records.get(r.outage)?.get(r.id);
    if (change.added.some((r) => find(r) !== undefined)) return false;
    if (change.updated.some((u) => find(u.record)?.status !== u.expectStatus)) return false;
    if (!this.checkOutbox(change.outbox, () => null)) return false;
    for (const r of [...change.added, ...change.updated.map((u) => u.record)]) {
      const byId = this.records.get(r.outage) ?? new Map<string, CompensationRecord>();
      byId.set(r.id, copy(r));
      this.records.set(r.outage, byId);
    }
    for (const x of change.outbox) this.outbox.put(x, Date.now());
    return true;
  }

  async createMaintenance(m: Maintenance): Promise<void> {
    if (this.maintenances.has(m.id))
      throw new DomainError('VALIDATION_FAILED', `maintenance ${m.id} already exists`, { field: 'ref', ref: m.id }, 'rule');
    this.maintenances.set(m.id, copy(m));
  }

  /** The notices' conditional puts: a duplicate within the write is a ValidationException, an existing id cancels the write. */
  private checkOutbox(items: readonly OutboxItem[], cancelled: () => Error | null): boolean {
    if (new Set(items.map((x) => x.id)).size !== items.length)
      throw new Error('ValidationException: transaction request cannot include multiple operations on one item');
    if (items.some((x) => this.outbox.has(x.id))) {
      const e = cancelled();
      if (e) throw e;
      return false;
    }
    return true;
  }
}

/**
 * W10 accounts, one record per account. A spent one (`deleted`) is kept RETENTION_DAYS.spentAccount and
 * reads as absent after; the short-code counter never goes back (W2).
 */
export class MemoryAccountRepository implements AccountRepository {
  private readonly byUnit = new Map<string, Map<string, { record: AccountRecord; expiresAt?: number }>>();
  private shortCodes = 0;

  constructor(private readonly ttlNow: TtlClock = Date.now) {}

  async nextShortCodeSeq(): Promise<number> {
    return ++this.shortCodes;
  }

  /** The unit's live accounts in the adapter's key order (line, then number). */
  private live(unitId: string): { sk: string; record: AccountRecord }[] {
    const now = this.ttlNow();
    return [...(this.byUnit.get(unitId) ?? [])]
      .filter(([, a]) => !expired(a.expiresAt, now))
      .map(([sk, a]) => ({ sk, record: a.record }))
      .sort(byKey((a) => a.sk));
  }

  async listByLine(unitId: string, lineId: string): Promise<AccountRecord[]> {
    return this.live(unitId)
      .filter((a) => a.sk.startsWith(`L#${lineId}#`))
      .map((a) => copy(a.record));
  }

  async listByUnit(unitId: string): Promise<AccountRecord[]> {
    return this.live(unitId)
      .map((a) => copy(a.record))
      .sort((a, b) => a.number - b.number);
  }

  async putAll(records: readonly AccountRecord[]): Promise<void> {
    for (const r of records) {
      const accounts = this.byUnit.get(r.unitId) ?? new Map<string, { record: AccountRecord; expiresAt?: number }>();
      accounts.set(accountKey(r), {
        record: withoutUndefined(r),
        ...(r.deleted ? { expiresAt: expiresAfter(this.ttlNow(), RETENTION_DAYS.spentAccount) } : {}),
      });
      this.byUnit.set(r.unitId, accounts);
    }
  }

  async wipePasswords(records: readonly AccountRecord[]): Promise<void> {
    for (const r of records) {
      const a = this.byUnit.get(r.unitId)?.get(accountKey(r));
      if (a) {
        const { sealedPassword: _sealed, ...rest } = a.record;
        a.record = rest;
      }
    }
  }
}

const accountKey = (r: AccountRecord) => `L#${r.lineId}#${String(r.number).padStart(7, '0')}`;

/** A copy without the undefined fields (the document client drops them: removeUndefinedValues). */
function withoutUndefined<T extends object>(x: T): T {
  return Object.fromEntries(Object.entries(copy(x)).filter(([, v]) => v !== undefined)) as T;
}

/** W3 kit links by the token's hash, and each unit's latest. */
export class MemoryKitRepository implements KitRepository {
  private readonly kits = new Map<string, KitRecord>();
  private readonly latest = new Map<string, string>();

  async put(kit: KitRecord): Promise<void> {
    if (this.kits.has(kit.hash)) throw transactionCanceled(`kit ${kit.hash} exists`);
    this.kits.set(kit.hash, withoutUndefined(kit));
    this.latest.set(kit.unitId, kit.hash);
  }

  async get(hash: string): Promise<KitRecord | null> {
    const k = this.kits.get(hash);
    return k ? copy(k) : null;
  }

  async current(unitId: string): Promise<KitRecord | null> {
    const hash = this.latest.get(unitId);
    return hash === undefined ? null : this.get(hash);
  }

  async markFetched(hash: string, at: string): Promise<boolean> {
    const k = this.kits.get(hash);
    if (k?.state !== 'open') return false;
    this.kits.set(hash, { ...k, state: 'fetched', fetchedAt: at });
    return true;
  }

  async revoke(hash: string): Promise<void> {
    const k = this.kits.get(hash);
    if (k?.state === 'open') this.kits.set(hash, { ...k, state: 'revoked' });
  }
}

/** W9: the reconciler's latest report, and every report by date. */
export class MemoryDriftStore implements DriftStore {
  private last: DriftReport | null = null;
  /** Every report saved (the adapter's DRIFT#<date> items), oldest first. */
  readonly history: DriftReport[] = [];

  async latest(): Promise<DriftReport | null> {
    return this.last ? copy(this.last) : null;
  }

  async save(report: DriftReport): Promise<void> {
    this.last = copy(report);
    this.history.push(copy(report));
  }
}

/**
 * The audit trail: each entry under three keys (month, unit, actor), sorted by its UTC instant and a
 * hash of the entry; written only when absent (the same entry twice is stored once), never changed.
 * Reads page exactly as the adapter's queries do (newest first; month partitions from `to` back to
 * `from`, or 24 months back from tomorrow on the wall clock).
 */
export class MemoryAuditLog implements AuditLog, AuditReader {
  private readonly partitions = new Map<string, Map<string, AuditEntry>>();

  async record(entry: AuditEntry): Promise<void> {
    const { sk, pks } = auditItemKeys(entry);
    if (pks.some((pk) => this.partitions.get(pk)?.has(sk))) return; // recorded before
    for (const pk of pks) {
      const p = this.partitions.get(pk) ?? new Map<string, AuditEntry>();
      p.set(sk, copy(entry));
      this.partitions.set(pk, p);
    }
  }

  /** Every entry, oldest first (not part of the port; for assertions). */
  get entries(): AuditEntry[] {
    const all = new Map<string, AuditEntry>();
    for (const [pk, p] of this.partitions) if (/^AUDIT#\d{4}-\d{2}$/.test(pk)) for (const [sk, e] of p) all.set(sk, e);
    return [...all].sort(byKey(([sk]) => sk)).map(([, e]) => copy(e));
  }

  async query(q: AuditQuery): Promise<{ items: AuditEntry[]; next: string | null }> {
    const from = q.from ? auditInstant(q.from, 'from') : undefined;
    const to = q.to ? auditInstant(q.to, 'to') : undefined;
    const cursor = q.next ? decodeAuditCursor(q.next) : {};
    const lo = from ?? '0000';
    const hi = `${to ?? '9999'}~`;
    /** One Query: up to `want` keys evaluated after `start`, newest first; `last` when it stopped at its limit. */
    const page = (pk: string, start: string | undefined, want: number, actor?: string) => {
      const keys = [...(this.partitions.get(pk) ?? new Map<string, AuditEntry>()).keys()]
        .filter((sk) => sk >= lo && sk <= hi && (start === undefined || sk < start))
        .sort()
        .reverse()
        .slice(0, want);
      const entries = keys.map((sk) => this.partitions.get(pk)!.get(sk)!).filter((e) => actor === undefined || e.actor.id === actor);
      return { items: entries.map(copy), last: keys.length === want && want > 0 ? keys.at(-1) : undefined };
    };
    const items: AuditEntry[] = [];
    if (q.unit || q.actor) {
      const pk = q.unit ? `AUDIT#UNIT#${q.unit}` : `AUDIT#ACTOR#${q.actor}`;
      let start = cursor.k;
      do {
        const r = page(pk, start, q.limit - items.length, q.unit ? q.actor : undefined);
        items.push(...r.items);
        start = r.last;
      } while (start && items.length < q.limit);
      return { items, next: start ? encodeCursor({ k: start }) : null };
    }
    const { first, last } = auditMonthRange(from, to);
    let m = cursor.m ?? last;
    let start = cursor.k;
    while (m >= first) {
      const r = page(`AUDIT#${m}`, start, q.limit - items.length);
      items.push(...r.items);
      start = r.last;
      if (items.length >= q.limit)
        return { items, next: start ? encodeCursor({ m, k: start }) : m > first ? encodeCursor({ m: addMonths(m, -1) }) : null };
      if (!start) m = addMonths(m, -1);
    }
    return { items, next: null };
  }
}

function decodeAuditCursor(s: string): { m?: string; k?: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { m?: string; k?: string };
    if (typeof c !== 'object' || c === null || (c.k !== undefined && typeof c.k !== 'string')) throw new Error();
    return c;
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'next is not a cursor of this list', { field: 'next' });
  }
}

/** MONEY-IN B3: payers, their virtual accounts (unique, from a counter) and the names they are known by. */
export class MemoryPayerRepository implements PayerRepository {
  private readonly payers = new Map<string, { id: string; virtualAccount: string; units: Set<string>; names: Set<string> }>();
  private readonly accounts = new Map<string, string>();
  private readonly names = new Map<string, Set<string>>();
  private accountsHandedOut = 0;

  async get(id: string): Promise<Payer | null> {
    const p = this.payers.get(id);
    return p ? { id: p.id, virtualAccount: p.virtualAccount, units: [...p.units].sort(), names: [...p.names].sort() } : null;
  }

  async byVirtualAccount(account: string): Promise<Payer | null> {
    const id = this.accounts.get(account);
    return id === undefined ? null : this.get(id);
  }

  async byName(name: string): Promise<string[]> {
    return [...(this.names.get(name) ?? [])].sort();
  }

  async register(id: string, unitId: string, names: readonly string[], allocate: (n: number) => string | null): Promise<Payer> {
    if (!this.payers.has(id)) {
      const account = allocate(++this.accountsHandedOut);
      if (!account)
        throw new DomainError('VALIDATION_FAILED', 'the range of virtual accounts (config bank.virtualAccounts) is used up', { payer: id });
      // An account already handed out cancels the registration, as the adapter's conditional puts (this number stays unused).
      if (!this.accounts.has(account)) {
        this.payers.set(id, { id, virtualAccount: account, units: new Set(), names: new Set() });
        this.accounts.set(account, id);
      }
    }
    const p = this.payers.get(id);
    if (p) {
      p.units.add(unitId);
      for (const n of names) p.names.add(n);
    }
    for (const n of names) this.index(n, id);
    return (await this.get(id))!;
  }

  async addName(id: string, name: string): Promise<void> {
    this.payers.get(id)?.names.add(name);
    this.index(name, id);
  }

  private index(name: string, id: string): void {
    const ids = this.names.get(name) ?? new Set<string>();
    ids.add(id);
    this.names.set(name, ids);
  }
}

/** The adapter's order of statuses when a listing is not filtered. */
const DEPOSIT_STATUSES: readonly StoredDepositStatus[] = ['unmatched', 'credit', 'partial', 'matched', 'pending', 'cancelled'];

function decodeDepositCursor(s: string): { s: number; k?: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { s: number; k?: string };
    if (typeof c.s !== 'number') throw new Error();
    return c;
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'next is not a cursor this list returned', { field: 'next' });
  }
}

/** MONEY-IN B2/B5: deposits by id (created once, saved on their version), by the reference a cancellation uses. */
export class MemoryDepositRepository implements DepositRepository {
  private readonly deposits = new Map<string, Deposit>();
  private readonly references = new Map<string, Set<string>>();

  async get(id: string): Promise<Deposit | null> {
    const d = this.deposits.get(id);
    return d ? copy(d) : null;
  }

  async create(d: Deposit): Promise<boolean> {
    if (this.deposits.has(d.id)) return false;
    this.deposits.set(d.id, withoutUndefined(d));
    const ids = this.references.get(d.reference) ?? new Set<string>();
    ids.add(d.id);
    this.references.set(d.reference, ids);
    return true;
  }

  async save(d: Deposit): Promise<boolean> {
    const stored = this.deposits.get(d.id);
    if (!stored || stored.version !== d.version) return false;
    this.deposits.set(d.id, withoutUndefined({ ...d, version: d.version + 1 }));
    return true;
  }

  async byReference(reference: string): Promise<Deposit[]> {
    return [...(this.references.get(reference) ?? [])]
      .sort()
      .map((id) => this.deposits.get(id))
      .filter((d): d is Deposit => d !== undefined)
      .map(copy);
  }

  /** By status (the adapter's order when unfiltered), then value date and id; a page that fills `limit` carries a cursor. */
  async list(
    filter: { status?: StoredDepositStatus },
    page: { limit: number; next?: string },
  ): Promise<{ items: Deposit[]; next: string | null }> {
    const statuses = filter.status ? [filter.status] : DEPOSIT_STATUSES;
    let cursor: { s: number; k?: string } = page.next ? decodeDepositCursor(page.next) : { s: 0 };
    const items: Deposit[] = [];
    const key = (d: Deposit) => `${d.valueDate}#${d.id}`;
    while (cursor.s < statuses.length && items.length < page.limit) {
      const want = page.limit - items.length;
      const after = cursor.k;
      const got = [...this.deposits.values()]
        .filter((d) => d.status === statuses[cursor.s] && (after === undefined || key(d) > after))
        .sort(byKey(key))
        .slice(0, want);
      items.push(...got.map(copy));
      cursor = got.length === want ? { s: cursor.s, k: key(got.at(-1)!) } : { s: cursor.s + 1 };
    }
    return { items, next: cursor.s < statuses.length ? encodeCursor(cursor) : null };
  }
}

/**
 * The whole store in one process's memory, wired as storeAdapters wires the DynamoDB one. `now`: the
 * time TTL retention is set and judged by (the stack's business clock, as storeAdapters gets it).
 */
export function memoryStore(opts: { now?: TtlClock } = {}) {
  const now = opts.now ?? Date.now;
  const outbox = new MemoryOutboxRepository(now);
  const agenda = new MemoryAgenda(now);
  const units = new MemoryUnitRepository({ agenda, outbox, now });
  return {
    units,
    agenda,
    runLog: new MemoryRunLog(),
    outbox,
    outages: new MemoryOutageRepository(outbox),
    accounts: new MemoryAccountRepository(now),
    kits: new MemoryKitRepository(),
    audit: new MemoryAuditLog(),
    drift: new MemoryDriftStore(),
    payers: new MemoryPayerRepository(),
    deposits: new MemoryDepositRepository(),
  };
}

export type MemoryStore = ReturnType<typeof memoryStore>;
