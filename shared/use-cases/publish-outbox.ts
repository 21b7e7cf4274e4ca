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

/** The relay sweep: every outbox item still pending is published again (delivery is idempotent), page by page. */
export async function relayPendingOutbox(deps: { outbox: OutboxRepository; publisher: OutboxPublisher }, pageSize = 1000): Promise<number> {
  let relayed = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.outbox.listPending(pageSize, after);
    if (page.length === 0) return relayed;
    await deps.publisher.publish(page);
    relayed += page.length;
    if (page.length < pageSize) return relayed;
    const last = page[page.length - 1]!;
    after = `${last.date}#${last.id}`;
  }
}
