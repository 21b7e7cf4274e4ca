/** The provisioner's create job (Art 45, DETAILS K1): one desktop per user, ≤ 25 per call, never two. */
import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import { desktopJobId } from '#domain/effects.ts';
import { acceptApplication, submitApplication } from '#use-cases/applications.ts';
import type { CreateDesktopsResult } from '#use-cases/ports.ts';
import { provisionDesktops, WORKSPACES_BATCH } from '#use-cases/provision-desktops.ts';
import { InMemoryDesktopGateway } from '../fakes/in-memory-desktop-gateway.ts';
import { InMemoryOutboxRepository, inMemoryDeps } from '../fakes/in-memory-store.ts';
import type { Principal } from '#use-cases/authz.ts';

const OP: Principal = { id: 'test-operator', role: 'operator' };

const TODAY = '2024-02-01';
const JOB = desktopJobId({ unitId: 'acme', lineId: 'acme', action: 'create', date: date(TODAY) });
const USERS = Array.from({ length: 60 }, (_, i) => `acme-${String(i + 1).padStart(3, '0')}`);

/** Fails the given users' requests (FailedRequests, not an exception) the first `times` times they are asked for. */
class FlakyDesktopGateway extends InMemoryDesktopGateway {
  /** Every create request as asked (before the failures are taken out). */
  readonly requests: string[][] = [];
  private readonly remaining: Map<string, number>;

  constructor(failing: readonly string[], times = 1) {
    super();
    this.remaining = new Map(failing.map((u) => [u, times]));
  }

  override async create(userNames: readonly string[]): Promise<CreateDesktopsResult> {
    this.requests.push([...userNames]);
    if (userNames.length > WORKSPACES_BATCH) return super.create(userNames); // the fake's own limit check
    const failing = userNames.filter((u) => (this.remaining.get(u) ?? 0) > 0);
    for (const u of failing) this.remaining.set(u, (this.remaining.get(u) ?? 0) - 1);
    const r = await super.create(userNames.filter((u) => !failing.includes(u)));
    return {
      created: r.created,
      failed: [...r.failed, ...failing.map((userName) => ({ userName, code: 'ResourceLimitExceeded', message: 'too many WorkSpaces being created' }))],
    };
  }
}

/** A 60-account kokona unit starting today: its desktop job waits in the outbox. */
async function sixtyUsers(opts: { desktops?: InMemoryDesktopGateway; outbox?: InMemoryOutboxRepository } = {}) {
  const base = inMemoryDeps(TODAY, { outbox: opts.outbox });
  const deps = { ...base, desktops: opts.desktops ?? base.desktops };
  await submitApplication(deps, OP, {
    ref: 'acme',
    plan: 'kokona',
    accounts: 60,
    contractor: {
      kind: 'corporation',
      name: '株式会社アクメ',
      corporateNumber: '8700110005901',
      accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
      agent: null,
    },
  });
  await acceptApplication(deps, OP, 'acme', { startDate: TODAY });
  expect((await deps.outbox.get(JOB))?.item).toMatchObject({ kind: 'desktop', action: 'create', userNames: USERS });
  return deps;
}

const creates = (gw: InMemoryDesktopGateway) => gw.calls.filter((c) => c.op === 'create').map((c) => (c.op === 'create' ? c.userNames : []));
const live = (gw: InMemoryDesktopGateway) => gw.list().filter((d) => d.state !== 'TERMINATED');

/** Every user has exactly one live desktop, and the unit records exactly those ids. */
async function expectOneDesktopEach(deps: Awaited<ReturnType<typeof sixtyUsers>>) {
  const desktops = live(deps.desktops);
  expect(desktops.map((d) => d.userName).sort()).toEqual(USERS);
  const unit = await deps.units.get('acme');
  expect(unit?.desktops).toEqual(Object.fromEntries(desktops.map((d) => [d.userName, d.workspaceId])));
}

