/** Applications through the use cases (Art 5–7, 6-1 FIFO, 6-2(2) delinquency, DETAILS P10), on the in-memory store. */
import { describe, expect, it } from 'vitest';
import { withDeadline } from '#use-cases/contention.ts';
import { newApplication } from '#domain/applications.ts';
import { date } from '#domain/calendar.ts';
import { buildConfig } from '#domain/config.ts';
import { buildInvoice } from '#domain/invoices.ts';
import type { Yen } from '#domain/money.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { desktopJobId, noticeId } from '#domain/effects.ts';
import { DomainError } from '#domain/errors.ts';
import {
  acceptApplication,
  deferApplication,
  getUnit,
  listApplications,
  rejectApplication,
  submitApplication,
  type SubmitApplicationInput,
} from '#use-cases/applications.ts';
import { ConcurrentModificationError } from '#use-cases/ports.ts';
import { inMemoryDeps, type InMemoryDeps } from '../fakes/in-memory-store.ts';
import type { Principal } from '#use-cases/authz.ts';

const OP: Principal = { id: 'test-operator', role: 'operator' };

const TODAY = '2024-02-01';
const ACME = '8700110005901';

/** A unit of the same contractor, already ended, with an unpaid fees invoice due on `due` (written straight to the store). */
async function withOverdueSibling(deps: InMemoryDeps, corporateNumber: string, due: string) {
  const old = await deps.units.create({
    ...newApplication('old', application('old', corporateNumber), date('2023-01-10')),
    status: 'cancelled',
    application: { status: 'accepted' },
  });
  const inv = { ...buildInvoice(old, 'fees', date('2023-12-01'), [], buildConfig()), dueDate: date(due), total: 1000 as Yen };
  await deps.units.save({ ...old, invoices: [inv] }, { outbox: [], wakeUps: [] });
}
const BETA = withCheckDigit('123456789012');

