import type { Transition } from '#domain/applications.ts';
import { notFound } from '#domain/errors.ts';
import type { Unit } from '#domain/unit.ts';
import { ConcurrentModificationError, type CoreDeps } from './ports.ts';

const MAX_ATTEMPTS = 5;

/**
 * The one way a use case changes a unit: load it, let the domain compute the transition, save the
 * new state with its outbox items and wake-ups in one conditional write, then hand the outbox items
 * to the publisher. A lost race reloads and recomputes, so the domain always sees the current state.
 * Returns the saved unit.
 */
export async function changeUnit(
  deps: Pick<CoreDeps, 'units' | 'publisher'>,
  id: string,
  decide: (unit: Unit) => Transition | Promise<Transition>,
): Promise<Unit> {
  for (let attempt = 1; ; attempt++) {
    const unit = await deps.units.get(id);
    if (!unit) throw notFound('unit', id);
    const t = await decide(unit);
    if (t.unit === unit && t.outbox.length === 0 && t.wakeUps.length === 0) return unit;
    try {
      const saved = await deps.units.save(t.unit, { outbox: t.outbox, wakeUps: t.wakeUps });
      // After the commit: a lost publish is recovered by the relay sweep of pending outbox items.
      await deps.publisher.publish(t.outbox).catch(() => undefined);
      return saved;
    } catch (e) {
      if (!(e instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}
