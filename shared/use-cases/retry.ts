/**
 * Optimistic concurrency, one way for every use case: a read, a decision and a conditional write are
 * tried again from the read when a concurrent write wins (ConcurrentModificationError), at most
 * MAX_ATTEMPTS times in all; then the conflict is the caller's answer.
 */
import { ConcurrentModificationError } from './ports.ts';

export const MAX_ATTEMPTS = 8;

export async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof ConcurrentModificationError) || n >= MAX_ATTEMPTS) throw e;
    }
  }
}
