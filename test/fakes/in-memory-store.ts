/**
 * The store ports in memory, with the semantics of the DynamoDB adapters (the same contract suite,
 * test/adapters/store.contract.test.ts, runs on both):
 *  - InMemoryUnitRepository: shared ref namespace, global receipt sequence, conditional save on
 *    `version`, FIFO of `received` applications, corporate-number index. A save writes the unit and its
 *    effects (agenda wake-ups, outbox items) all or nothing, like the TransactWriteItems it mirrors.
 *  - InMemoryAgenda, InMemoryRunLog, InMemoryOutboxRepository (leases on the wall clock, as on DynamoDB).
 *  - RecordingPublisher, RecordingQueue, RecordingMailer: remember what they were given.
 *  - fixedClock, sequentialIds, and inMemoryDeps(today) wiring all of it together.
 * Every read returns a copy: a caller mutating what it got cannot change the store.
 */
import { buildConfig, type Config } from '#domain/config.ts';
import { date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { DELIVERY_RANK, type DeliveryStatus, type MailEvent } from '#domain/mail-events.ts';
import { DomainError } from '#domain/errors.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { decodeOutboxItem } from '#domain/notice-decode.ts';
import { cancellationDeadline } from '#domain/terms.ts';
import type { ApplicationStatus, Unit, UnitStatus } from '#domain/unit.ts';
import { balance } from '#domain/invoices.ts';
import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
  type JobFailure,
  type IdempotencyRecord,
  type InvoiceStatus,
  type InvoiceSummary,
  type Agenda,
  type Clock,
  type AuditEntry,
  type AuditLog,
  type CoreDeps,
  type Effects,
  type IdGenerator,
  type Mail,
  type Mailer,
  type OutboxEntry,
  type OutboxPublisher,
  type OutboxRepository,
  type OutboxState,
  type Queue,
  type RunLog,
  type UnitDayMessage,
  type UnitRepository,
} from '#use-cases/ports.ts';

const copy = <T>(x: T): T => structuredClone(x);

/** Wake-ups by date. Written by InMemoryUnitRepository.save (or `wake` in a test that needs no unit). */
export class InMemoryAgenda implements Agenda {
  private readonly byDate = new Map<LocalDate, Set<string>>();

  /** Records that the daily run must look at `unitId` on `day` (idempotent, like the DynamoDB put). */
  wake(day: LocalDate, unitId: string): void {
    const ids = this.byDate.get(day) ?? new Set<string>();
    ids.add(unitId);
    this.byDate.set(day, ids);
  }

  async dueOn(day: LocalDate): Promise<string[]> {
    return [...(this.byDate.get(day) ?? [])].sort();
  }
}

/** The last completed date of the daily run; it only moves forward. */
export class InMemoryRunLog implements RunLog {
  private last: LocalDate | null = null;
  /** Every markCompleted call, in order (including those that did not move it). */
  readonly marks: LocalDate[] = [];

  async lastCompleted(): Promise<LocalDate | null> {
    return this.last;
  }

  async markCompleted(day: LocalDate): Promise<void> {
    this.marks.push(day);
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
  retries?: number;
}

/**
 * Outbox items with their delivery state. Leases run on the wall clock (Date.now, as the DynamoDB
 * adapter does); `elapse(ms)` moves this fake's wall clock forward so a test need not wait for a lease.
 */
export class InMemoryOutboxRepository implements OutboxRepository {
  private readonly items = new Map<string, StoredOutbox>();
  private skewMs = 0;

  /** Moves this repository's wall clock forward (lease expiry without waiting). */
  elapse(ms: number): void {
    this.skewMs += ms;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Writes a new pending item (InMemoryUnitRepository.save does, in the unit's write). Throws when the id exists. */
  put(item: OutboxItem): void {
    if (this.items.has(item.id)) throw new Error(`outbox item ${item.id} already exists`);
    this.items.set(item.id, { item: copy(item), state: 'pending', attempts: 0 });
  }

  async add(items: readonly OutboxItem[]): Promise<void> {
    for (const i of items) if (!this.items.has(i.id)) this.put(i);
  }

  async noticesOfUnit(unitId: string, limit = 500): Promise<OutboxEntry[]> {
    return this.sorted()
      .filter((s) => s.item.kind === 'notice' && s.item.unitId === unitId)
      .reverse()
      .slice(0, limit)
      .map((s) => this.entry(s));
  }

  /** The last recorded error of an item (not part of the port; for assertions). */
  lastError(id: string): string | undefined {
    return this.items.get(id)?.lastError;
  }

  /** Every item, in the relay's order (date, then id). */
  all(): OutboxEntry[] {
    return this.sorted().map((s) => this.entry(s));
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const s = this.items.get(id);
    return s ? this.entry(s) : null;
  }

  async complete(id: string, result: Record<string, unknown>): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || s.state === 'done') return false;
    s.state = 'done';
    s.result = copy(result);
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
    if (!s) throw new Error(`outbox item ${id} not found`);
    s.attempts += 1;
    s.lastError = error.slice(0, 500);
    delete s.leaseUntil;
  }

