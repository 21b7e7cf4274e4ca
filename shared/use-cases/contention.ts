/**
 * The contention policy of every write path (units, invoices, outages): a lost optimistic-locking race
 * (ConcurrentModificationError — classified by error type, so throttling, which the adapters report
 * otherwise, never lands here) reloads and tries again after a jittered exponential back-off ("full
 * jitter": a random wait in [0, min(cap, d·2^(k−1))], d = how long the failed attempt took, at least
 * CONTENTION.baseMs), for at most CONTENTION.maxAttempts attempts or
 * CONTENTION.budgetMs of waiting, and never past the request's deadline (withDeadline). Only then does the request give up, with CONCURRENT_MODIFICATION
 * (409, Retry-After): nothing was written, and a retry later succeeds.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from '#domain/errors.ts';
import { ConcurrentModificationError } from './ports.ts';

/**
 * The instant (ms since the epoch) by which the current request must have answered (the function's
 * timeout less a margin), set by the edge. Retries stop in time to answer 409 rather than be cut off.
 */
const deadlines = new AsyncLocalStorage<number>();
export const withDeadline = <T>(deadlineMs: number, f: () => T): T => deadlines.run(deadlineMs, f);

export const CONTENTION = { maxAttempts: 40, baseMs: 5, capMs: 2000, budgetMs: 10_000 } as const;

/** Attempts per write, for measurement (tests, bench): how many tries each successful or failed write took. */
export const contentionStats = {
  writes: 0,
  attempts: 0,
  maxAttempts: 0,
  gaveUp: 0,
  reset() {
    this.writes = this.attempts = this.maxAttempts = this.gaveUp = 0;
  },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until it does not lose a race. `attempt(n)` is called with the attempt number (1-based)
 * and must re-read what it depends on each time.
 */
export async function retryOnConflict<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  policy: { maxAttempts?: number; budgetMs?: number } = {},
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? CONTENTION.maxAttempts;
  const budgetMs = policy.budgetMs ?? CONTENTION.budgetMs;
  let waited = 0;
  const deadline = deadlines.getStore();
  for (let n = 1; ; n++) {
    const started = Date.now();
    try {
      const r = await attempt(n);
      record(n, false);
      return r;
    } catch (e) {
      if (!(e instanceof ConcurrentModificationError)) {
        record(n, false);
        throw e;
      }
      // The back-off scales with what an attempt costs now (a loaded store makes every attempt slower,
      // and a herd retrying within a few ms of each other would only collide again).
      const unit = Math.max(CONTENTION.baseMs, Date.now() - started);
      const wait = Math.random() * Math.min(CONTENTION.capMs, unit * 2 ** Math.min(n - 1, 16));
      // Another attempt must fit before the deadline: allow twice what this one took.
      const late = deadline !== undefined && Date.now() + wait + 2 * (Date.now() - started) > deadline;
      if (n >= maxAttempts || waited + wait > budgetMs || late) {
        record(n, true);
        throw new DomainError('CONCURRENT_MODIFICATION', `${what} is being changed by other requests: nothing was changed, retry later`, {
          attempts: n,
        });
      }
      waited += wait;
      await sleep(wait);
    }
  }
}

function record(n: number, gaveUp: boolean): void {
  contentionStats.writes++;
  contentionStats.attempts += n;
  contentionStats.maxAttempts = Math.max(contentionStats.maxAttempts, n);
  if (gaveUp) contentionStats.gaveUp++;
}
