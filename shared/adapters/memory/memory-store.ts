/**
 * The store ports in memory — UnitRepository, Agenda, RunLog, OutboxRepository, OutageRepository —
 * with the semantics of the DynamoDB adapters, held to the same contract suite
 * (test/adapters/store.contract.test.ts runs every contract on both):
 *  - shared ref namespace, global receipt sequence, conditional save on `version`, FIFO of `received`
 *    applications, corporate-number index, invoice index; a save writes the unit and its effects
 *    (agenda wake-ups, outbox items, refs, invoice entries, idempotency record) all or nothing, like the
 *    TransactWriteItems it mirrors, and fails in the same order of conditions;
 *  - outbox leases on the wall clock (Date.now), as on DynamoDB;
 *  - outages by known-at then id (open ones first when both are listed), compensations by id.
 * Every read returns a copy: a caller mutating what it got cannot change the store.
 *
 * What it is for: the test clock (`npm run simulate -- --store memory`, the default of the simulator
 * and the bench's simulation), where one DynamoDB Local JVM answering one request at a time was
 * ~70 % of the wall time. It is one process's memory: nothing survives a restart, so `npm start`
 * stays on DynamoDB Local. test/fakes extends these classes with fault-injection hooks.
 */
import type { LocalDate } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { balance } from '#domain/invoices.ts';
import type { CompensationRecord, Outage } from '#domain/outages.ts';
import { cancellationDeadline } from '#domain/terms.ts';
import type { ApplicationStatus, Unit, UnitStatus } from '#domain/unit.ts';
import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
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

/** Wake-ups by date. Written by MemoryUnitRepository.save (or `wake` in a test that needs no unit). */
export class MemoryAgenda implements Agenda {
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
}

/** Outbox items with their delivery state. Leases run on the wall clock (Date.now, as the DynamoDB adapter does). */
export class MemoryOutboxRepository implements OutboxRepository {
  private readonly items = new Map<string, StoredOutbox>();

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Writes a new pending item (MemoryUnitRepository.save does, in the unit's write). Throws when the id exists. */
  put(item: OutboxItem): void {
    if (this.items.has(item.id)) throw new Error(`outbox item ${item.id} already exists`);
    this.items.set(item.id, { item: copy(item), state: 'pending', attempts: 0 });
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
    if (!s || s.state === 'done') return false;
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

  async listPending(limit: number): Promise<OutboxItem[]> {
    return this.sorted()
      .filter((s) => s.state !== 'done')
      .slice(0, limit)
      .map((s) => copy(s.item));
  }

  /** The wall clock of the leases (a test double may move it). */
  protected now(): number {
    return Date.now();
  }

  private sorted(): StoredOutbox[] {
    const key = (s: StoredOutbox) => `${s.item.date}#${s.item.id}`;
    return [...this.items.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  private entry(s: StoredOutbox): OutboxEntry {
    return { item: copy(s.item), state: s.state, attempts: s.attempts, ...(s.result ? { result: copy(s.result) } : {}) };
  }
}

function refTakenError(id: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `ref ${id} is already used by a unit or line (refs are unique, DETAILS P5)`, { field: 'ref', ref: id }, true);
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
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly invoiceIndex = new Map<string, InvoiceSummary>();

  constructor(opts: { agenda?: MemoryAgenda; outbox?: MemoryOutboxRepository } = {}) {
    this.agenda = opts.agenda ?? new MemoryAgenda();
    this.outbox = opts.outbox ?? new MemoryOutboxRepository();
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
    this.afterSave(next);
    return copy(next);
  }

  /** Extension points for test doubles: before the version check (a concurrent writer, a failing write) and after a save. */
  protected async beforeSave(_unit: Unit, _effects: Effects): Promise<void> {}
  protected afterSave(_saved: Unit): void {}

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
    if (this.outages.has(draft.id)) throw new DomainError('VALIDATION_FAILED', `outage ${draft.id} already exists`, { field: 'ref', ref: draft.id }, true);
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
    for (const x of effects.outbox) this.outbox.put(x);
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
    for (const x of change.outbox) this.outbox.put(x);
    return true;
  }

  async createMaintenance(m: Maintenance): Promise<void> {
    if (this.maintenances.has(m.id)) throw new DomainError('VALIDATION_FAILED', `maintenance ${m.id} already exists`, { field: 'ref', ref: m.id }, true);
    this.maintenances.set(m.id, copy(m));
  }

  /** The notices' conditional puts: a duplicate within the write is a ValidationException, an existing id cancels the write. */
  private checkOutbox(items: readonly OutboxItem[], cancelled: () => Error | null): boolean {
    if (new Set(items.map((x) => x.id)).size !== items.length) throw new Error('ValidationException: transaction request cannot include multiple operations on one item');
    if (items.some((x) => this.outbox.has(x.id))) {
      const e = cancelled();
      if (e) throw e;
      return false;
    }
    return true;
  }
}

/** The whole store in one process's memory, wired as storeAdapters wires the DynamoDB one. */
export function memoryStore() {
  const outbox = new MemoryOutboxRepository();
  const agenda = new MemoryAgenda();
  const units = new MemoryUnitRepository({ agenda, outbox });
  return { units, agenda, runLog: new MemoryRunLog(), outbox, outages: new MemoryOutageRepository(outbox) };
}

export type MemoryStore = ReturnType<typeof memoryStore>;