const application = (
  ref: string | undefined,
  corporateNumber = ACME,
  over: Partial<SubmitApplicationInput> = {},
): SubmitApplicationInput => ({
  ...(ref === undefined ? {} : { ref }),
  plan: 'kokona',
  accounts: 10,
  contractor: {
    kind: 'corporation',
    name: `株式会社${ref ?? 'なし'}`,
    corporateNumber,
    accountManager: { name: '山田 太郎', email: `${ref ?? 'x'}@example.jp` },
    agent: null,
  },
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(e)}`);
  return e;
}

const noticeTypes = (deps: InMemoryDeps) =>
  deps.publisher.items.map((i) => (i.kind === 'notice' ? `${i.unitId}:${i.type}` : `${i.unitId}:desktop`));

describe('submitApplication', () => {
  it('records the application as received with the next receipt number, no notice (P13)', async () => {
    const deps = inMemoryDeps(TODAY);
    const a = await submitApplication(deps, OP, application('acme'));
    const b = await submitApplication(deps, OP, application(undefined, BETA));
    expect(a).toMatchObject({ id: 'acme', status: 'pending', application: { status: 'received' }, receivedOn: TODAY, version: 1 });
    expect(b.id).toBe('u-1');
    expect(b.receivedSeq).toBe(a.receivedSeq + 1);
    expect(await getUnit(deps, OP, 'acme')).toEqual(a);
    expect(deps.publisher.batches).toEqual([]);
    expect(deps.outbox.all()).toEqual([]);
  });

  it('checks the application before recording anything, and refuses a taken ref', async () => {
    const deps = inMemoryDeps(TODAY);
    expect((await failure(submitApplication(deps, OP, application('few', ACME, { accounts: 4 })))).code).toBe('BELOW_MIN_ACCOUNTS');
    expect((await failure(submitApplication(deps, OP, application('bad', '1234567890123')))).code).toBe('INVALID_CORPORATE_NUMBER');
    expect(await listApplications(deps, OP)).toEqual([]);
    await submitApplication(deps, OP, application('acme'));
    const taken = await failure(submitApplication(deps, OP, application('acme', BETA)));
    expect(taken.code).toBe('VALIDATION_FAILED');
    expect((await listApplications(deps, OP)).map((u) => u.contractor.corporateNumber)).toEqual([ACME]);
  });
});

describe('acceptApplication', () => {
  it('accepts in order of receipt (Art 6-1): the later one waits, with EARLIER_APPLICATION_PENDING, until the earlier is decided', async () => {
    const deps = inMemoryDeps(TODAY);
    await submitApplication(deps, OP, application('acme'));
    await submitApplication(deps, OP, application('beta', BETA));

    const early = await failure(acceptApplication(deps, OP, 'beta', { startDate: '2024-02-15' }));
    expect(early).toMatchObject({ code: 'EARLIER_APPLICATION_PENDING', kind: 'conflict' });
    expect((await getUnit(deps, OP, 'beta')).version).toBe(1);

    const acme = await acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' });
    expect(acme).toMatchObject({
      status: 'pending',
      application: { status: 'accepted', decidedOn: TODAY },
      startDate: '2024-02-15',
      version: 2,
    });
    expect(acme.lines).toEqual([expect.objectContaining({ id: 'acme', kind: 'basic', accounts: 10, started: false })]);
    expect(await deps.agenda.dueOn(date('2024-02-15'))).toEqual(['acme']);

    const beta = await acceptApplication(deps, OP, 'beta', { startDate: '2024-02-20' });
    expect(beta.application.status).toBe('accepted');
    expect(noticeTypes(deps)).toEqual(['acme:application_accepted', 'beta:application_accepted']);
    expect(deps.outbox.all().map((e) => [e.item.id, e.state])).toEqual([
      [noticeId({ unitId: 'acme', type: 'application_accepted', date: date(TODAY), role: 'account_manager' }), 'pending'],
      [noticeId({ unitId: 'beta', type: 'application_accepted', date: date(TODAY), role: 'account_manager' }), 'pending'],
    ]);
    expect(await listApplications(deps, OP, 'accepted')).toHaveLength(2);
    expect(await listApplications(deps, OP, 'received')).toEqual([]);
  });

  it('a start today starts the unit at once and orders its desktops, with no wake-up', async () => {
    const deps = inMemoryDeps(TODAY);
    await submitApplication(deps, OP, application('acme'));
    const acme = await acceptApplication(deps, OP, 'acme', { startDate: TODAY });
    expect(acme.status).toBe('active');
    expect(acme.lines[0]).toMatchObject({ started: true, termEnd: '2025-02-28' });
    expect(noticeTypes(deps)).toEqual(['acme:application_accepted', 'acme:desktop']);
    const job = deps.outbox.all().find((e) => e.item.kind === 'desktop')?.item;
    expect(job).toMatchObject({
      id: desktopJobId({ unitId: 'acme', lineId: 'acme', action: 'create', date: date(TODAY) }),
      accounts: acme.lines[0]?.accounts,
    });
    expect(await deps.agenda.dueOn(date(TODAY))).toEqual([]);
  });

  it('a deferral frees the queue for later applications (P8); the deferred one can still be accepted', async () => {
    const deps = inMemoryDeps(TODAY);
    await submitApplication(deps, OP, application('acme'));
    await submitApplication(deps, OP, application('beta', BETA));
    const deferred = await deferApplication(deps, OP, 'acme', { reason: '与信確認中', expectedOn: '2024-02-10' });
    expect(deferred).toMatchObject({
      status: 'deferred',
      application: { status: 'deferred', reason: '与信確認中', expectedOn: '2024-02-10' },
    });

    await acceptApplication(deps, OP, 'beta', { startDate: '2024-02-15' });
    const acme = await acceptApplication(deps, OP, 'acme', { startDate: '2024-02-20' });
    expect(acme.status).toBe('pending');
    expect(acme.history.map((h) => h.status)).toEqual(['pending', 'deferred', 'pending']);
    expect(noticeTypes(deps)).toEqual(['acme:application_deferred', 'beta:application_accepted', 'acme:application_accepted']);
  });

  it('a rejection frees the queue, and a decided application cannot be accepted', async () => {
    const deps = inMemoryDeps(TODAY);
    await submitApplication(deps, OP, application('acme'));
    await submitApplication(deps, OP, application('beta', BETA));
    await rejectApplication(deps, OP, 'acme', { reason: '対象外' });
    await acceptApplication(deps, OP, 'beta', { startDate: '2024-02-15' });
    expect((await failure(acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(acceptApplication(deps, OP, 'beta', { startDate: '2024-02-15' }))).code).toBe('VALIDATION_FAILED');
    expect(noticeTypes(deps)).toEqual(['acme:application_rejected', 'beta:application_accepted']);
  });

  it('refuses an applicant with a unit terminated for non-payment (Art 6-2(2)), and saves nothing', async () => {
    const deps = inMemoryDeps(TODAY);
    // An older contract of the same corporation, terminated.
    const old = await submitApplication(deps, OP, application('old'));
    await deps.units.save(
      { ...old, status: 'terminated', application: { status: 'accepted', decidedOn: date('2023-01-10') } },
      { outbox: [], wakeUps: [] },
    );
    await submitApplication(deps, OP, application('acme'));
    await submitApplication(deps, OP, application('beta', BETA));

    const refused = await failure(acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' }));
    expect(refused).toMatchObject({ code: 'APPLICANT_DELINQUENT', kind: 'conflict', details: { corporateNumber: ACME } });
    expect(await getUnit(deps, OP, 'acme')).toMatchObject({ version: 1, application: { status: 'received' } });
    expect(deps.publisher.batches).toEqual([]);

    // Another corporation is not affected (once the queue is free).
    await rejectApplication(deps, OP, 'acme', { reason: '延滞' });
    expect((await acceptApplication(deps, OP, 'beta', { startDate: '2024-02-15' })).application.status).toBe('accepted');
  });

  it('refuses an applicant whose other contract has an overdue invoice (Art 6-2(2), P12)', async () => {
    const deps = inMemoryDeps(TODAY);
    await withOverdueSibling(deps, ACME, '2024-01-31');
    await submitApplication(deps, OP, application('acme'));
    expect((await failure(acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' }))).code).toBe('APPLICANT_DELINQUENT');
  });

  it('an invoice due today is not overdue yet (P12: dueDate < accept date)', async () => {
    const deps = inMemoryDeps(TODAY);
    await withOverdueSibling(deps, ACME, TODAY);
    await submitApplication(deps, OP, application('acme'));
    expect((await acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' })).application.status).toBe('accepted');
  });

  describe('DETAILS P10: which error wins', () => {
    it('an unknown id is NOT_FOUND even with a malformed startDate', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('acme'));
      expect(await failure(acceptApplication(deps, OP, 'nobody', { startDate: '2024-02-30' }))).toMatchObject({
        code: 'NOT_FOUND',
        kind: 'not-found',
      });
      expect(await failure(acceptApplication(deps, OP, 'nobody', { startDate: '2024-02-15' }))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('a malformed or past startDate is VALIDATION_FAILED before the FIFO check', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('acme'));
      await submitApplication(deps, OP, application('beta', BETA));
      expect(await failure(acceptApplication(deps, OP, 'beta', { startDate: '2024-02-30' }))).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'startDate' },
      });
      expect(await failure(acceptApplication(deps, OP, 'beta', { startDate: '2024-01-31' }))).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'startDate', today: TODAY },
      });
      expect((await failure(acceptApplication(deps, OP, 'beta', { startDate: TODAY }))).code).toBe('EARLIER_APPLICATION_PENDING');
    });

    it('the FIFO check comes before delinquency', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('beta', BETA));
      await submitApplication(deps, OP, application('acme'));
      await withOverdueSibling(deps, ACME, '2024-01-31');
      expect((await failure(acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' }))).code).toBe('EARLIER_APPLICATION_PENDING');
    });
  });

  describe('a concurrent modification', () => {
    it('is retried on the current state and sends ONE notice', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('acme'));
      deps.units.failNextSaves(1);
      const acme = await acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' });
      expect(acme).toMatchObject({ version: 2, application: { status: 'accepted' } });
      expect(deps.units.saved).toHaveLength(1);
      expect(deps.publisher.batches).toHaveLength(1);
      expect(noticeTypes(deps)).toEqual(['acme:application_accepted']);
      expect(deps.outbox.all()).toHaveLength(1);
    });

    it('recomputes against what the other writer saved: an acceptance losing to a rejection fails and sends nothing', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('acme'));
      deps.units.beforeNextSave(async () => {
        await rejectApplication(deps, OP, 'acme', { reason: '対象外' });
      });
      const err = await failure(acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' }));
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { status: 'rejected' } });
      expect(await getUnit(deps, OP, 'acme')).toMatchObject({ version: 2, application: { status: 'rejected' } });
      expect(noticeTypes(deps)).toEqual(['acme:application_rejected']);
    });

    it('gives up after a bounded number of lost races with CONCURRENT_MODIFICATION, having sent nothing', async () => {
      const deps = inMemoryDeps(TODAY);
      await submitApplication(deps, OP, application('acme'));
      let attempts = 0;
      for (let i = 0; i < 50; i++)
        deps.units.beforeNextSave((u) => {
          attempts++;
          throw new ConcurrentModificationError(u.id);
        });
      // Jittered back-off, then 409 CONCURRENT_MODIFICATION (contention.ts); a 1.5 s deadline keeps this test short.
      const t0 = Date.now();
      await expect(
        withDeadline(Date.now() + 1500, () => acceptApplication(deps, OP, 'acme', { startDate: '2024-02-15' })),
      ).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION' });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(attempts).toBeGreaterThan(1);
      expect(attempts).toBeLessThan(50);
      expect(deps.publisher.batches).toEqual([]);
      expect(await getUnit(deps, OP, 'acme')).toMatchObject({ version: 1 });
    });
  });
});
