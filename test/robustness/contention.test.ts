/**
 * The contention suite (issue 10): bursts of 30 parallel writes over real HTTP to one unit and one
 * invoice, duplicate-key bursts, parallel accepts, parallel outage ends. Every answer is 2xx or a
 * documented 4xx (409 CONCURRENT_MODIFICATION with Retry-After only when a write truly cannot win),
 * and the final state equals some serial order of the successful requests: no lost update, no double
 * payment. The attempts each write took are measured (contention.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { contentionStats } from '#use-cases/contention.ts';
import { acmeApplication, apiCall, dailyRun, testStack, TOKEN, type TestStack } from '../support.ts';
import { rawRequest } from './support.ts';

const N = 30;
let stack: TestStack;
const figures: Record<string, unknown> = {};

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const r = await rawRequest(
    stack.urls.api!,
    {
      method,
      path,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    },
    90_000,
  );
  expect(r.hung ?? false, `${method} ${path} did not answer`).toBe(false);
  return { status: r.status, retryAfter: r.headers['retry-after'], body: JSON.parse(r.body || '{}') as Record<string, any> };
};

/** N requests at once; returns the answers, checks each is 2xx or one of `allowed` (409 ones carry Retry-After). */
async function burst(name: string, make: (i: number) => Promise<Awaited<ReturnType<typeof call>>>, allowed: readonly string[]) {
  contentionStats.reset();
  const t0 = Date.now();
  const answers = await Promise.all(Array.from({ length: N }, (_, i) => make(i)));
  for (const a of answers) {
    expect(a.status).toBeGreaterThanOrEqual(200);
    if (a.status < 300) continue;
    expect(allowed, `${name}: ${a.status} ${JSON.stringify(a.body)}`).toContain(`${a.status} ${a.body.code}`);
    if (a.body.code === 'CONCURRENT_MODIFICATION') expect(a.retryAfter).toBe('1');
  }
  figures[name] = {
    ok: answers.filter((a) => a.status < 300).length,
    refused: answers.filter((a) => a.status >= 400).length,
    attemptsPerWrite: contentionStats.writes ? +(contentionStats.attempts / contentionStats.writes).toFixed(2) : 0,
    maxAttempts: contentionStats.maxAttempts,
    gaveUp: contentionStats.gaveUp,
    ms: Date.now() - t0,
  };
  return answers;
}

const applicant = (ref: string, n: number) =>
  acmeApplication({
    ref,
    accounts: 5,
    contractor: { ...acmeApplication().contractor, name: `株式会社${ref}`, corporateNumber: withCheckDigit(String(860_000_000_000 + n)) },
  });

beforeAll(async () => {
  stack = await testStack('2024-02-01', { ports: { api: 0 } });
  expect((await apiCall(stack, 'POST', '/applications', applicant('hot', 1))).status).toBe(201);
  expect((await apiCall(stack, 'POST', '/applications/hot/accept', { startDate: '2024-02-15' })).status).toBe(200);
  await dailyRun(stack, '2024-02-15');
  await dailyRun(stack, '2024-03-01');
}, 120_000);
afterAll(async () => {
  console.log(`contention (${N}-way): ${JSON.stringify(figures)}`);
  await stack?.stop();
});

