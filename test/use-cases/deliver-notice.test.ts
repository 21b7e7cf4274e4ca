/** The mailer's use case: one mail per notice, whatever the queue delivers twice or retries. */
import { DeliveryInProgressError } from '#use-cases/ports.ts';
import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import { desktopJobId, noticeId } from '#domain/effects.ts';
import { acceptApplication, submitApplication } from '#use-cases/applications.ts';
import { DELIVERY_LEASE_MS, deliverNotice } from '#use-cases/deliver-notice.ts';
import { inMemoryDeps } from '../fakes/in-memory-store.ts';
import type { Principal } from '#use-cases/authz.ts';

const OP: Principal = { id: 'test-operator', role: 'operator' };

const TODAY = '2024-02-01';
const ACCEPTED = noticeId({ unitId: 'acme', type: 'application_accepted', date: date(TODAY), role: 'account_manager' });

/** An accepted application: its サービス提供開始通知書 waits in the outbox (and a desktop job, started today). */
async function withAcceptedNotice() {
  const deps = inMemoryDeps(TODAY);
  await submitApplication(deps, OP, {
    ref: 'acme',
    plan: 'kokona',
    accounts: 5,
    contractor: {
      kind: 'corporation',
      name: '株式会社アクメ',
      corporateNumber: '8700110005901',
      accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
      agent: null,
    },
  });
  await acceptApplication(deps, OP, 'acme', { startDate: TODAY });
  return deps;
}

describe('deliverNotice', () => {
  it('sends the notice once to the account manager, with its X6 headers, and marks it done with the message id', async () => {
    const deps = await withAcceptedNotice();
    expect(await deliverNotice(deps, ACCEPTED)).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(1);
    const mail = deps.mailer.sent[0]!;
    expect(mail).toMatchObject({ from: deps.config.mail.from, to: 'yamada@acme.example' });
    expect(mail.headers).toMatchObject({
      'X-Kokona-Notice': 'application_accepted',
      'X-Kokona-Unit': 'acme',
      'X-Kokona-Notice-Id': ACCEPTED,
    });
    expect(mail.subject).toContain('acme');
    expect(mail.text).toContain('サービス提供開始通知書');
    expect(await deps.outbox.get(ACCEPTED)).toMatchObject({ state: 'done', attempts: 0, result: { messageId: 'msg-1' } });
    expect((await deps.outbox.listPending(10)).map((i) => i.id)).not.toContain(ACCEPTED);
  });

  it('a second delivery of a done item sends nothing', async () => {
    const deps = await withAcceptedNotice();
    await deliverNotice(deps, ACCEPTED);
    expect(await deliverNotice(deps, ACCEPTED)).toBe('already-sent');
    expect(deps.mailer.sent).toHaveLength(1);
    expect(await deps.outbox.get(ACCEPTED)).toMatchObject({ result: { messageId: 'msg-1' } });
  });

  it('two deliveries at the same time send one mail', async () => {
    const deps = await withAcceptedNotice();
    const results = await Promise.allSettled([deliverNotice(deps, ACCEPTED), deliverNotice(deps, ACCEPTED)]);
    // One sends; the other finds the lease held and fails with a retryable error (the queue redelivers it).
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort()).toEqual([
      'DeliveryInProgressError',
      'sent',
    ]);
    expect(await deliverNotice(deps, ACCEPTED)).toBe('already-sent'); // the redelivery
    expect(deps.mailer.sent).toHaveLength(1);
  });

  it('a mail failure records the attempt, releases the lease and rethrows; the retry sends', async () => {
    const deps = await withAcceptedNotice();
    deps.mailer.failNext(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }));
    await expect(deliverNotice(deps, ACCEPTED)).rejects.toThrow('Maximum sending rate exceeded.');
    expect(deps.mailer.sent).toEqual([]);
    expect(await deps.outbox.get(ACCEPTED)).toMatchObject({ state: 'pending', attempts: 1 });
    expect(deps.outbox.lastError(ACCEPTED)).toBe('Maximum sending rate exceeded.');
    expect((await deps.outbox.listPending(10)).map((i) => i.id)).toContain(ACCEPTED);

    // At once, not after the lease: the failed attempt gave it back.
    expect(await deliverNotice(deps, ACCEPTED)).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(1);
    expect(await deps.outbox.get(ACCEPTED)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a delivery that died holding the lease is retried once the lease lapses', async () => {
    const deps = await withAcceptedNotice();
    expect(await deps.outbox.claim(ACCEPTED, DELIVERY_LEASE_MS)).toBe(true); // a worker that crashed after claiming
    await expect(deliverNotice(deps, ACCEPTED)).rejects.toThrow(DeliveryInProgressError);
    expect(deps.mailer.sent).toEqual([]);
    deps.outbox.elapse(DELIVERY_LEASE_MS + 1);
    expect(await deliverNotice(deps, ACCEPTED)).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(1);
  });

  it('ignores unknown ids and desktop jobs', async () => {
    const deps = await withAcceptedNotice();
    expect(await deliverNotice(deps, 'N#nope')).toBe('unknown');
    const job = desktopJobId({ unitId: 'acme', lineId: 'acme', action: 'create', date: date(TODAY) });
    expect(await deps.outbox.get(job)).not.toBeNull();
    expect(await deliverNotice(deps, job)).toBe('unknown');
    expect(deps.mailer.sent).toEqual([]);
    expect(await deps.outbox.get(job)).toMatchObject({ state: 'pending', attempts: 0 });
  });
});
