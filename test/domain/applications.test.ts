import { describe, expect, it } from 'vitest';
import { accept, checkApplication, defer, newApplication, reject } from '#domain/applications.ts';
import { accountUserName, shortCode } from '#domain/desktops.ts';
import { isDelinquent } from '#domain/payments.ts';
import { buildInvoice } from '#domain/invoices.ts';
import type { Yen } from '#domain/money.ts';
import { date, jstInstant } from '#domain/calendar.ts';
import { buildConfig } from '#domain/config.ts';
import { DomainError } from '#domain/errors.ts';
import { advanceUnit } from '#domain/lifecycle.ts';
import type { Unit } from '#domain/unit.ts';

const config = buildConfig();
const contractor = {
  kind: 'corporation',
  name: '株式会社アクメ',
  corporateNumber: '8700110005901',
  accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
  agent: null,
};
const input = (over: Partial<{ plan: string; accounts: number; contractor: typeof contractor | Record<string, unknown> }> = {}) =>
  ({ plan: 'kokona', accounts: 10, contractor, ...over }) as Parameters<typeof checkApplication>[0];

function code(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'THROWN';
  }
}

const received = (over: Partial<Unit> = {}): Unit => ({
  ...newApplication('acme', input(), date('2024-01-25')),
  receivedSeq: 1,
  version: 1,
  ...over,
});

