/**
 * Throttling told apart from conflicts, in every DynamoDB adapter (one middleware on the store's client).
 *
 * DynamoDB refuses work it cannot take right now in two shapes: a throttling exception
 * (ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded — the SDK's own retries may already
 * have given up on it) and a TransactionCanceledException whose reasons say `ThrottlingError`,
 * `ProvisionedThroughputExceeded` or `RequestLimitExceeded` (which the SDK never retries, and which the
 * adapters used to read as a version conflict). Both are retried here with full-jitter exponential
 * back-off (AWS Architecture Blog "Exponential Backoff And Jitter"); when the attempts run out the
 * caller gets a `StoreThrottledError`, never a conflict. A `ConditionalCheckFailed` or a
 * `TransactionConflict` reason is a lost race: it is passed on untouched for the adapter (and the
 * use case's reload-and-retry) to handle.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB's limit of items in one TransactWriteItems / TransactGetItems. */
export const MAX_TRANSACTION_ITEMS = 100;

const THROTTLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const THROTTLE_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** True for a throttled request (see the module comment); a conflict is never one. */
export function isThrottle(e: unknown): boolean {
  const err = e as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (!err?.name) return false;
  if (err.name === 'StoreThrottledError') return true;
  if (THROTTLE_NAMES.has(err.name)) return true;
  if (err.name === 'TransactionCanceledException') {
    const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    return codes.some((c) => THROTTLE_REASONS.has(c)) && !codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict');
  }
  return false;
}

/** The store stayed throttled through every retry: a 503 with Retry-After at the API, a retried message in the jobs. */
export class StoreThrottledError extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly cause: unknown,
  ) {
    super(`DynamoDB throttled ${operation} ${attempts} times in a row`);
    this.name = 'StoreThrottledError';
  }
}

/** A save that would need more than 100 items in one transaction: refused before anything is written. */
export class TransactionTooLargeError extends Error {
  constructor(
    readonly id: string,
    readonly items: number,
  ) {
    super(`the change of ${id} needs ${items} items in one transaction; DynamoDB allows ${MAX_TRANSACTION_ITEMS}`);
    this.name = 'TransactionTooLargeError';
  }
}

export interface ThrottleRetryOptions {
  /** Attempts in all (default 8). */
  readonly attempts?: number;
  /** Back-off cap of the first retry (ms, default 50); doubles each time up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called before each retry (metrics, tests). */
  readonly onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: unknown }) => void;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Full jitter: a uniform delay in [0, min(max, base·2^(attempt-1))). */
export function backoffDelay(attempt: number, opts: Pick<ThrottleRetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {}): number {
  const cap = Math.min(opts.maxDelayMs ?? 2000, (opts.baseDelayMs ?? 50) * 2 ** (attempt - 1));
  return Math.floor((opts.random ?? Math.random)() * cap);
}

/**
 * Adds the throttle retry to a client's middleware stack (step `initialize`, high priority: outside
 * every other middleware, so a retry goes through them again like a new request).
 */
export function retryThrottles(client: DynamoDBDocumentClient | DynamoDBClient, opts: ThrottleRetryOptions = {}): void {
  const attempts = opts.attempts ?? 8;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(args);
        } catch (error) {
          if (!isThrottle(error)) throw error;
          const operation = String(context.commandName ?? 'request').replace(/Command$/, '');
          if (attempt >= attempts) throw new StoreThrottledError(operation, attempt, error);
          const delayMs = backoffDelay(attempt, opts);
          opts.onRetry?.({ operation, attempt, delayMs, error });
          await sleep(delayMs);
        }
      }
    },
    { step: 'initialize', name: 'throttleRetry', priority: 'high', tags: ['THROTTLE_RETRY'] },
  );
}
