/**
 * In-process queues with SQS's contract: at-least-once delivery, retries with backoff, a
 * dead-letter list after `maxReceives`, and optional duplicate delivery (to prove idempotency).
 * `drain()` resolves when nothing is queued or in flight (tests, the simulator, `npm run daily`).
 */
import type { Queue } from '#use-cases/ports.ts';

export interface InProcessQueueOptions {
  readonly name: string;
  readonly concurrency?: number;
  readonly maxReceives?: number;
  readonly backoffMs?: number;
  /** Deliver every message this many times (1 = once): the at-least-once fault. */
  readonly duplicates?: number;
  readonly onDeadLetter?: (message: unknown, error: unknown) => void;
  /** Milliseconds per second of a message's `delaySeconds` (default 1000; tests shrink it, the simulator uses 0). */
  readonly delayScale?: number;
}

/** Like SQS's visibility timeout, a failed message is never redelivered at once (a lease holder gets time to finish). */
const MIN_BACKOFF_MS = 25;

interface Envelope<T> {
  readonly body: T;
  receives: number;
  /** Redeliveries because another delivery held the lease. */
  waits?: number;
}

export class InProcessQueue<T> implements Queue<T> {
  private readonly waiting: Envelope<T>[] = [];
  private inFlight = 0;
  private timers = 0;
  private idle: (() => void)[] = [];
  readonly deadLetters: { message: T; error: string }[] = [];
  private handler: ((m: T) => Promise<unknown>) | null = null;
  private stopped = false;
  private handledCount = 0;

  constructor(private readonly opts: InProcessQueueOptions) {}

  /** Messages handled successfully so far (progress of a long drain, e.g. the bench's peak day). */
  get handled(): number {
    return this.handledCount;
  }

  /** Attaches the consumer (the same handler code that SQS would invoke). */
  consume(handler: (m: T) => Promise<unknown>): void {
    this.handler = handler;
    this.pump();
  }

  async send(messages: readonly T[], opts: { readonly delaySeconds?: number } = {}): Promise<void> {
    if (this.stopped) throw new Error(`queue ${this.opts.name} is stopped`);
    const delay = opts.delaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > 900)
      throw new Error(`delaySeconds must be an integer from 0 to 900 (SQS), got ${delay}`);
    const ms = delay * (this.opts.delayScale ?? 1000);
    for (const m of messages)
      for (let i = 0; i < (this.opts.duplicates ?? 1); i++) {
        if (ms > 0) this.later({ body: m, receives: 0 }, ms);
        else this.waiting.push({ body: m, receives: 0 });
      }
    this.pump();
  }

  get depth(): number {
    return this.waiting.length + this.inFlight + this.timers;
  }

  /** Resolves once the queue is empty and nothing is in flight or waiting for a retry. */
  drain(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
  }

  private pump(): void {
    const handler = this.handler;
    if (!handler) return;
    while (this.inFlight < (this.opts.concurrency ?? 8) && this.waiting.length > 0) {
      const env = this.waiting.shift()!;
      env.receives++;
      this.inFlight++;
      void handler(env.body)
        .then(
          () => void this.handledCount++,
          (error: unknown) => this.retry(env, error),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
          this.settle();
        });
    }
    this.settle();
  }

  private retry(env: Envelope<T>, error: unknown): void {
    if (this.stopped) return;
    // Another delivery holds the item's lease: not a failure of this message. Like SQS with a visibility
    // timeout longer than the lease, keep redelivering (at most every second) until the holder is done
    // or its lease lapses, without counting it towards the dead-letter limit.
    if ((error as Error)?.name === 'DeliveryInProgressError') {
      env.receives = Math.max(0, env.receives - 1);
      env.waits = (env.waits ?? 0) + 1;
      this.later(env, Math.min(1000, MIN_BACKOFF_MS * 2 ** env.waits));
      return;
    }
    if (env.receives >= (this.opts.maxReceives ?? 5)) {
      this.deadLetters.push({ message: env.body, error: String((error as Error)?.message ?? error) });
      this.opts.onDeadLetter?.(env.body, error);
      return;
    }
    this.later(env, Math.max(this.opts.backoffMs ?? 200, MIN_BACKOFF_MS) * 2 ** (env.receives - 1));
  }

  private later(env: Envelope<T>, ms: number): void {
    this.timers++;
    setTimeout(() => {
      this.timers--;
      if (!this.stopped) this.waiting.push(env);
      this.pump();
    }, ms);
  }

  private settle(): void {
    if (this.depth === 0) for (const r of this.idle.splice(0)) r();
  }
}