describe('applications (Art 5, 6, 11, 12; DETAILS P)', () => {
  it.each([
    ['ok', input(), null],
    ['public body (P1)', input({ contractor: { ...contractor, kind: 'public_body' } }), null],
    ['unknown plan', input({ plan: 'gold' }), 'VALIDATION_FAILED'],
    ['accounts 0 (P4)', input({ accounts: 0 }), 'VALIDATION_FAILED'],
    ['individual', input({ contractor: { ...contractor, kind: 'individual' } }), 'INELIGIBLE_APPLICANT'],
    ['government (P1)', input({ contractor: { ...contractor, kind: 'government' } }), 'INELIGIBLE_APPLICANT'],
    [
      'individual + bad number (P2)',
      input({ contractor: { ...contractor, kind: 'individual', corporateNumber: 'x' } }),
      'INELIGIBLE_APPLICANT',
    ],
    ['bad number', input({ contractor: { ...contractor, corporateNumber: '1234567890123' } }), 'INVALID_CORPORATE_NUMBER'],
    ['bad number + too few (P2)', input({ accounts: 1, contractor: { ...contractor, corporateNumber: '' } }), 'INVALID_CORPORATE_NUMBER'],
    ['4 accounts', input({ accounts: 4 }), 'BELOW_MIN_ACCOUNTS'],
    ['5 accounts', input({ accounts: 5 }), null],
    ['a config minimum', input({ plan: 'self', accounts: 2 }), 'BELOW_MIN_ACCOUNTS'],
  ])('%s → %s', (_n, i, c) => expect(code(() => checkApplication(i, config))).toBe(c));

  it('a config override changes the minimum (G1)', () => {
    expect(code(() => checkApplication(input({ accounts: 2 }), buildConfig({ plans: { kokona: { minAccounts: 2 } } })))).toBeNull();
  });

  it('user names derive from the short code, ≤ 20 characters (W2)', () => {
    expect(shortCode(1)).toBe('k00001');
    expect(shortCode(36 ** 5)).toBe('k100000');
    expect(accountUserName('k00001', 1)).toBe('k00001-0001');
    expect(accountUserName(shortCode(2 ** 40), 9_999_999).length).toBeLessThanOrEqual(20);
  });

  it('more accounts than maxAccountsPerLine is TOO_MANY_ACCOUNTS (W10)', () => {
    expect(code(() => checkApplication(input({ accounts: 2001 }), config))).toBe('TOO_MANY_ACCOUNTS');
    expect(code(() => checkApplication(input({ accounts: 2000 }), config))).toBeNull();
  });

  it('acceptance sends the service-start notice with user names and no password, and wakes the start date', () => {
    const t = accept(received(), date('2024-02-15'), date('2024-02-01'), config, {
      shortCode: 'k00001',
      kit: { url: 'https://x.example/kit/t', expiresOn: date('2024-02-29') },
    });
    expect(t.unit).toMatchObject({ status: 'pending', startDate: '2024-02-15', application: { status: 'accepted' } });
    expect(t.unit.history).toEqual([{ date: '2024-01-25', status: 'pending' }]); // H1
    expect(t.wakeUps).toEqual(['2024-02-15']);
    expect(t.outbox).toHaveLength(1);
    const n = t.outbox[0]!;
    expect(n).toMatchObject({
      kind: 'notice',
      type: 'application_accepted',
      role: 'account_manager',
      date: '2024-02-01',
      to: contractor.accountManager,
    });
    expect(n.kind === 'notice' && n.type === 'application_accepted' && n.data.userNames).toHaveLength(10);
    expect(JSON.stringify(n)).not.toMatch(/password/i);
  });

  it('a start today starts at once (X2): active, first term fixed, desktops ordered', () => {
    const t = accept(received(), date('2024-02-15'), date('2024-02-15'), config);
    expect(t.unit.status).toBe('active');
    expect(t.unit.lines[0]).toMatchObject({ started: true, termEnd: '2025-02-28' });
    expect(t.outbox.map((o) => o.kind)).toEqual(['notice', 'desktop']);
    expect(t.wakeUps).toEqual([]);
  });

  it('refuses a start before today and a decided application (P7, P11)', () => {
    expect(code(() => accept(received(), date('2024-01-31'), date('2024-02-01'), config))).toBe('VALIDATION_FAILED');
    const rejected = reject(received(), '審査', date('2024-02-01'), config).unit;
    expect(code(() => accept(rejected, date('2024-02-15'), date('2024-02-01'), config))).toBe('VALIDATION_FAILED');
    expect(code(() => defer(rejected, 'x', date('2024-03-01'), date('2024-02-01'), config))).toBe('VALIDATION_FAILED');
  });

  it('a deferred application can be accepted later; history gets pending on the accept date (H1, P8)', () => {
    const d = defer(received(), '確認中', date('2024-03-01'), date('2024-02-01'), config);
    expect(d.unit.status).toBe('deferred');
    expect(d.outbox[0]).toMatchObject({ type: 'application_deferred', data: { reason: '確認中', expectedOn: '2024-03-01' } });
    const a = accept({ ...d.unit, version: 2 }, date('2024-03-15'), date('2024-03-01'), config);
    expect(a.unit.history).toEqual([
      { date: '2024-01-25', status: 'pending' },
      { date: '2024-02-01', status: 'deferred' },
      { date: '2024-03-01', status: 'pending' },
    ]);
  });

  it('delinquency: a terminated sibling or an overdue invoice (P12)', () => {
    const today = date('2024-03-01');
    const withInvoice = (due: string, total: number, paid = 0) => {
      const u = received({ status: 'cancelled' });
      const inv = { ...buildInvoice(u, 'fees', date('2024-01-01'), [], config), dueDate: date(due), total: total as Yen };
      return {
        ...u,
        invoices: [{ ...inv, payments: paid ? [{ amount: paid as Yen, paidOn: date('2024-01-05'), recordedOn: date('2024-01-05') }] : [] }],
      };
    };
    expect(isDelinquent([], today)).toBe(false);
    expect(isDelinquent([received({ status: 'terminated' })], today)).toBe(true);
    expect(isDelinquent([received({ status: 'cancelled' })], today)).toBe(false);
    expect(isDelinquent([withInvoice('2024-02-29', 100)], today)).toBe(true);
    expect(isDelinquent([withInvoice('2024-03-01', 100)], today)).toBe(false); // due today: not past due
    expect(isDelinquent([withInvoice('2024-02-29', 100, 100)], today)).toBe(false); // paid
  });

  it('the daily run starts the unit on its start date, catches up missed days, and is idempotent', () => {
    const accepted = accept(received(), date('2024-02-15'), date('2024-02-01'), config).unit;
    expect(advanceUnit(accepted, date('2024-02-14'), config).unit.status).toBe('pending');
    const late = advanceUnit(accepted, date('2024-02-20'), config); // runs missed: still starts, dated the start date
    // O2: it took effect at the daily run of its start date (00:05 JST), though processed late.
    expect(late.unit.history.at(-1)).toEqual({ date: '2024-02-15', status: 'active', at: jstInstant(date('2024-02-15'), 0, 5) });
    expect(late.outbox).toHaveLength(1);
    const again = advanceUnit(late.unit, date('2024-02-20'), config);
    expect(again.outbox).toEqual([]);
    expect(again.unit).toEqual(late.unit);
  });
});
