/** Routes committed outbox items to their delivery queues, and re-publishes what a crash left pending. */
import type { OutboxItem } from '#domain/effects.ts';
import type { OutboxMessage, OutboxPublisher, OutboxRepository, Queue } from './ports.ts';

export class QueueOutboxPublisher implements OutboxPublisher {
  constructor(
    private readonly mail: Queue<OutboxMessage>,
    private readonly desktops: Queue<OutboxMessage>,
  ) {}

  async publish(items: readonly OutboxItem[]): Promise<void> {
    const ids = (kind: OutboxItem['kind']) => items.filter((i) => i.kind === kind).map((i) => ({ outboxId: i.id }));
    await Promise.all([this.mail.send(ids('notice')), this.desktops.send(ids('desktop'))]);
  }
}

/** The relay sweep: every outbox item still pending is published again (delivery is idempotent). */
export async function relayPendingOutbox(deps: { outbox: OutboxRepository; publisher: OutboxPublisher }, limit = 1000): Promise<number> {
  const pending = await deps.outbox.listPending(limit);
  await deps.publisher.publish(pending);
  return pending.length;
}
