/**
 * Billing and dunning end to end on the embedded stack (RULES §5–8; DETAILS L, D, I2, K3, Q4, X3):
 * HTTP events into the api handler, the daily run through the lifecycle worker, mails read back from
 * the SES sink by their X-Kokona-* headers, desktops from the WorkSpaces emulator.
 *
 *   payer  kokona 5, start 2024-02-15, invoice 2024-03-01 (396,000, due 04-30) unpaid: overdue 05-01,
 *          warning 05-20, suspended 05-30 (desktops ADMIN_MAINTENANCE), paid 06-10 with an
 *          Idempotency-Key → resumed (desktops AVAILABLE), late_interest invoice of 6,292 on 06-10.
 *   never  kokona 5, the same dates, never pays: termination notice 06-19, data-retrieval reminder
 *          06-22 (Q4), terminated 06-29, desktops deleted 06-30 (K3).
 * Also: the provisioner under WorkSpaces throttling creates exactly one desktop per user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { acmeApplication, apiCall, dailyRun, testStack } from '../support.ts';

type Stack = Awaited<ReturnType<typeof testStack>>;
type Body = Record<string, any>;

function applicant(ref: string, n: number, accounts = 5) {
  const base = acmeApplication().contractor;
  return acmeApplication({
    ref,
    accounts,
    contractor: {
      ...base,
      name: `株式会社${ref}`,
      corporateNumber: withCheckDigit(String(870_000_000_000 + n)),
      accountManager: { name: `担当 ${ref}`, email: `${ref}@example.jp` },
    },
  });
}

/** `date unit type role [invoice]` of every mail that left through SES. */
async function mails(stack: Stack, unit?: string): Promise<string[]> {
  return (await stack.mail.list())
    .map((m) => m.headers)
    .filter((h) => unit === undefined || h['x-kokona-unit'] === unit)
    .map((h) =>
      [h['x-kokona-date'], h['x-kokona-unit'], h['x-kokona-notice'], h['x-kokona-role'], h['x-kokona-invoice']].filter(Boolean).join(' '),
    )
    .sort();
}

/** The states of a unit's desktops (its directory users are its accounts: W2 names carry no ref). */
const states = async (stack: Stack, unit: string) => {
  const accounts = (await apiCall(stack, 'GET', `/units/${unit}/accounts?limit=200`)).body.items as { userName: string }[];
  const names = new Set(accounts.map((a) => a.userName));
  return stack.emulator
    .list()
    .filter((w) => names.has(w.UserName))
    .map((w) => w.State)
    .sort();
};

const ids = (r: { body: Body }) => (r.body.items as { id: string }[]).map((i) => i.id).sort();