  async release(id: string, progress: Record<string, unknown>): Promise<void> {
    const s = this.items.get(id);
    if (!s || s.state !== 'pending') throw new Error(`outbox item ${id} is not pending`);
    s.progress = copy(progress);
    delete s.leaseUntil;
  }

  async fail(id: string, failure: JobFailure): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || s.state !== 'pending') return false;
    s.state = 'failed';
    s.failure = copy(failure);
    delete s.leaseUntil;
    return true;
  }

  async reopen(id: string): Promise<boolean> {
    const s = this.items.get(id);
    if (!s || s.state !== 'failed') return false;
    s.state = 'pending';
    s.attempts = 0;
    s.retries = (s.retries ?? 0) + 1;
    delete s.progress;
    return true;
  }

  async listFailed(limit: number): Promise<{ items: OutboxEntry[]; next: string | null }> {
    return { items: this.sorted().filter((s) => s.state === 'failed').slice(0, limit).map((s) => this.entry(s)), next: null };
  }

  async recordDelivery(id: string, event: MailEvent, status: DeliveryStatus): Promise<boolean> {
    const s = this.items.get(id);
    if (!s) return false;
    s.delivery ??= { status, events: new Map() };
    const key = `${event.type}:${event.messageId}:${event.at}`;
    const added = !s.delivery.events.has(key);
    if (added) s.delivery.events.set(key, copy(event));
    if (DELIVERY_RANK[status] > DELIVERY_RANK[s.delivery.status]) s.delivery.status = status;
    return added;
  }

  async listPending(limit: number, after?: string): Promise<OutboxItem[]> {
    return this.sorted()
      .filter((s) => s.state === 'pending' && (after === undefined || `${s.item.date}#${s.item.id}` > after))
      .slice(0, limit)
      .map((s) => decodeOutboxItem(copy(s.item)));
  }

  private now(): number {
    return Date.now() + this.skewMs;
  }

  private sorted(): StoredOutbox[] {
    const key = (s: StoredOutbox) => `${s.item.date}#${s.item.id}`;
    return [...this.items.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  private entry(s: StoredOutbox): OutboxEntry {
    return {
      item: decodeOutboxItem(copy(s.item)),
      state: s.state,
      attempts: s.attempts,
      ...(s.result ? { result: copy(s.result) } : {}),
      ...(s.delivery ? { delivery: { status: s.delivery.status, events: [...s.delivery.events.values()].map(copy).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) } } : {}),
      ...(s.progress ? { progress: copy(s.progress) } : {}),
      ...(s.failure ? { failure: copy(s.failure) } : {}),
      ...(s.retries ? { retries: s.retries } : {}),
    };
  }
}

function refTakenError(id: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `ref ${id} is already used by a unit or line (refs are unique, DETAILS P5)`, { field: 'ref', ref: id }, 'rule');
}

/** The next cancellation deadline of a unit (Art 18) as the listing orders by it; none: after every date. */
function nextDeadline(unit: Unit): string {
  const basic = unit.lines.find((l) => l.kind === 'basic');
  return basic?.termEnd && basic.endedOn === null ? cancellationDeadline(basic.termEnd) : '9999-12-31';
}

type SaveHook = (unit: Unit, effects: Effects) => void | Promise<void>;

/**
 * Units in memory. `save` checks everything first (stored version, outbox ids free), then writes the
 * unit, its wake-ups into `agenda` and its outbox items into `outbox`: all or nothing.
 */
export class InMemoryUnitRepository implements UnitRepository {
  readonly agenda: InMemoryAgenda;
  readonly outbox: InMemoryOutboxRepository;
  /** Every unit as successfully saved by `save` (not `create`), oldest first. */
  readonly saved: Unit[] = [];
  private readonly units = new Map<string, Unit>();
  private readonly refs = new Set<string>();
  private seq = 0;
  private readonly hooks: SaveHook[] = [];
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly invoiceIndex = new Map<string, InvoiceSummary>();

  constructor(opts: { agenda?: InMemoryAgenda; outbox?: InMemoryOutboxRepository } = {}) {
    this.agenda = opts.agenda ?? new InMemoryAgenda();
    this.outbox = opts.outbox ?? new InMemoryOutboxRepository();
  }

  /**
   * Runs `hook` once, at the start of the next save, before its version check — the place where a
   * concurrent writer would get in first (it may save the unit itself) or a write would fail (it may throw).
   */
  beforeNextSave(hook: SaveHook): void {
    this.hooks.push(hook);
  }

