/**
 * Taking an outbox item for one delivery — the lease both workers use (the mailer for a notice, the
 * provisioner for a desktop job). A queue may deliver a message twice, or a crashed worker's message
 * again: the item's own state says whether there is anything to do, and a lease (a wall-clock time
 * on the item, set by a conditional write) lets exactly one delivery act until it finishes or the
 * lease lapses. A delivery that finds the lease held throws DeliveryInProgressError: the queue
 * redelivers the message later without counting it as a failure.
 */
import type { OutboxItem } from '#domain/effects.ts';
import { DeliveryInProgressError, type OutboxEntry, type OutboxRepository } from './ports.ts';

/** The item is taken (its entry as read before the lease), or why there is nothing to do. */
export type LeaseOutcome<K extends OutboxItem['kind']> =
  | { readonly taken: OutboxEntry & { readonly item: Extract<OutboxItem, { kind: K }> } }
  /** No such item, or one of another kind (a message for the other worker). */
  | 'unknown'
  | 'already-done'
  /** W5: a failed desktop job is never retried blindly; an operator reopens it. */
  | 'failed';

export async function leaseOutboxItem<K extends OutboxItem['kind']>(
  outbox: OutboxRepository,
  id: string,
  kind: K,
  leaseMs: number,
): Promise<LeaseOutcome<K>> {
  const entry = await outbox.get(id);
  if (!entry || entry.item.kind !== kind) return 'unknown';
  if (entry.state === 'done') return 'already-done';
  if (entry.state === 'failed') return 'failed';
  if (!(await outbox.claim(id, leaseMs))) {
    // Lost the race: the other delivery may have finished in the meantime.
    const now = await outbox.get(id);
    if (now?.state === 'done') return 'already-done';
    if (now?.state === 'failed') return 'failed';
    throw new DeliveryInProgressError(id);
  }
  return { taken: entry as OutboxEntry & { readonly item: Extract<OutboxItem, { kind: K }> } };
}