// Generous per-test bounds: on a loaded 2-core machine one burst can take tens of seconds.
describe(`${N} parallel writes`, { timeout: 120_000 }, () => {
  it('to one unit (contact changes): every change lands once, in one chain (no lost update)', async () => {
    const before = (await apiCall(stack, 'GET', '/units/hot')).body.contractor.accountManager.name as string;
    const answers = await burst('contact', (i) => call('PATCH', '/units/hot/contact', { name: `担当 ${i}`, email: `c${i}@example.jp` }), [
      '409 CONCURRENT_MODIFICATION',
    ]);
    const won = answers.map((a, i) => (a.status === 200 ? `担当 ${i}` : null)).filter((x): x is string => x !== null);
    expect(won.length).toBeGreaterThan(0);
    // The notices to the new account manager: one per change, each naming the one before it.
    await stack.drain();
    const changes = (await stack.mail.list())
      .map((m) => m.headers)
      .filter((h) => h['x-kokona-notice'] === 'contact_changed' && h['x-kokona-role'] === 'account_manager')
      .map((h) => h['x-kokona-unit'])
      .filter((u) => u === 'hot');
    expect(changes.length).toBe(won.length);
    const last = (await stack.store.units.get('hot'))!.contractor.accountManager.name;
    expect(won).toContain(last);
    expect(before).not.toBe(last);
  });

  it('to one unit (new lines): every successful line is there, none lost', async () => {
    const answers = await burst(
      'lines',
      (i) => call('POST', '/units/hot/lines', { ref: `hot-l${i}`, accounts: 1, startDate: '2024-03-15' }),
      ['409 CONCURRENT_MODIFICATION'],
    );
    const won = answers.map((a, i) => (a.status === 201 ? `hot-l${i}` : null)).filter((x): x is string => x !== null);
    const unit = (await apiCall(stack, 'GET', '/units/hot')).body;
    expect(
      (unit.lines as { id: string }[])
        .map((l) => l.id)
        .filter((id) => id.startsWith('hot-l'))
        .sort(),
    ).toEqual(won.sort());
  });

  it('to one invoice (1-yen payments, a key each): the balance falls by exactly the payments that succeeded', async () => {
    const url = '/invoices/hot.2024-03-01.fees';
    const before = (await apiCall(stack, 'GET', url)).body;
    const answers = await burst('payments', (i) => call('POST', `${url}/payments`, { amount: 1 }, { 'idempotency-key': `one-yen-${i}` }), [
      '409 CONCURRENT_MODIFICATION',
    ]);
    const ok = answers.filter((a) => a.status === 201).length;
    const after = (await apiCall(stack, 'GET', url)).body;
    expect(after.balance).toBe(before.balance - ok);
    expect(after.payments.length).toBe(before.payments.length + ok);
  });

  it('one Idempotency-Key sent 30 times at once: one payment, the same answer to all', async () => {
    const url = '/invoices/hot.2024-03-01.fees';
    const before = (await apiCall(stack, 'GET', url)).body;
    const answers = await burst('duplicate key', () => call('POST', `${url}/payments`, { amount: 7 }, { 'idempotency-key': 'same-key' }), [
      '409 CONCURRENT_MODIFICATION',
    ]);
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const a of ok) expect(a.body).toEqual(ok[0]!.body);
    const after = (await apiCall(stack, 'GET', url)).body;
    expect(after.balance).toBe(before.balance - 7);
    expect(after.payments.length).toBe(before.payments.length + 1);
  });

  it('accepts of one application: exactly one succeeds, the rest are told it is no longer pending', async () => {
    expect((await apiCall(stack, 'POST', '/applications', applicant('acc', 2))).status).toBe(201);
    const answers = await burst('accepts', () => call('POST', '/applications/acc/accept', { startDate: '2024-03-15' }), [
      '422 VALIDATION_FAILED',
      '409 CONCURRENT_MODIFICATION',
    ]);
    expect(answers.filter((a) => a.status === 200).length).toBe(1);
    expect((await apiCall(stack, 'GET', '/units/acc')).body.application.status).toBe('accepted');
  });

  it('ends of one outage: exactly one succeeds, one compensation per unit', async () => {
    stack.setToday('2024-03-05', 10);
    expect(
      (
        await apiCall(stack, 'POST', '/outages', {
          ref: 'big',
          knownAt: '2024-03-03T00:00:00+09:00',
          scope: 'all',
          cause: 'operator_fault',
        })
      ).status,
    ).toBe(201);
    const answers = await burst('outage ends', (i) => call('PATCH', '/outages/big', { endedAt: `2024-03-05T0${i % 9}:00:00+09:00` }), [
      '422 VALIDATION_FAILED',
      '409 CONCURRENT_MODIFICATION',
    ]);
    expect(answers.filter((a) => a.status === 200).length).toBe(1);
    const o = (await apiCall(stack, 'GET', '/outages/big')).body;
    expect(o.open).toBe(false);
    const perUnit = new Map<string, number>();
    for (const c of o.compensations as { unit: string; status: string }[])
      if (c.status !== 'void') perUnit.set(c.unit, (perUnit.get(c.unit) ?? 0) + 1);
    for (const n of perUnit.values()) expect(n).toBe(1);
  });
});