describe('dunning through suspension, payment and resumption, and termination (RULES §7, §8)', () => {
  let stack: Stack;
  const INTEREST = Math.floor((396_000 * 40 * 145) / 365_000); // 05-01 … 06-09: 6,292

  beforeAll(async () => {
    stack = await testStack('2024-02-01');
    for (const [ref, n] of [
      ['payer', 1],
      ['never', 2],
    ] as const) {
      expect((await apiCall(stack, 'POST', '/applications', applicant(ref, n))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: '2024-02-15' })).status).toBe(200);
    }
    await dailyRun(stack, '2024-02-15');
    await dailyRun(stack, '2024-03-01');
  });
  afterAll(async () => stack?.stop());

  it('starts both units with one desktop per account and issues one invoice each on 2024-03-01', async () => {
    expect(await states(stack, 'payer')).toEqual(Array(5).fill('AVAILABLE'));
    expect(await states(stack, 'never')).toEqual(Array(5).fill('AVAILABLE'));
    const inv = await apiCall(stack, 'GET', '/invoices/payer.2024-03-01.fees');
    expect(inv.status).toBe(200);
    expect(inv.body).toMatchObject({
      kind: 'fees',
      dueDate: '2024-04-30',
      taxableSubtotal: 360_000,
      tax: 36_000,
      total: 396_000,
      balance: 396_000,
      status: 'open',
      payer: 'contractor',
    });
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=open'))).toEqual(['never.2024-03-01.fees', 'payer.2024-03-01.fees']);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual([]);
    expect((await apiCall(stack, 'GET', '/units/payer/balance')).body).toMatchObject({ unit: 'payer', outstanding: 396_000, overdue: 0 });
    expect(await mails(stack, 'payer')).toEqual([
      '2024-02-01 payer application_accepted account_manager',
      '2024-03-01 payer invoice_issued account_manager 2024-03-01/fees',
    ]);
  });

  it('d+1: payment_overdue once; the invoices are listed as overdue and the balance shows it', async () => {
    await dailyRun(stack, '2024-04-30');
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual([]); // due today: not yet overdue
    await dailyRun(stack, '2024-05-01');
    await dailyRun(stack, '2024-05-02');
    for (const u of ['payer', 'never'])
      expect((await mails(stack, u)).filter((m) => m.includes('payment_overdue'))).toEqual([
        `2024-05-01 ${u} payment_overdue account_manager 2024-03-01/fees`,
      ]);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual(['never.2024-03-01.fees', 'payer.2024-03-01.fees']);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=open'))).toEqual([]);
    expect((await apiCall(stack, 'GET', '/invoices?unit=payer&status=overdue')).body.items).toEqual([
      expect.objectContaining({ id: 'payer.2024-03-01.fees', balance: 396_000 }),
    ]);
    expect((await apiCall(stack, 'GET', '/units/payer/balance')).body).toMatchObject({
      outstanding: 396_000,
      overdue: 396_000,
      invoices: [expect.objectContaining({ id: 'payer.2024-03-01.fees', status: 'overdue', balance: 396_000 })],
    });
  });

  it('d+20: suspension_warning; d+30: suspended, desktops in ADMIN_MAINTENANCE', async () => {
    await dailyRun(stack, '2024-05-20');
    await dailyRun(stack, '2024-05-29');
    expect((await apiCall(stack, 'GET', '/units/payer')).body.status).toBe('active');
    await dailyRun(stack, '2024-05-30');
    for (const u of ['payer', 'never']) {
      const unit = (await apiCall(stack, 'GET', `/units/${u}`)).body;
      expect(unit.status).toBe('suspended');
      expect(unit.history.at(-1)).toMatchObject({ date: '2024-05-30', status: 'suspended' });
      expect(await states(stack, u)).toEqual(Array(5).fill('ADMIN_MAINTENANCE'));
      expect((await mails(stack, u)).filter((m) => /suspen/.test(m))).toEqual([
        `2024-05-20 ${u} suspension_warning account_manager`,
        `2024-05-30 ${u} suspended account_manager`,
      ]);
    }
  });

  it('payment with an Idempotency-Key: an overpayment is refused, the payment resumes the unit, a replay pays nothing, a reused key with another body is refused', async () => {
    await dailyRun(stack, '2024-06-10');
    const url = '/invoices/payer.2024-03-01.fees/payments';

    // Refusals (DETAILS L6, X3): status and code, nothing paid.
    for (const [u, body, status, code] of [
      [url, { amount: 0 }, 400, 'VALIDATION_FAILED'],
      [url, { amount: 1_000, paidOn: '2024-06-11' }, 422, 'VALIDATION_FAILED'], // after today
      [url, { amount: 1_000, paidOn: '2024-02-29' }, 422, 'VALIDATION_FAILED'], // before the issue date
      [url, { amount: 1_000, extra: true }, 400, 'VALIDATION_FAILED'],
      ['/invoices/payer.2024-04-01.fees/payments', { amount: 1_000 }, 404, 'NOT_FOUND'],
      ['/invoices/ghost.2024-03-01.fees/payments', { amount: 1_000 }, 404, 'NOT_FOUND'],
      ['/invoices/ghost.2024-03-01.fees/payments', { amount: 0 }, 404, 'NOT_FOUND'], // the unit first (L6)
    ] as const) {
      const r = await apiCall(stack, 'POST', u, body, { 'idempotency-key': `refused-${JSON.stringify(body).length}-${u.length}` });
      expect({ status: r.status, code: r.body.code }, `${u} ${JSON.stringify(body)}`).toEqual({ status, code });
    }
    // The key is required (README "Payments"): without it nothing is paid.
    expect(await apiCall(stack, 'POST', url, { amount: 1_000 })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', details: { fields: ['Idempotency-Key'] } },
    });
    expect((await apiCall(stack, 'GET', '/invoices/payer.2024-03-01.fees')).body.payments).toEqual([]);

    const over = await apiCall(stack, 'POST', url, { amount: 396_001 }, { 'idempotency-key': 'pay-over' });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'PAYMENT_EXCEEDS_BALANCE' });

    const paid = await apiCall(stack, 'POST', url, { amount: 396_000 }, { 'idempotency-key': 'pay-1' });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ id: 'payer.2024-03-01.fees', balance: 0, status: 'paid', paidOn: '2024-06-10', interest: INTEREST });
    expect(INTEREST).toBe(6_292);

    const replay = await apiCall(stack, 'POST', url, { amount: 396_000 }, { 'idempotency-key': 'pay-1' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(paid.body);

    const reused = await apiCall(stack, 'POST', url, { amount: 1_000 }, { 'idempotency-key': 'pay-1' });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });

    const again = await apiCall(stack, 'POST', url, { amount: 1 }, { 'idempotency-key': 'pay-2' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'PAYMENT_EXCEEDS_BALANCE' });

    const inv = (await apiCall(stack, 'GET', '/invoices/payer.2024-03-01.fees')).body;
    expect(inv.payments).toEqual([{ amount: 396_000, paidOn: '2024-06-10', recordedOn: '2024-06-10' }]);
  });

  it('resumed: active, desktops AVAILABLE, service_resumed, and a late_interest invoice issued and mailed', async () => {
    const unit = (await apiCall(stack, 'GET', '/units/payer')).body;
    expect(unit.status).toBe('active');
    expect(unit.history.slice(-2)).toEqual([
      expect.objectContaining({ date: '2024-05-30', status: 'suspended' }),
      expect.objectContaining({ date: '2024-06-10', status: 'active' }),
    ]);
    expect(await states(stack, 'payer')).toEqual(Array(5).fill('AVAILABLE'));
    expect(await states(stack, 'never')).toEqual(Array(5).fill('ADMIN_MAINTENANCE'));
    const late = await apiCall(stack, 'GET', '/invoices/payer.2024-06-10.late_interest');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({
      kind: 'late_interest',
      issueDate: '2024-06-10',
      dueDate: '2024-07-31',
      taxableSubtotal: 0,
      tax: 0,
      nonTaxable: INTEREST,
      total: INTEREST,
      status: 'open',
    });
    expect(late.body.lines).toEqual([
      expect.objectContaining({
        line: 'payer',
        type: 'late_interest',
        from: '2024-05-01',
        to: '2024-06-09',
        amount: INTEREST,
        taxable: false,
        invoice: 'payer.2024-03-01.fees',
      }),
    ]);
    expect((await mails(stack, 'payer')).filter((m) => m.startsWith('2024-06'))).toEqual([
      '2024-06-10 payer invoice_issued account_manager 2024-06-10/late_interest',
      '2024-06-10 payer service_resumed account_manager',
    ]);
    // The invoice lists and the balances.
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=paid'))).toEqual(['payer.2024-03-01.fees']);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=open'))).toEqual(['payer.2024-06-10.late_interest']);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual(['never.2024-03-01.fees']);
    expect((await apiCall(stack, 'GET', '/units/payer/balance')).body).toMatchObject({
      outstanding: INTEREST,
      overdue: 0,
      invoices: [expect.objectContaining({ id: 'payer.2024-06-10.late_interest', status: 'open' })],
    });
    expect((await apiCall(stack, 'GET', '/units/never/balance')).body).toMatchObject({ outstanding: 396_000, overdue: 396_000 });
  });

  it('X3: a retry of the same request with the same key on a later day replays the first result (same key, same body)', async () => {
    stack.setToday('2024-06-11', 10);
    const r = await apiCall(stack, 'POST', '/invoices/payer.2024-03-01.fees/payments', { amount: 396_000 }, { 'idempotency-key': 'pay-1' });
    expect({ status: r.status, code: r.body.code, paidOn: r.body.paidOn }).toEqual({ status: 201, code: undefined, paidOn: '2024-06-10' });
    expect((await apiCall(stack, 'GET', '/invoices/payer.2024-03-01.fees')).body.payments).toHaveLength(1);
  });

  it('the unit that never pays: termination notice at S+20, only the E−7 reminder (Q4), terminated at S+30, desktops deleted the next day (K3)', async () => {
    await dailyRun(stack, '2024-06-19');
    await dailyRun(stack, '2024-06-22');
    await dailyRun(stack, '2024-06-28');
    expect((await apiCall(stack, 'GET', '/units/never')).body.status).toBe('suspended');
    await dailyRun(stack, '2024-06-29');
    const unit = (await apiCall(stack, 'GET', '/units/never')).body;
    expect(unit).toMatchObject({ status: 'terminated', endedOn: '2024-06-29' });
    expect(unit.lines[0]).toMatchObject({ endedOn: '2024-06-29' });
    expect(await states(stack, 'never')).toEqual(Array(5).fill('ADMIN_MAINTENANCE')); // not yet deleted
    await dailyRun(stack, '2024-06-30');
    expect(await states(stack, 'never')).toEqual(Array(5).fill('TERMINATED'));
    expect(await mails(stack, 'never')).toEqual([
      '2024-02-01 never application_accepted account_manager',
      '2024-03-01 never invoice_issued account_manager 2024-03-01/fees',
      '2024-05-01 never payment_overdue account_manager 2024-03-01/fees',
      '2024-05-20 never suspension_warning account_manager',
      '2024-05-30 never suspended account_manager',
      '2024-06-19 never termination_notice account_manager',
      '2024-06-22 never data_retrieval_reminder account_manager',
      '2024-06-29 never terminated account_manager',
    ]);
    // The paying unit was never warned of termination, and keeps its desktops.
    expect((await mails(stack, 'payer')).filter((m) => /termination|terminated|data_retrieval/.test(m))).toEqual([]);
    expect(await states(stack, 'payer')).toEqual(Array(5).fill('AVAILABLE'));
    // I2: the terminated unit's invoice is still overdue and still listed.
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual(['never.2024-03-01.fees']);
    expect((await apiCall(stack, 'GET', '/units?status=terminated')).body.items.map((u: Body) => u.id)).toEqual(['never']);
  });

  it('L7: a payment of a terminated unit is accepted and bears interest, but does not revive it', async () => {
    await dailyRun(stack, '2024-07-05');
    const r = await apiCall(
      stack,
      'POST',
      '/invoices/never.2024-03-01.fees/payments',
      { amount: 396_000 },
      { 'idempotency-key': 'never-1' },
    );
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'paid', interest: Math.floor((396_000 * 65 * 145) / 365_000) }); // 05-01 … 07-04
    expect((await apiCall(stack, 'GET', '/units/never')).body.status).toBe('terminated');
    expect((await mails(stack, 'never')).filter((m) => m.startsWith('2024-07'))).toEqual([
      '2024-07-05 never invoice_issued account_manager 2024-07-05/late_interest',
    ]);
  });

  it('the late_interest invoice left unpaid starts a new cycle (D5, L2): overdue 08-01', async () => {
    await dailyRun(stack, '2024-08-01');
    expect((await mails(stack, 'payer')).filter((m) => m.startsWith('2024-08'))).toEqual([
      '2024-08-01 payer payment_overdue account_manager 2024-06-10/late_interest',
    ]);
    expect(ids(await apiCall(stack, 'GET', '/invoices?status=overdue'))).toEqual(['payer.2024-06-10.late_interest']);
  });
});