  /** The next `times` saves fail with `error` (default: ConcurrentModificationError) and write nothing. */
  failNextSaves(times = 1, error?: Error): void {
    for (let i = 0; i < times; i++)
      this.beforeNextSave((unit) => {
        throw error ?? new ConcurrentModificationError(unit.id);
      });
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
    const hook = this.hooks.shift();
    if (hook) await hook(copy(unit), effects);
    const refs = effects.reserveRefs ?? [];
    // As the transaction reports it: the first failed condition in item order (key, refs, unit, outbox) wins.
    if (effects.idempotency && this.idempotency.has(effects.idempotency.key)) throw new IdempotencyKeyTakenError(effects.idempotency.key);
    const taken = refs.find((r) => this.refs.has(r));
    if (taken !== undefined) throw refTakenError(taken);
    const stored = this.units.get(unit.id);
    if (!stored || stored.version !== unit.version) throw new ConcurrentModificationError(unit.id);
    // The outbox puts are conditional (attribute_not_exists): an existing id cancels the whole write.
    if (new Set(effects.outbox.map((o) => o.id)).size !== effects.outbox.length)
      throw new Error('ValidationException: transaction request cannot include multiple operations on one item');
    if (effects.outbox.some((o) => this.outbox.has(o.id))) throw new ConcurrentModificationError(unit.id);
    const next: Unit = { ...copy(unit), version: unit.version + 1 };
    this.units.set(next.id, next);
    for (const r of refs) this.refs.add(r);
    for (const d of effects.wakeUps) this.agenda.wake(d, next.id);
    for (const o of effects.outbox) this.outbox.put(o);
    if (effects.idempotency) this.idempotency.set(effects.idempotency.key, copy(effects.idempotency));
    for (const inv of effects.invoices ?? [])
      this.invoiceIndex.set(inv.id, { id: inv.id, unitId: inv.unitId, issueDate: inv.issueDate, kind: inv.kind, dueDate: inv.dueDate, total: inv.total, balance: balance(inv), paidOn: inv.paidOn });
    this.saved.push(copy(next));
    return copy(next);
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | null> {
    const r = this.idempotency.get(key);
    return r ? copy(r) : null;
  }

  async listInvoices(filter: { status: InvoiceStatus; today: LocalDate }, limit = 100): Promise<InvoiceSummary[]> {
    const want = (i: InvoiceSummary) =>
      filter.status === 'paid' ? i.balance === 0 : i.balance > 0 && (filter.status === 'overdue' ? i.dueDate < filter.today : i.dueDate >= filter.today);
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
      .filter((u) => (filter.status === undefined || u.status === filter.status) && (filter.deadlineBefore === undefined || key(u) < filter.deadlineBefore))
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

/** Remembers every batch it was asked to publish. */
export class RecordingPublisher implements OutboxPublisher {
  readonly batches: OutboxItem[][] = [];
  /** When set, publish throws it (after recording nothing). */
  failWith: Error | null = null;

  /** Every published item, flattened, in order. */
  get items(): OutboxItem[] {
    return this.batches.flat();
  }

  async publish(items: readonly OutboxItem[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.batches.push(copy([...items]));
  }
}

/** Remembers every batch sent (empty batches included). */
export class RecordingQueue<T> implements Queue<T> {
  readonly batches: T[][] = [];

  get messages(): T[] {
    return this.batches.flat();
  }

  async send(messages: readonly T[]): Promise<void> {
    this.batches.push(copy([...messages]));
  }
}

/** Remembers every mail sent; `failNext` makes the next sends throw. */
export class RecordingMailer implements Mailer {
  readonly sent: Mail[] = [];
  private readonly failures: Error[] = [];

  failNext(error: Error, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(error);
  }

  async send(mail: Mail): Promise<{ messageId: string }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(copy(mail));
    return { messageId: `msg-${this.sent.length}` };
  }
}

/** A clock standing still at `hour`:00 Japan time on `today`. */
export function fixedClock(today: string, hour = 10): Clock {
  const d = date(today);
  const t = jstInstant(d, hour);
  return { today: () => d, now: () => t };
}

/** Ids `<prefix>-1`, `<prefix>-2` … */
export function sequentialIds(): IdGenerator {
  let n = 0;
  return { newId: (prefix) => `${prefix}-${++n}` };
}

/** The audit trail in memory (append-only; newest first on read). */
export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(copy(entry));
  }
}

/**
 * Everything the use cases need, in memory, wired like the embedded stack: the repository writes its
 * wake-ups into `agenda` and its outbox items into `outbox`; `publisher` records instead of queueing.
 */
export function inMemoryDeps(today: string, opts: { config?: unknown; hour?: number; outbox?: InMemoryOutboxRepository } = {}) {
  const config: Config = buildConfig(opts.config ?? {});
  const clock = fixedClock(today, opts.hour);
  const agenda = new InMemoryAgenda();
  const outbox = opts.outbox ?? new InMemoryOutboxRepository();
  const units = new InMemoryUnitRepository({ agenda, outbox });
  const publisher = new RecordingPublisher();
  const audit = new InMemoryAuditLog();
  const core: CoreDeps = { config, clock, units, publisher, audit };
  return {
    ...core,
    units,
    publisher,
    agenda,
    outbox,
    runLog: new InMemoryRunLog(),
    lifecycleQueue: new RecordingQueue<UnitDayMessage>(),
    mailer: new RecordingMailer(),

    ids: sequentialIds(),
    retryDelayMs: 0,
    audit,
  };
}

export type InMemoryDeps = ReturnType<typeof inMemoryDeps>;
