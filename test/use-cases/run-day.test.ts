/** The daily run (catch-up, reruns, X4) and the lifecycle worker's advanceUnitTo, on the in-memory store. */
import { describe, expect, it } from 'vitest';
import { date, jstInstant, type LocalDate } from '#domain/calendar.ts';
import { desktopJobId } from '#domain/effects.ts';
import { DomainError } from '#domain/errors.ts';
import { acceptApplication, submitApplication } from '#use-cases/applications.ts';
import { advanceUnitTo, runDailyRun } from '#use-cases/run-day.ts';
import { fixedClock, inMemoryDeps, type InMemoryDeps } from '../fakes/in-memory-store.ts';
import type { Principal } from '#use-cases/authz.ts';

const OP: Principal = { id: 'test-operator', role: 'operator' };

const d = (s: string): LocalDate => date(s);

const application = (ref: string) => ({
  ref,
  plan: 'kokona',
  accounts: 5,
  contractor: {
    kind: 'corporation',
    name: `株式会社${ref}`,
    corporateNumber: '8700110005901',
    accountManager: { name: '山田 太郎', email: `${ref}@example.jp` },
    agent: null,
  },
});

/** Accepted on `acceptedOn` with the given start dates, in this order (FIFO). */
async function acceptedUnits(acceptedOn: string, starts: Record<string, string>): Promise<InMemoryDeps> {
  const deps = inMemoryDeps(acceptedOn);
  for (const ref of Object.keys(starts)) await submitApplication(deps, OP, application(ref));
  for (const [ref, startDate] of Object.entries(starts)) await acceptApplication(deps, OP, ref, { startDate });
  return deps;
}

describe('runDailyRun', () => {
  it('catches up: after 2024-02-10, a run for 2024-02-13 processes the 11th, 12th and 13th in order, enqueuing each date’s due units', async () => {
    const deps = inMemoryDeps('2024-02-13');
    await deps.runLog.markCompleted(d('2024-02-10'));
    deps.agenda.wake(d('2024-02-10'), 'u10');
    deps.agenda.wake(d('2024-02-11'), 'u11');
    deps.agenda.wake(d('2024-02-12'), 'u12b');
    deps.agenda.wake(d('2024-02-12'), 'u12a');
    deps.agenda.wake(d('2024-02-13'), 'u13');
    deps.agenda.wake(d('2024-02-14'), 'u14');

    const report = await runDailyRun(deps, d('2024-02-13'));

    expect(report).toEqual({ dates: ['2024-02-11', '2024-02-12', '2024-02-13'], dueUnits: 4 });
    expect(deps.lifecycleQueue.batches).toEqual([
      [{ unitId: 'u11', date: '2024-02-11' }],
      [
        { unitId: 'u12a', date: '2024-02-12' },
        { unitId: 'u12b', date: '2024-02-12' },
      ],
      [{ unitId: 'u13', date: '2024-02-13' }],
    ]);
    expect(deps.runLog.marks).toEqual(['2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13']);
    expect(await deps.runLog.lastCompleted()).toBe('2024-02-13');
  });

  it('a first run ever processes only its own date', async () => {
    const deps = inMemoryDeps('2024-02-13');
    deps.agenda.wake(d('2024-02-12'), 'u12');
    deps.agenda.wake(d('2024-02-13'), 'u13');
    expect(await runDailyRun(deps, d('2024-02-13'))).toEqual({ dates: ['2024-02-13'], dueUnits: 1 });
    expect(deps.lifecycleQueue.messages).toEqual([{ unitId: 'u13', date: '2024-02-13' }]);
  });

  it('a rerun of a completed date re-enqueues only that date, and never sets the run log back', async () => {
    const deps = inMemoryDeps('2024-02-13');
    await deps.runLog.markCompleted(d('2024-02-10'));
    for (const [day, id] of [
      ['2024-02-11', 'u11'],
      ['2024-02-12', 'u12'],
      ['2024-02-13', 'u13'],
    ] as const)
      deps.agenda.wake(d(day), id);
    await runDailyRun(deps, d('2024-02-13'));
    deps.lifecycleQueue.batches.length = 0;

    expect(await runDailyRun(deps, d('2024-02-13'))).toEqual({ dates: ['2024-02-13'], dueUnits: 1 });
    expect(deps.lifecycleQueue.batches).toEqual([[{ unitId: 'u13', date: '2024-02-13' }]]);

    expect(await runDailyRun(deps, d('2024-02-11'))).toEqual({ dates: ['2024-02-11'], dueUnits: 1 });
    expect(deps.lifecycleQueue.batches[1]).toEqual([{ unitId: 'u11', date: '2024-02-11' }]);
    expect(await deps.runLog.lastCompleted()).toBe('2024-02-13');
  });

  it('refuses a date after today (X4) and does nothing', async () => {
    const deps = inMemoryDeps('2024-02-13');
    await deps.runLog.markCompleted(d('2024-02-10'));
    deps.agenda.wake(d('2024-02-11'), 'u11');
    deps.agenda.wake(d('2024-02-14'), 'u14');
    const err = await runDailyRun(deps, d('2024-02-14')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { date: '2024-02-14' } });
    expect(deps.lifecycleQueue.batches).toEqual([]);
    expect(await deps.runLog.lastCompleted()).toBe('2024-02-10');
  });

  it('end to end in memory: accepted units are woken on their start dates and started on them, even when caught up late', async () => {
    const deps = await acceptedUnits('2024-02-05', { acme: '2024-02-11', beta: '2024-02-12', gamma: '2024-02-13' });
    await deps.runLog.markCompleted(d('2024-02-10'));
    const late = { ...deps, clock: fixedClock('2024-02-13', 6) };

    await runDailyRun(late, d('2024-02-13'));
    expect(deps.lifecycleQueue.batches).toEqual([
      [{ unitId: 'acme', date: '2024-02-11' }],
      [{ unitId: 'beta', date: '2024-02-12' }],
      [{ unitId: 'gamma', date: '2024-02-13' }],
    ]);
    for (const msg of deps.lifecycleQueue.messages) await advanceUnitTo(late, msg);

    for (const [id, start] of [
      ['acme', '2024-02-11'],
      ['beta', '2024-02-12'],
      ['gamma', '2024-02-13'],
    ] as const) {
      const unit = await deps.units.get(id);
      expect(unit?.status).toBe('active');
      expect(unit?.history.at(-1)).toEqual({ date: start, status: 'active', at: jstInstant(date(start), 0, 5) });
      expect(await deps.outbox.get(desktopJobId({ unitId: id, lineId: id, action: 'create', date: d(start) }))).toMatchObject({
        state: 'pending',
      });
    }
    expect(deps.publisher.items.filter((i) => i.kind === 'desktop').map((i) => i.id)).toEqual([
      desktopJobId({ unitId: 'acme', lineId: 'acme', action: 'create', date: d('2024-02-11') }),
      desktopJobId({ unitId: 'beta', lineId: 'beta', action: 'create', date: d('2024-02-12') }),
      desktopJobId({ unitId: 'gamma', lineId: 'gamma', action: 'create', date: d('2024-02-13') }),
    ]);
  });
});

