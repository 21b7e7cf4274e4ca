/**
 * Test doubles over the memory store adapter (shared/adapters/memory/memory-store.ts, which the
 * contract suite holds to the DynamoDB adapters' semantics):
 *  - InMemoryUnitRepository, InMemoryAgenda, InMemoryRunLog, InMemoryOutboxRepository: the adapter's
 *    classes plus fault hooks (beforeNextSave, failNextSaves), a record of saves and run marks, and a
 *    movable lease clock (elapse).
 *  - InMemoryAuditLog: the adapter's audit trail (append-only; `entries` for assertions).
 *  - RecordingPublisher, RecordingQueue, RecordingMailer: remember what they were given.
 *  - fixedClock, sequentialIds, and inMemoryDeps(today) wiring all of it together.
 * Every read returns a copy: a caller mutating what it got cannot change the store.
 */
import { buildConfig, type Config } from '#domain/config.ts';
import { date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import type { OutboxItem } from '#domain/effects.ts';
import type { Unit } from '#domain/unit.ts';
import {
  ConcurrentModificationError,
  type Clock,
  type CoreDeps,
  type Effects,
  type IdGenerator,
  type Mail,
  type Mailer,
  type OutboxPublisher,
  type Queue,
  type UnitDayMessage,
} from '#use-cases/ports.ts';
import { MemoryAgenda, MemoryAuditLog, MemoryOutboxRepository, MemoryRunLog, MemoryUnitRepository } from '#adapters/memory/memory-store.ts';

const copy = <T>(x: T): T => structuredClone(x);

/** Wake-ups by date. Written by InMemoryUnitRepository.save (or `wake` in a test that needs no unit). */
export class InMemoryAgenda extends MemoryAgenda {}

/** The run log, remembering every markCompleted call. */
export class InMemoryRunLog extends MemoryRunLog {
  /** Every markCompleted call, in order (including those that did not move it). */
  readonly marks: LocalDate[] = [];

  override async markCompleted(day: LocalDate): Promise<void> {
    this.marks.push(day);
    await super.markCompleted(day);
  }
}

/** The outbox with a movable wall clock: `elapse(ms)` expires leases without waiting. */
export class InMemoryOutboxRepository extends MemoryOutboxRepository {
  private skewMs = 0;

  /** Moves this repository's wall clock forward (lease expiry without waiting). */
  elapse(ms: number): void {
    this.skewMs += ms;
  }

  protected override now(): number {
    return Date.now() + this.skewMs;
  }
}

type SaveHook = (unit: Unit, effects: Effects) => void | Promise<void>;

/** The memory adapter's units with fault hooks and a record of every save. */
export class InMemoryUnitRepository extends MemoryUnitRepository {
  /** Every unit as successfully saved by `save` (not `create`), oldest first. */
  readonly saved: Unit[] = [];
  private readonly hooks: SaveHook[] = [];
  declare readonly agenda: InMemoryAgenda;
  declare readonly outbox: InMemoryOutboxRepository;

  constructor(opts: { agenda?: InMemoryAgenda; outbox?: InMemoryOutboxRepository } = {}) {
    super({ agenda: opts.agenda ?? new InMemoryAgenda(), outbox: opts.outbox ?? new InMemoryOutboxRepository() });
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

  protected override async beforeSave(unit: Unit, effects: Effects): Promise<void> {
    const hook = this.hooks.shift();
    if (hook) await hook(copy(unit), effects);
  }

  protected override afterSave(saved: Unit): void {
    this.saved.push(copy(saved));
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

/** The audit trail in memory (append-only; `entries`: oldest first). */
export class InMemoryAuditLog extends MemoryAuditLog {}

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