describe('provisionDesktops (create)', () => {
  it('creates one desktop per user for 60 users in batches of at most 25, records the ids on the unit and completes the job', async () => {
    const deps = await sixtyUsers();
    expect(await provisionDesktops(deps, JOB)).toBe('done');
    expect(creates(deps.desktops).map((b) => b.length)).toEqual([25, 25, 10]);
    expect(creates(deps.desktops).flat()).toEqual(USERS);
    await expectOneDesktopEach(deps);
    const unit = await deps.units.get('acme');
    expect(await deps.outbox.get(JOB)).toMatchObject({ state: 'done', result: { workspaceIds: USERS.map((u) => unit?.desktops[u]) } });
  });

  it('a second delivery of a done job touches nothing', async () => {
    const deps = await sixtyUsers();
    await provisionDesktops(deps, JOB);
    const calls = deps.desktops.calls.length;
    const saves = deps.units.saved.length;
    expect(await provisionDesktops(deps, JOB)).toBe('already-done');
    expect(deps.desktops.calls.length).toBe(calls);
    expect(deps.units.saved.length).toBe(saves);
  });

  it('two deliveries at the same time create one desktop per user', async () => {
    const deps = await sixtyUsers();
    const results = await Promise.allSettled([provisionDesktops(deps, JOB), provisionDesktops(deps, JOB)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort()).toEqual(['DeliveryInProgressError', 'done']);
    await expectOneDesktopEach(deps);
  });

  it('a retry after a crash between creating the desktops and recording them creates no second desktop', async () => {
    const deps = await sixtyUsers();
    deps.units.failNextSaves(1, new Error('connect ETIMEDOUT dynamodb'));
    await expect(provisionDesktops(deps, JOB)).rejects.toThrow('ETIMEDOUT');
    expect(live(deps.desktops)).toHaveLength(60);
    expect((await deps.units.get('acme'))?.desktops).toEqual({});
    expect(await deps.outbox.get(JOB)).toMatchObject({ state: 'pending', attempts: 1 });

    const createCalls = creates(deps.desktops).length;
    expect(await provisionDesktops(deps, JOB)).toBe('done');
    expect(creates(deps.desktops)).toHaveLength(createCalls);
    await expectOneDesktopEach(deps);
    expect(await deps.outbox.get(JOB)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a retry after a crash between recording and completing creates nothing and saves nothing again', async () => {
    class CrashingComplete extends InMemoryOutboxRepository {
      crashes = 1;
      override async complete(id: string, result: Record<string, unknown>): Promise<boolean> {
        if (this.crashes-- > 0) throw new Error('connect ETIMEDOUT dynamodb');
        return super.complete(id, result);
      }
    }
    const outbox = new CrashingComplete();
    const deps = await sixtyUsers({ outbox });
    await expect(provisionDesktops(deps, JOB)).rejects.toThrow('ETIMEDOUT');
    await expectOneDesktopEach(deps);
    const createCalls = creates(deps.desktops).length;
    const saves = deps.units.saved.length;

    // The crashed delivery may still hold its lease; once it has lapsed the retry goes through.
    outbox.elapse(5 * 60_000 + 1);
    expect(await provisionDesktops(deps, JOB)).toBe('done');
    expect(creates(deps.desktops)).toHaveLength(createCalls);
    expect(deps.units.saved.length).toBe(saves);
    await expectOneDesktopEach(deps);
  });

  it('retries the FailedRequests of some users in the next round, for those users only', async () => {
    const failing = ['acme-003', 'acme-030', 'acme-060'];
    const deps = await sixtyUsers({ desktops: new FlakyDesktopGateway(failing) });
    const gw = deps.desktops as FlakyDesktopGateway;
    expect(await provisionDesktops(deps, JOB)).toBe('done');
    expect(gw.requests.map((b) => b.length)).toEqual([25, 25, 10, 3]);
    expect(gw.requests[3]).toEqual(failing);
    await expectOneDesktopEach(deps);
  });

  it('gives up after its rounds with the attempt recorded and the lease released; a later retry finishes without duplicates', async () => {
    const deps = await sixtyUsers({ desktops: new FlakyDesktopGateway(['acme-042'], 4) });
    const gw = deps.desktops as FlakyDesktopGateway;
    await expect(provisionDesktops(deps, JOB)).rejects.toThrow(/1 user/);
    expect(gw.requests.filter((b) => b.includes('acme-042'))).toHaveLength(4);
    expect(live(gw)).toHaveLength(59);
    expect(await deps.outbox.get(JOB)).toMatchObject({ state: 'pending', attempts: 1 });

    expect(await provisionDesktops(deps, JOB)).toBe('done');
    expect(gw.requests.at(-1)).toEqual(['acme-042']);
    await expectOneDesktopEach(deps);
  });
});