describe('advanceUnitTo', () => {
  it('starts the unit on its start date: one save, one desktop job', async () => {
    const deps = await acceptedUnits('2024-02-05', { acme: '2024-02-13' });
    const onStart = { ...deps, clock: fixedClock('2024-02-13') };
    const saves = deps.units.saved.length;
    await advanceUnitTo(onStart, { unitId: 'acme', date: d('2024-02-13') });
    const unit = await deps.units.get('acme');
    expect(unit).toMatchObject({ status: 'active', processedThrough: '2024-02-13' });
    expect(unit?.lines[0]).toMatchObject({ started: true, termEnd: '2025-02-28' });
    expect(deps.units.saved.length - saves).toBe(1);
    expect(deps.outbox.all().filter((e) => e.item.kind === 'desktop')).toHaveLength(1);
  });

  it('is idempotent: the same message twice makes one desktop job and one save', async () => {
    const deps = await acceptedUnits('2024-02-05', { acme: '2024-02-13' });
    const onStart = { ...deps, clock: fixedClock('2024-02-13') };
    const saves = deps.units.saved.length;
    await advanceUnitTo(onStart, { unitId: 'acme', date: d('2024-02-13') });
    const first = await deps.units.get('acme');
    await advanceUnitTo(onStart, { unitId: 'acme', date: d('2024-02-13') });
    expect(await deps.units.get('acme')).toEqual(first);
    expect(deps.units.saved.length - saves).toBe(1);
    expect(deps.outbox.all().filter((e) => e.item.kind === 'desktop')).toHaveLength(1);
    expect(deps.publisher.items.filter((i) => i.kind === 'desktop')).toHaveLength(1);
  });

  it('a stale wake-up (nothing due) of an application still waiting saves nothing', async () => {
    const deps = inMemoryDeps('2024-02-05');
    await submitApplication(deps, OP, application('acme'));
    await advanceUnitTo(deps, { unitId: 'acme', date: d('2024-02-05') });
    expect(deps.units.saved).toEqual([]);
    expect(deps.publisher.batches).toEqual([]);
  });
});