describe('the provisioner under WorkSpaces throttling (Art 45, RULES §8)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await testStack('2024-04-01');
  });
  afterAll(async () => stack?.stop());

  it('a start day with 30 accounts while WorkSpaces throttles: exactly one desktop per user, no loss, no double', async () => {
    expect((await apiCall(stack, 'POST', '/applications', applicant('big', 3, 30))).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/applications/big/accept', { startDate: '2024-04-02' })).status).toBe(200);
    // The SDK retries throttling with exponential backoff from 1 s (up to 6 attempts), so a few throttled
    // requests already cost seconds; 3 keep the test fast and still go through the retry path.
    stack.emulator.injectThrottling(3);
    await dailyRun(stack, '2024-04-02');
    expect(stack.emulator.calls.filter((c) => c.error === 'ThrottlingException')).toHaveLength(3);
    const live = stack.emulator.list().filter((w) => w.State !== 'TERMINATED');
    expect(live).toHaveLength(30);
    const users = live.map((w) => w.UserName).sort();
    expect(new Set(users).size).toBe(30);
    // Every account has its desktop id recorded (W10: accounts are their own items), and they are the emulator's.
    const kit = (await apiCall(stack, 'GET', '/units/big/accounts?limit=200')).body.items as {
      userName: string;
      workspaceId: string | null;
    }[];
    expect(kit.map((a) => a.userName).sort()).toEqual(users);
    expect(kit.map((a) => a.workspaceId).sort()).toEqual(live.map((w) => w.WorkspaceId).sort());
    // No CreateWorkspaces request asked for a user twice, and none more than 25 at once.
    const asked = stack.emulator.calls
      .filter((c) => c.op === 'CreateWorkspaces' && !c.error)
      .flatMap((c) => (c.input as { Workspaces: { UserName: string }[] }).Workspaces.map((w) => w.UserName));
    expect(asked.sort()).toEqual(users);
    for (const c of stack.emulator.calls.filter((x) => x.op === 'CreateWorkspaces'))
      expect((c.input as { Workspaces: unknown[] }).Workspaces.length).toBeLessThanOrEqual(25);
    // A rerun of the day changes nothing.
    await stack.runDaily({ date: '2024-04-02' });
    expect(stack.emulator.list().filter((w) => w.State !== 'TERMINATED')).toHaveLength(30);
  }, 60_000);
});
