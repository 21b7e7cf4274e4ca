/**
 * Billing in the domain (RULES §5–7, §12; DETAILS I, L, D, K3, Q4, R1, R2): invoices and their tax,
 * late interest, payments, and the dunning timeline from the first overdue day to resumption or
 * termination. Units are driven the way the system drives them: `accept` and `addLine`/`cancel` for
 * the requests, `advanceUnit` (the daily run, shared/domain/lifecycle.ts) for the days, and
 * `recordPayment` after catching the unit up to the payment's day (what changeUnit does).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accept, newApplication } from '#domain/applications.ts';
import { addDays, compareDates, date, fromDayNumber, toDayNumber, type LocalDate } from '#domain/calendar.ts';
import { buildConfig, type Config, type PaymentDue } from '#domain/config.ts';
import { cancel } from '#domain/cancellation.ts';
import { addLine } from '#domain/contracts.ts';
import { DomainError } from '#domain/errors.ts';
import type { Notice, OutboxItem } from '#domain/effects.ts';
import { lateInterest } from '#domain/interest.ts';
import { balance, buildInvoice, dueDate, invoiceId, type Invoice, type InvoiceKind, type InvoiceLine } from '#domain/invoices.ts';
import { advanceUnit, unitDay } from '#domain/lifecycle.ts';
import type { Yen } from '#domain/money.ts';
import { recordPayment } from '#domain/payments.ts';
import type { Person, Unit } from '#domain/unit.ts';

const CFG = buildConfig();
const d = (s: string): LocalDate => date(s);

const AGENT: Person = { name: '代理店 株式会社セールス', email: 'sales@agent.example' };

/** A unit driven through its life: the requests of the domain and the daily run, collecting every outbox item. */
class Life {
  unit: Unit;
  readonly outbox: OutboxItem[] = [];
  readonly config: Config;

  constructor(
    readonly id: string,
    start: string,
    opts: { accounts?: number; plan?: string; agent?: Person | null; config?: Config; appliedOn?: string } = {},
  ) {
    this.config = opts.config ?? CFG;
    const applied = d(opts.appliedOn ?? start);
    const contractor = {
      kind: 'corporation',
      name: `株式会社${id}`,
      corporateNumber: '8700110005901',
      accountManager: { name: `担当 ${id}`, email: `${id}@example.jp` },
      agent: opts.agent ?? null,
    };
    const received: Unit = {
      ...newApplication(id, { plan: opts.plan ?? 'kokona', accounts: opts.accounts ?? 10, contractor }, applied),
      receivedSeq: 1,
      version: 1,
    };
    const t = accept(received, d(start), applied, this.config);
    this.unit = t.unit;
    this.outbox.push(...t.outbox);
  }

  /** The daily runs up to and including `day`. Returns what they produced. */
  runTo(day: string): readonly OutboxItem[] {
    const r = advanceUnit(this.unit, d(day), this.config);
    this.unit = r.unit;
    this.outbox.push(...r.outbox);
    return r.outbox;
  }

  /** A payment recorded during `today` (after its daily run, S5), for the invoice of `issueDate`/`kind`. */
  pay(issueDate: string, kind: InvoiceKind, amount: number, today: string, paidOn: string = today) {
    this.runTo(today);
    const r = recordPayment(this.unit, invoiceId(this.id, d(issueDate), kind), { amount, paidOn: d(paidOn) }, d(today), this.config);
    this.unit = r.unit;
    this.outbox.push(...r.outbox);
    return r;
  }

  addLine(id: string, accounts: number, startDate: string, today: string = startDate) {
    this.runTo(today);
    const c = addLine(this.unit, { id, accounts, startDate: d(startDate) }, d(today), this.config);
    this.unit = c.unit;
    this.outbox.push(...c.outbox);
  }

  cancel(end: string, today: string) {
    this.runTo(today);
    const c = cancel(this.unit, { end }, d(today), this.config);
    this.unit = c.unit;
    this.outbox.push(...c.outbox);
  }

  invoice(issueDate: string, kind: InvoiceKind = 'fees'): Invoice | undefined {
    return this.unit.invoices.find((i) => i.id === invoiceId(this.id, d(issueDate), kind));
  }

  /** `date type role` of the notices of the given types, in the order produced. */
  notices(types: readonly string[] = BILLING): string[] {
    return this.outbox
      .filter((o): o is Notice => o.kind === 'notice' && types.includes(o.type))
      .map((n) => `${n.date} ${n.type} ${n.role}`);
  }

  desktops(): string[] {
    return this.outbox.filter((o) => o.kind === 'desktop').map((o) => `${o.date} ${o.kind === 'desktop' ? `${o.lineId} ${o.action}` : ''}`);
  }

  history(): string[] {
    return this.unit.history.map((h) => `${h.date} ${h.status}`);
  }
}

const BILLING = [
  'invoice_issued',
  'payment_overdue',
  'suspension_warning',
  'suspended',
  'service_resumed',
  'termination_notice',
  'terminated',
];
const WITH_REMINDERS = [...BILLING, 'data_retrieval_reminder', 'renewal_reminder', 'renewed'];

function code(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : `THROWN ${String(e)}`;
  }
}

/** An invoice line of `amount` for building invoices directly. */
const line = (amount: number, taxable = true, id = 'acme'): InvoiceLine => ({
  line: id,
  type: 'first_term',
  from: d('2024-03-01'),
  to: d('2025-02-28'),
  months: 12,
  accounts: 1,
  unitPrice: amount as Yen,
  amount: amount as Yen,
  taxable,
  description: 'test',
});

/** A started unit (no invoices yet) to hang hand-built invoices on. */
const bare = (config: Config = CFG, agent: Person | null = null) => new Life('acme', '2024-02-15', { config, agent }).unit;

/** Exact floor(amount × percent / 100) for a percent given in hundredths (an independent oracle). */
const taxOracle = (amount: number, percentHundredths: number) => Number((BigInt(amount) * BigInt(percentHundredths)) / 10_000n);

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('invoices (RULES §5, Art 27–30; DETAILS I)', () => {
  it('RULES §12 example 1: invoice 2024-03-01 of 720,000 + 72,000 = 792,000 due 2024-04-30; the renewal invoice 2025-03-01', () => {
    const u = new Life('ex1', '2024-02-15');
    u.runTo('2024-02-29');
    expect(u.unit.invoices).toEqual([]); // the start month is free; invoiced the month after (Art 27, 28-1)
    u.runTo('2024-03-01');
    const inv = u.invoice('2024-03-01')!;
    expect(inv).toMatchObject({
      id: 'ex1.2024-03-01.fees',
      kind: 'fees',
      issueDate: '2024-03-01',
      dueDate: '2024-04-30',
      taxRatePercent: 10,
      taxableSubtotal: 720_000,
      tax: 72_000,
      nonTaxable: 0,
      total: 792_000,
      payer: 'contractor',
      paidOn: null,
      interest: 0,
    });
    expect(inv.lines).toEqual([
      expect.objectContaining({
        line: 'ex1',
        type: 'first_term',
        from: '2024-03-01',
        to: '2025-02-28',
        months: 12,
        accounts: 10,
        unitPrice: 6000,
        amount: 720_000,
        taxable: true,
      }),
    ]);
    expect(u.notices()).toEqual(['2024-03-01 invoice_issued account_manager']);

    u.pay('2024-03-01', 'fees', 792_000, '2024-03-20');
    expect(u.invoice('2024-03-01')).toMatchObject({ paidOn: '2024-03-20', interest: 0 });
    u.runTo('2025-02-28');
    expect(u.unit.invoices).toHaveLength(1);
    u.runTo('2025-03-01');
    const renewal = u.invoice('2025-03-01')!;
    expect(renewal).toMatchObject({ dueDate: '2025-04-30', taxableSubtotal: 720_000, tax: 72_000, total: 792_000 });
    expect(renewal.lines).toEqual([
      expect.objectContaining({
        line: 'ex1',
        type: 'renewal',
        from: '2025-03-01',
        to: '2026-02-28',
        months: 12,
        accounts: 10,
        amount: 720_000,
      }),
    ]);
    expect(u.notices(['invoice_issued', 'renewed', 'renewal_reminder'])).toEqual([
      '2024-03-01 invoice_issued account_manager',
      '2025-01-01 renewal_reminder account_manager',
      '2025-01-24 renewal_reminder account_manager',
      '2025-03-01 renewed account_manager',
      '2025-03-01 invoice_issued account_manager',
    ]);
  });

  it('RULES §12 example 2: 3 more accounts from 2024-07-10 → 7 months × 3 × 6,000 = 126,000, tax 12,600, invoiced 2024-08-01', () => {
    const u = new Life('ex2', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-03-20');
    u.addLine('ex2-add1', 3, '2024-07-10', '2024-07-01');
    u.runTo('2024-07-31');
    expect(u.unit.invoices).toHaveLength(1);
    u.runTo('2024-08-01');
    const inv = u.invoice('2024-08-01')!;
    expect(inv).toMatchObject({ dueDate: '2024-09-30', taxableSubtotal: 126_000, tax: 12_600, nonTaxable: 0, total: 138_600 });
    expect(inv.lines).toEqual([
      expect.objectContaining({
        line: 'ex2-add1',
        type: 'first_term',
        from: '2024-08-01',
        to: '2025-02-28',
        months: 7,
        accounts: 3,
        amount: 126_000,
      }),
    ]);
  });

  it('RULES §12 example 3: an addition of 2 from 2025-02-03 (term-end month) is invoiced with the renewal: ONE invoice, 864,000 + 86,400 (I3: basic first)', () => {
    const u = new Life('ex3', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-03-20');
    u.addLine('ex3-add', 2, '2025-02-03');
    expect(u.unit.lines[1]).toMatchObject({ started: true, termEnd: '2026-02-28' });
    u.runTo('2025-03-01');
    const fees = u.unit.invoices.filter((i) => i.issueDate === '2025-03-01');
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({ kind: 'fees', taxableSubtotal: 864_000, tax: 86_400, total: 950_400, dueDate: '2025-04-30' });
    expect(fees[0]!.lines.map((l) => [l.line, l.type, l.from, l.to, l.months, l.accounts, l.amount])).toEqual([
      ['ex3', 'renewal', '2025-03-01', '2026-02-28', 12, 10, 720_000],
      ['ex3-add', 'first_term', '2025-03-01', '2026-02-28', 12, 2, 144_000],
    ]);
    expect(u.notices(['invoice_issued']).filter((n) => n.startsWith('2025-03-01'))).toHaveLength(1);
  });

  it('an additional line is prorated by whole months to the unit term end (Art 27: the start month free)', () => {
    const u = new Life('pr', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-03-20');
    u.addLine('pr-add', 1, '2024-12-20');
    u.runTo('2025-01-01');
    expect(u.invoice('2025-01-01')!.lines).toEqual([
      expect.objectContaining({ from: '2025-01-01', to: '2025-02-28', months: 2, amount: 12_000 }),
    ]);
    expect(u.invoice('2025-01-01')).toMatchObject({ tax: 1_200, total: 13_200 });
  });

  it('carries what a qualified invoice needs (Art 30): issuer and T-number, recipient, issue date, periods, descriptions, tax per rate', () => {
    const u = new Life('qi', '2024-02-15');
    u.runTo('2024-03-01');
    const inv = u.invoice('2024-03-01')!;
    expect(inv.issuer.name).toBe('NTTテクノクロス株式会社');
    expect(inv.issuer.registrationNumber).toMatch(/^T\d{13}$/);
    expect(inv.issuer.address).not.toBe('');
    expect(inv.recipient).toMatchObject({ name: '株式会社qi', email: 'qi@example.jp' });
    expect(inv.lines[0]!.description).not.toBe('');
    expect(inv.taxRatePercent).toBe(10);
  });

  describe('paymentDue shapes (DETAILS I5)', () => {
    it.each<[string, PaymentDue, string, string]>([
      ['default: end of the next month', { monthsAfter: 1, day: 'end' }, '2024-03-01', '2024-04-30'],
      ['end of the issue month', { monthsAfter: 0, day: 'end' }, '2024-03-01', '2024-03-31'],
      ['two months later, end', { monthsAfter: 2, day: 'end' }, '2024-12-01', '2025-02-28'],
      ['day 10 of the next month', { monthsAfter: 1, day: 10 }, '2024-03-01', '2024-04-10'],
      ['day 31 clamps to April 30', { monthsAfter: 1, day: 31 }, '2024-03-01', '2024-04-30'],
      ['day 30 clamps to Feb 29 (leap)', { monthsAfter: 1, day: 30 }, '2024-01-01', '2024-02-29'],
      ['day 29 clamps to Feb 28', { monthsAfter: 1, day: 29 }, '2023-01-01', '2023-02-28'],
      ['across the year', { monthsAfter: 1, day: 'end' }, '2024-12-01', '2025-01-31'],
      ['14 days', { days: 14 }, '2024-03-01', '2024-03-15'],
      ['30 days across a month', { days: 30 }, '2024-02-01', '2024-03-02'],
      ['0 days: due on the issue date', { days: 0 }, '2024-03-01', '2024-03-01'],
    ])('%s: %j from %s → %s', (_name, rule, issue, due) => expect(dueDate(d(issue), rule)).toBe(due));

    it('the shapes work through a config override (G1 deep merge): invoices and late-interest invoices follow it', () => {
      for (const [paymentDue, due] of [
        [{ days: 14 }, '2024-03-15'],
        [{ monthsAfter: 2, day: 15 }, '2024-05-15'],
        [{ monthsAfter: 0 }, '2024-03-31'],
      ] as const) {
        const config = buildConfig({ paymentDue });
        const u = new Life('due', '2024-02-15', { config });
        u.runTo('2024-03-01');
        expect(u.invoice('2024-03-01')!.dueDate, JSON.stringify(paymentDue)).toBe(due);
      }
      // A late-interest invoice's due date is computed from its issue date (= paidOn) by the same rule.
      const u = new Life('due', '2024-02-15', { config: buildConfig({ paymentDue: { days: 14 } }) });
      u.pay('2024-03-01', 'fees', 792_000, '2024-04-10'); // due 03-15, grace to 03-25
      expect(u.invoice('2024-04-10', 'late_interest')).toMatchObject({ dueDate: '2024-04-24' });
    });
  });

  it('payer (Art 29, DETAILS I6): with an agent the invoice is addressed and mailed to the agent; otherwise to the account manager', () => {
    const viaAgent = new Life('ag', '2024-02-15', { agent: AGENT });
    viaAgent.runTo('2024-05-01');
    expect(viaAgent.invoice('2024-03-01')).toMatchObject({ payer: 'agent', recipient: { name: AGENT.name, email: AGENT.email } });
    expect(viaAgent.notices(['invoice_issued', 'payment_overdue'])).toEqual([
      '2024-03-01 invoice_issued agent',
      '2024-05-01 payment_overdue agent',
    ]);
    const mails = viaAgent.outbox.filter((o): o is Notice => o.kind === 'notice' && o.type !== 'application_accepted');
    expect(mails.every((n) => n.to.email === AGENT.email)).toBe(true);

    const direct = new Life('di', '2024-02-15');
    direct.runTo('2024-05-01');
    expect(direct.invoice('2024-03-01')).toMatchObject({ payer: 'contractor', recipient: { name: '株式会社di', email: 'di@example.jp' } });
    expect(direct.notices(['invoice_issued', 'payment_overdue'])).toEqual([
      '2024-03-01 invoice_issued account_manager',
      '2024-05-01 payment_overdue account_manager',
    ]);
  });

  describe('tax (Art 30, DETAILS I7): once per invoice and rate, on the taxable subtotal, rounded down', () => {
    it.each([
      [10, 720_000, 72_000],
      [8.5, 720_000, 61_200],
      [8.5, 12_345, 1_049], // 1,049.325
      [7.75, 126_000, 9_765],
      [4.35, 6_000, 261], // exactly 261; 6000 * 4.35 / 100 in floating point is 260.99999999999994
      [2.3, 3_000, 69], // floating point: 68.99999999999999
      [0.5, 999, 4],
      [0, 720_000, 0],
    ])('rate %s %% on %s → %s', (rate, subtotal, tax) => {
      const inv = buildInvoice(bare(), 'fees', d('2024-03-01'), [line(subtotal)], buildConfig({ taxRatePercent: rate }));
      expect(inv).toMatchObject({ taxRatePercent: rate, taxableSubtotal: subtotal, tax, total: subtotal + tax });
    });

    it('a non-integer rate from config reaches the invoices of the daily run', () => {
      const u = new Life('r85', '2024-02-15', { config: buildConfig({ taxRatePercent: 8.5 }) });
      u.runTo('2024-03-01');
      expect(u.invoice('2024-03-01')).toMatchObject({ taxableSubtotal: 720_000, tax: 61_200, total: 781_200 });
    });

    it('never the sum of per-line roundings: two lines of 10,507 at 10 % → 2,101 (per line: 1,050 + 1,050 = 2,100)', () => {
      const inv = buildInvoice(bare(), 'fees', d('2024-03-01'), [line(10_507), line(10_507, true, 'acme-add')], CFG);
      expect(inv).toMatchObject({ taxableSubtotal: 21_014, tax: 2_101, total: 23_115 });
    });

    it('non-taxable lines are outside the tax: total = taxable subtotal + tax + non-taxable', () => {
      const inv = buildInvoice(bare(), 'fees', d('2024-03-01'), [line(10_507), line(999, false)], CFG);
      expect(inv).toMatchObject({ taxableSubtotal: 10_507, tax: 1_050, nonTaxable: 999, total: 12_556 });
    });

    it('property: tax = floor(taxable subtotal × rate / 100) exactly, for any lines and any rate with two decimals', () => {
      const arbLines = fc.array(fc.record({ amount: fc.integer({ min: 0, max: 50_000_000 }), taxable: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
      });
      fc.assert(
        fc.property(arbLines, fc.integer({ min: 0, max: 2_500 }), (ls, hundredths) => {
          const rate = hundredths / 100;
          const inv = buildInvoice(
            bare(),
            'fees',
            d('2024-03-01'),
            ls.map((l) => line(l.amount, l.taxable)),
            buildConfig({ taxRatePercent: rate }),
          );
          const taxable = ls.filter((l) => l.taxable).reduce((s, l) => s + l.amount, 0);
          const nonTaxable = ls.filter((l) => !l.taxable).reduce((s, l) => s + l.amount, 0);
          expect(inv.taxableSubtotal).toBe(taxable);
          expect(inv.tax).toBe(taxOracle(taxable, hundredths));
          expect(inv.nonTaxable).toBe(nonTaxable);
          expect(inv.total).toBe(taxable + inv.tax + nonTaxable);
          for (const v of [inv.taxableSubtotal, inv.tax, inv.nonTaxable, inv.total]) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
          // Rounding once can only be ≥ the sum of per-line roundings, by less than the number of lines.
          const perLine = ls.filter((l) => l.taxable).reduce((s, l) => s + taxOracle(l.amount, hundredths), 0);
          expect(inv.tax - perLine).toBeGreaterThanOrEqual(0);
          expect(inv.tax - perLine).toBeLessThan(Math.max(1, ls.length));
        }),
        { numRuns: 300 },
      );
    });

    it('property: there are invoices where rounding once differs from rounding per line (and the system rounds once)', () => {
      const arb = fc.tuple(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 2_000 }),
      );
      const found = fc
        .sample(arb, { numRuns: 2_000, seed: 42 })
        .find(([a, b, h]) => taxOracle(a + b, h) !== taxOracle(a, h) + taxOracle(b, h));
      expect(found).toBeDefined();
      const [a, b, h] = found!;
      const inv = buildInvoice(
        bare(),
        'fees',
        d('2024-03-01'),
        [line(a), line(b, true, 'acme-add')],
        buildConfig({ taxRatePercent: h / 100 }),
      );
      expect(inv.tax).toBe(taxOracle(a + b, h));
      expect(inv.tax).not.toBe(taxOracle(a, h) + taxOracle(b, h));
    });
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('late interest (RULES §6, Art 31; DETAILS L)', () => {
  const settlement = (payments: [number, string][] = []) => ({
    total: 132_000 as Yen,
    dueDate: d('2024-04-30'),
    payments: payments.map(([amount, paidOn]) => ({ amount: amount as Yen, paidOn: d(paidOn) })),
  });

  it.each([
    ['2024-04-30', 0],
    ['2024-05-01', 0],
    ['2024-05-10', 0], // due + 10: within the grace
    ['2024-05-11', 524], // 10 days (05-01 … 05-10): floor(132,000 × 10 × 145 / 365,000) = 524
    ['2024-06-15', 2_359], // 45 days: 2,359
  ])('RULES §6 example: 132,000 due 2024-04-30 paid in full on %s → %s', (paidOn, interest) => {
    expect(lateInterest(settlement([[132_000, paidOn]]), d(paidOn))).toBe(interest);
  });

  it('365-day basis also in a leap year: 365,000 late for the 29 days of February 2024 → 4,205 (= 365,000 × 29 × 0.145 / 365)', () => {
    const s = { total: 365_000 as Yen, dueDate: d('2024-01-31'), payments: [{ amount: 365_000 as Yen, paidOn: d('2024-03-01') }] };
    expect(lateInterest(s, d('2024-03-01'))).toBe(4_205);
  });

  it.each<[string, [number, string][], number]>([
    // L8: the grace is all or nothing; each day bears interest on that day's balance, from due+1.
    [
      '32,000 on 05-05, the rest on 05-20 → 4 days × 132,000 + 15 days × 100,000',
      [
        [32_000, '2024-05-05'],
        [100_000, '2024-05-20'],
      ],
      805,
    ],
    [
      '32,000 before the due date (04-20), the rest on 05-20 → 19 days × 100,000',
      [
        [32_000, '2024-04-20'],
        [100_000, '2024-05-20'],
      ],
      754,
    ],
    [
      '32,000 on 05-05, the rest on 05-10 (within the grace) → 0',
      [
        [32_000, '2024-05-05'],
        [100_000, '2024-05-10'],
      ],
      0,
    ],
    [
      'three parts, the last after the grace',
      [
        [32_000, '2024-05-05'],
        [50_000, '2024-05-15'],
        [50_000, '2024-06-15'],
      ],
      1_222,
    ],
  ])('partial payments (L8): %s → %s', (_n, payments, interest) => {
    const s = settlement(payments);
    expect(lateInterest(s, s.payments.at(-1)!.paidOn)).toBe(interest);
    // By hand: Σ balance_day × 145 / 365,000.
    if (interest === 805) expect(Math.floor(((4 * 132_000 + 15 * 100_000) * 145) / 365_000)).toBe(805);
    if (interest === 754) expect(Math.floor((19 * 100_000 * 145) / 365_000)).toBe(754);
    if (interest === 1_222) expect(Math.floor(((4 * 132_000 + 10 * 100_000 + 31 * 50_000) * 145) / 365_000)).toBe(1_222);
  });

  describe('through payments', () => {
    /** A unit with a fees invoice of 132,000 (120,000 + 10 %) issued 2024-03-01, due 2024-04-30. */
    const with132k = (agent: Person | null = null) => {
      const u = new Life('acme', '2024-02-15', { agent, accounts: 5 });
      // 5 accounts × 12 months × 6,000 = 360,000 → replace by a 120,000 invoice to match the example of §6.
      u.runTo('2024-03-01');
      const inv = buildInvoice(u.unit, 'fees', d('2024-03-01'), [line(120_000)], CFG);
      u.unit = { ...u.unit, invoices: [inv] };
      expect(inv.total).toBe(132_000);
      return u;
    };

    it('L1: interest is fixed only at full payment; a partial payment leaves interest 0 and issues nothing', () => {
      const u = with132k();
      u.pay('2024-03-01', 'fees', 100_000, '2024-06-15');
      expect(u.invoice('2024-03-01')).toMatchObject({ interest: 0, paidOn: null });
      expect(balance(u.invoice('2024-03-01')!)).toBe(32_000);
      expect(u.invoice('2024-06-15', 'late_interest')).toBeUndefined();
    });

    it('a full payment on 06-15 fixes 2,359 and issues a non-taxable late_interest invoice on the payment date, due per paymentDue (L4, I4)', () => {
      const u = with132k();
      const r = u.pay('2024-03-01', 'fees', 132_000, '2024-06-15');
      expect(r.invoice).toMatchObject({ paidOn: '2024-06-15', interest: 2_359 });
      const li = u.invoice('2024-06-15', 'late_interest')!;
      expect(li).toMatchObject({
        id: 'acme.2024-06-15.late_interest',
        kind: 'late_interest',
        issueDate: '2024-06-15',
        dueDate: '2024-07-31',
        taxableSubtotal: 0,
        tax: 0,
        nonTaxable: 2_359,
        total: 2_359,
        payer: 'contractor',
        paidOn: null,
        interest: 0,
      });
      expect(li.lines).toEqual([
        expect.objectContaining({
          line: 'acme',
          type: 'late_interest',
          from: '2024-05-01',
          to: '2024-06-14',
          months: null,
          accounts: null,
          amount: 2_359,
          taxable: false,
          invoice: 'acme.2024-03-01.fees',
        }),
      ]);
      const issued = u.outbox.filter((o): o is Notice => o.kind === 'notice' && o.type === 'invoice_issued' && o.date === '2024-06-15');
      expect(issued).toHaveLength(1);
      expect(issued[0]).toMatchObject({ role: 'account_manager', refs: { invoice: '2024-06-15/late_interest' } });
    });

    it('no late_interest invoice when paid within the grace; none for 0 interest', () => {
      const u = with132k();
      u.pay('2024-03-01', 'fees', 132_000, '2024-05-10');
      expect(u.invoice('2024-03-01')).toMatchObject({ interest: 0, paidOn: '2024-05-10' });
      expect(u.unit.invoices.filter((i) => i.kind === 'late_interest')).toEqual([]);
    });

    it('L2: a late_interest invoice bears no interest itself, however late it is paid', () => {
      const u = with132k();
      u.pay('2024-03-01', 'fees', 132_000, '2024-06-15');
      // Its due date 07-31 passes; it is dunned (see the dunning tests) but paying it in September bears nothing.
      const r = u.pay('2024-06-15', 'late_interest', 2_359, '2024-08-25');
      expect(r.invoice).toMatchObject({ paidOn: '2024-08-25', interest: 0 });
      expect(u.unit.invoices.filter((i) => i.kind === 'late_interest')).toHaveLength(1);
    });

    it('L3: two invoices fully paid on the same date → one late_interest invoice, one line per source invoice, one invoice_issued', () => {
      const u = new Life('l3', '2024-02-15', { config: buildConfig({ paymentDue: { days: 30 } }) }); // 03-01 due 03-31
      u.runTo('2024-03-01');
      u.addLine('l3-add', 2, '2024-03-10');
      u.runTo('2024-04-01'); // the addition's first term: 04-01, due 05-01
      expect(u.invoice('2024-04-01')).toMatchObject({ total: 145_200, dueDate: '2024-05-01' }); // 11 × 2 × 6,000 + 10 %
      // Both paid in full on 05-20 (the unit was suspended on 03-31 + 30 = 04-30; the second payment resumes it).
      u.pay('2024-03-01', 'fees', 792_000, '2024-05-20');
      u.pay('2024-04-01', 'fees', 145_200, '2024-05-20');
      const a = Math.floor((792_000 * 49 * 145) / 365_000); // 04-01 … 05-19
      const b = Math.floor((145_200 * 18 * 145) / 365_000); // 05-02 … 05-19
      expect(u.invoice('2024-03-01')!.interest).toBe(a);
      expect(u.invoice('2024-04-01')!.interest).toBe(b);
      const li = u.unit.invoices.filter((i) => i.kind === 'late_interest');
      expect(li).toHaveLength(1);
      expect(li[0]).toMatchObject({ issueDate: '2024-05-20', nonTaxable: a + b, total: a + b, tax: 0 });
      expect(li[0]!.lines.map((l) => [l.line, l.invoice, l.from, l.to, l.amount])).toEqual([
        ['l3', 'l3.2024-03-01.fees', '2024-04-01', '2024-05-19', a],
        ['l3', 'l3.2024-04-01.fees', '2024-05-02', '2024-05-19', b],
      ]);
      expect(u.notices(['invoice_issued']).filter((n) => n.startsWith('2024-05-20'))).toEqual([
        '2024-05-20 invoice_issued account_manager',
      ]);
    });

    it('L5: a backdated paidOn: interest to paidOn, the late_interest invoice issued on paidOn and due from it; notices and resumption dated the processing day', () => {
      const u = with132k();
      u.runTo('2024-05-30');
      expect(u.unit.status).toBe('suspended');
      u.pay('2024-03-01', 'fees', 132_000, '2024-06-18', '2024-06-15');
      expect(u.invoice('2024-03-01')).toMatchObject({ paidOn: '2024-06-15', interest: 2_359 });
      expect(u.invoice('2024-03-01')!.payments).toEqual([{ amount: 132_000, paidOn: '2024-06-15', recordedOn: '2024-06-18' }]);
      expect(u.invoice('2024-06-15', 'late_interest')).toMatchObject({ issueDate: '2024-06-15', dueDate: '2024-07-31', total: 2_359 });
      expect(
        u
          .notices()
          .filter((n) => n >= '2024-06')
          .sort(),
      ).toEqual(['2024-06-18 invoice_issued account_manager', '2024-06-18 service_resumed account_manager']);
      // Dunning already done stays done; the resumption is dated the day it was recorded.
      expect(u.history().slice(-2)).toEqual(['2024-05-30 suspended', '2024-06-18 active']);
      expect(u.desktops()).toContain('2024-06-18 acme resume');
    });

    it('L5, L8: a backdated settling payment dated before an earlier partial one: the invoice is fully paid only when the last of its payments arrives', () => {
      // 100,000 paid on 06-10 (recorded that day), then the remaining 32,000 recorded on 06-12 with paidOn 06-01.
      // By paidOn the balance is 132,000 on 05-01 … 05-31, 100,000 on 06-01 … 06-09 and 0 from 06-10: the invoice
      // was paid in full on 06-10 and bears interest for every day before it (RULES §6: "up to and including the
      // day before payment"; partial payments lower the balance from their payment date on).
      const u = with132k();
      u.pay('2024-03-01', 'fees', 100_000, '2024-06-10');
      u.pay('2024-03-01', 'fees', 32_000, '2024-06-12', '2024-06-01');
      const expected = Math.floor(((31 * 132_000 + 9 * 100_000) * 145) / 365_000); // 1,983
      expect(u.invoice('2024-03-01')).toMatchObject({ paidOn: '2024-06-10', interest: expected });
    });

    it('L5, L6: paidOn after today or before the issue date → VALIDATION_FAILED', () => {
      const u = with132k();
      u.runTo('2024-04-01');
      const id = invoiceId('acme', d('2024-03-01'), 'fees');
      expect(code(() => recordPayment(u.unit, id, { amount: 1_000, paidOn: d('2024-04-02') }, d('2024-04-01'), CFG))).toBe(
        'VALIDATION_FAILED',
      );
      expect(code(() => recordPayment(u.unit, id, { amount: 1_000, paidOn: d('2024-02-29') }, d('2024-04-01'), CFG))).toBe(
        'VALIDATION_FAILED',
      );
      expect(code(() => recordPayment(u.unit, id, { amount: 1_000, paidOn: d('2024-03-01') }, d('2024-04-01'), CFG))).toBeNull();
    });

    it('PAYMENT_EXCEEDS_BALANCE (L6, L9) and the precedence of refusals', () => {
      const u = with132k();
      u.runTo('2024-06-15');
      const id = invoiceId('acme', d('2024-03-01'), 'fees');
      const today = d('2024-06-15');
      const pay = (amount: number, paidOn = '2024-06-15', inv = id) =>
        code(() => recordPayment(u.unit, inv, { amount, paidOn: d(paidOn) }, today, CFG));
      expect(pay(0)).toBe('VALIDATION_FAILED');
      expect(pay(-5)).toBe('VALIDATION_FAILED');
      expect(pay(1.5)).toBe('VALIDATION_FAILED');
      expect(pay(0, '2024-06-15', 'acme.2024-09-01.fees')).toBe('VALIDATION_FAILED'); // amount before the invoice
      expect(pay(100, '2024-06-16', 'acme.2024-09-01.fees')).toBe('VALIDATION_FAILED'); // paidOn (future) before the invoice
      expect(pay(100, '2024-06-15', 'acme.2024-09-01.fees')).toBe('NOT_FOUND');
      expect(pay(999_999, '2024-02-01')).toBe('VALIDATION_FAILED'); // paidOn before issue, before the balance
      expect(pay(132_001)).toBe('PAYMENT_EXCEEDS_BALANCE');
      // L9: the balance excludes interest not yet invoiced (2,359 would be due if paid today).
      expect(pay(132_000 + 2_359)).toBe('PAYMENT_EXCEEDS_BALANCE');
      expect(pay(132_000)).toBeNull();
      u.pay('2024-03-01', 'fees', 132_000, '2024-06-15');
      expect(code(() => recordPayment(u.unit, id, { amount: 1, paidOn: today }, today, CFG))).toBe('PAYMENT_EXCEEDS_BALANCE'); // fully paid
      const e = (() => {
        try {
          recordPayment(u.unit, id, { amount: 1, paidOn: today }, today, CFG);
        } catch (x) {
          return x as DomainError;
        }
      })();
      expect(e?.details).toMatchObject({ balance: 0, amount: 1 });
    });

    it('Art 28-3: a payment short by the bank fee leaves the difference outstanding (not paid, still overdue)', () => {
      const u = with132k();
      u.pay('2024-03-01', 'fees', 132_000 - 440, '2024-04-25');
      expect(u.invoice('2024-03-01')).toMatchObject({ paidOn: null, interest: 0 });
      expect(balance(u.invoice('2024-03-01')!)).toBe(440);
      u.runTo('2024-05-01');
      expect(u.notices(['payment_overdue'])).toEqual(['2024-05-01 payment_overdue account_manager']);
    });
  });

  describe('properties', () => {
    const arbDue = fc.integer({ min: toDayNumber(d('2020-01-31')), max: toDayNumber(d('2035-12-31')) }).map(fromDayNumber);
    const arbTotal = fc.integer({ min: 1, max: 100_000_000 });

    it('interest is 0 for any full payment on or before due + 10, with or without earlier partial payments', () => {
      fc.assert(
        fc.property(
          arbTotal,
          arbDue,
          fc.integer({ min: -60, max: 10 }),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: -60, max: 10 })), { maxLength: 4 }),
          (total, due, offset, parts) => {
            const paidOn = addDays(due, offset);
            // partial payments (each ≤ 10 % of the total) dated on or before the final one
            const payments = parts
              .map(([pct, off]) => ({ amount: Math.floor((total * pct) / 1_000), paidOn: addDays(due, Math.min(off, offset)) }))
              .filter((p) => p.amount > 0);
            const rest = total - payments.reduce((s, p) => s + p.amount, 0);
            const s = {
              total: total as Yen,
              dueDate: due,
              payments: [...payments, { amount: rest, paidOn }].map((p) => ({ ...p, amount: p.amount as Yen })),
            };
            expect(lateInterest(s, paidOn)).toBe(0);
          },
        ),
      );
    });

    it('interest is monotone (non-decreasing) in the payment date, never negative, and an integer', () => {
      fc.assert(
        fc.property(arbTotal, arbDue, fc.integer({ min: -5, max: 400 }), fc.integer({ min: 0, max: 400 }), (total, due, a, gap) => {
          const p1 = addDays(due, a);
          const p2 = addDays(p1, gap);
          const i = (p: LocalDate) =>
            lateInterest({ total: total as Yen, dueDate: due, payments: [{ amount: total as Yen, paidOn: p }] }, p);
          const i1 = i(p1);
          const i2 = i(p2);
          expect(i1).toBeLessThanOrEqual(i2);
          for (const v of [i1, i2]) {
            expect(Number.isSafeInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
          // and it is the formula: floor(total × days × 145 / 365,000) after the grace
          const days = Math.max(0, toDayNumber(p2) - toDayNumber(due) - 1);
          expect(i2).toBe(compareDates(p2, addDays(due, 10)) <= 0 ? 0 : Number((BigInt(total) * BigInt(days) * 145n) / 365_000n));
        }),
      );
    });

    it('with partial payments: a later final payment never lowers the interest; never negative; integer', () => {
      fc.assert(
        fc.property(
          arbTotal,
          arbDue,
          fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -30, max: 200 })), { maxLength: 3 }),
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 0, max: 100 }),
          (total, due, parts, a, gap) => {
            const partial = parts
              .map(([pct, off]) => ({ amount: Math.floor((total * pct) / 200) as Yen, paidOn: addDays(due, off) }))
              .filter((p) => p.amount > 0);
            const rest = total - partial.reduce((s, p) => s + p.amount, 0);
            fc.pre(rest > 0);
            const last = partial.reduce((m, p) => (compareDates(p.paidOn, m) > 0 ? p.paidOn : m), addDays(due, -30));
            const p1 = addDays(last, a);
            const p2 = addDays(p1, gap);
            const i = (p: LocalDate) =>
              lateInterest({ total: total as Yen, dueDate: due, payments: [...partial, { amount: rest as Yen, paidOn: p }] }, p);
            expect(i(p1)).toBeLessThanOrEqual(i(p2));
            expect(i(p1)).toBeGreaterThanOrEqual(0);
            expect(Number.isSafeInteger(i(p2))).toBe(true);
          },
        ),
      );
    });

    it('amounts through recordPayment stay integers: balance, interest and the late_interest total', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 120 }), (pct, late) => {
          const u = new Life('p', '2024-02-15');
          u.runTo('2024-03-01');
          const first = Math.floor((792_000 * pct) / 100);
          const when = addDays(d('2024-04-30'), late);
          u.pay('2024-03-01', 'fees', first, '2024-04-15');
          u.pay('2024-03-01', 'fees', 792_000 - first, when);
          const inv = u.invoice('2024-03-01')!;
          expect(balance(inv)).toBe(0);
          expect(Number.isSafeInteger(inv.interest) && inv.interest >= 0).toBe(true);
          const li = u.unit.invoices.find((i) => i.kind === 'late_interest');
          if (inv.interest > 0) expect(li).toMatchObject({ total: inv.interest, tax: 0 });
          else expect(li).toBeUndefined();
        }),
        { numRuns: 40 },
      );
    });
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
describe('dunning (RULES §7, Art 23, 24; DETAILS D, I2, Q4, K3, R1, R2)', () => {
  it('an unpaid invoice, day by day: d+1 overdue, d+20 warning, d+30 suspended (desktops), S+20 notice, S+23 reminder (Q4), S+30 terminated, deleted S+31 (K3)', () => {
    const u = new Life('acme', '2024-02-15');
    u.runTo('2024-03-01'); // invoice due 2024-04-30 = d
    const expectOn = (day: string, items: string[]) => {
      const out = u.runTo(day);
      expect(
        out.map((o) => (o.kind === 'notice' ? `${o.type} ${o.role}` : `${o.action} ${o.lineId}`)),
        day,
      ).toEqual(items);
    };
    expectOn('2024-04-30', []);
    expectOn('2024-05-01', ['payment_overdue account_manager']);
    expectOn('2024-05-19', []);
    expectOn('2024-05-20', ['suspension_warning account_manager']);
    expectOn('2024-05-29', []);
    expect(u.unit.status).toBe('active');
    expectOn('2024-05-30', ['suspended account_manager', 'suspend acme']);
    expect(u.unit).toMatchObject({ status: 'suspended', suspendedOn: '2024-05-30' });
    expectOn('2024-06-18', []);
    expectOn('2024-06-19', ['termination_notice account_manager']);
    expectOn('2024-06-21', []);
    // Q4: the termination date (06-29) became known at the notice: only E−7 (06-22); E−30 (= S) had passed.
    expectOn('2024-06-22', ['data_retrieval_reminder account_manager']);
    expectOn('2024-06-28', []);
    expectOn('2024-06-29', ['terminated account_manager']);
    expect(u.unit).toMatchObject({ status: 'terminated', endedOn: '2024-06-29', suspendedOn: null });
    expect(u.unit.lines[0]).toMatchObject({ endedOn: '2024-06-29' });
    // K3: deleted the next day, without a second suspend.
    expectOn('2024-06-30', ['delete acme']);
    expectOn('2024-12-31', []);
    expect(u.history()).toEqual(['2024-02-15 pending', '2024-02-15 active', '2024-05-30 suspended', '2024-06-29 terminated']);
    // The termination notice carries the termination date; the warning the suspension date.
    const data = (type: string) => u.outbox.find((o): o is Notice => o.kind === 'notice' && o.type === type)!.data;
    expect(data('suspension_warning')).toMatchObject({ suspensionOn: '2024-05-30' });
    expect(data('termination_notice')).toMatchObject({ terminationOn: '2024-06-29' });
    expect(data('data_retrieval_reminder')).toMatchObject({ endDate: '2024-06-29' });
  });

  it('unitDay applies one date on its own: the same step on d+30 suspends; on any other date nothing', () => {
    const u = new Life('acme', '2024-02-15');
    u.runTo('2024-05-29');
    expect(unitDay(u.unit, d('2024-05-29'), CFG).outbox).toEqual([]); // rerunning a day produces nothing new that day
    const r = unitDay(u.unit, d('2024-05-30'), CFG);
    expect(r.unit.status).toBe('suspended');
    expect(r.outbox.map((o) => (o.kind === 'notice' ? o.type : o.action))).toEqual(['suspended', 'suspend']);
  });

  it('catch-up: missed daily runs produce the same dated notices in order', () => {
    const stepwise = new Life('acme', '2024-02-15');
    for (let day = d('2024-02-16'); compareDates(day, d('2024-07-10')) <= 0; day = addDays(day, 1)) stepwise.runTo(day);
    const once = new Life('acme', '2024-02-15');
    once.runTo('2024-07-10');
    expect(once.notices(WITH_REMINDERS)).toEqual(stepwise.notices(WITH_REMINDERS));
    expect(once.desktops()).toEqual(stepwise.desktops());
    expect(once.unit.history).toEqual(stepwise.unit.history);
  });

  it('agent sale (I6, D1, Art 23-2, 24-3): overdue, warning, suspended, termination notice and terminated go to the agent; reminders to the account manager', () => {
    const u = new Life('ag', '2024-02-15', { agent: AGENT });
    u.runTo('2024-07-01');
    expect(u.notices(WITH_REMINDERS)).toEqual([
      '2024-03-01 invoice_issued agent',
      '2024-05-01 payment_overdue agent',
      '2024-05-20 suspension_warning agent',
      '2024-05-30 suspended agent',
      '2024-06-19 termination_notice agent',
      '2024-06-22 data_retrieval_reminder account_manager',
      '2024-06-29 terminated agent',
    ]);
  });

  it('full payment while suspended resumes the unit (service_resumed, desktops back) and issues the late_interest invoice; no termination follows', () => {
    const u = new Life('acme', '2024-02-15');
    u.runTo('2024-06-09');
    expect(u.unit.status).toBe('suspended');
    u.pay('2024-03-01', 'fees', 792_000, '2024-06-10');
    expect(u.unit).toMatchObject({ status: 'active', suspendedOn: null });
    const interest = Math.floor((792_000 * 40 * 145) / 365_000); // 05-01 … 06-09
    expect(interest).toBe(12_585);
    expect(u.invoice('2024-03-01')).toMatchObject({ interest, paidOn: '2024-06-10' });
    expect(u.invoice('2024-06-10', 'late_interest')).toMatchObject({ total: interest, dueDate: '2024-07-31' });
    u.runTo('2024-07-30');
    expect(u.notices(WITH_REMINDERS)).toEqual([
      '2024-03-01 invoice_issued account_manager',
      '2024-05-01 payment_overdue account_manager',
      '2024-05-20 suspension_warning account_manager',
      '2024-05-30 suspended account_manager',
      '2024-06-10 invoice_issued account_manager', // the late_interest invoice (order within a day is not specified)
      '2024-06-10 service_resumed account_manager',
    ]);
    expect(u.desktops()).toEqual(['2024-02-15 acme create', '2024-05-30 acme suspend', '2024-06-10 acme resume']);
    expect(u.history().slice(-2)).toEqual(['2024-05-30 suspended', '2024-06-10 active']);
  });

  it('D5, L2, D3: after resumption an unpaid late_interest invoice starts a new cycle from its own due date, up to termination', () => {
    const u = new Life('acme', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-06-10');
    u.runTo('2024-10-31');
    expect(u.notices(WITH_REMINDERS).filter((n) => n > '2024-06-11')).toEqual([
      '2024-08-01 payment_overdue account_manager',
      '2024-08-20 suspension_warning account_manager',
      '2024-08-30 suspended account_manager',
      '2024-09-19 termination_notice account_manager',
      '2024-09-22 data_retrieval_reminder account_manager',
      '2024-09-29 terminated account_manager',
    ]);
    expect(u.desktops().slice(-2)).toEqual(['2024-08-30 acme suspend', '2024-09-30 acme delete']);
    expect(u.unit.status).toBe('terminated');
  });

  it('S5, H4: a payment on d+30 (after the 00:05 run) suspends and resumes the unit on the same day', () => {
    const u = new Life('acme', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-05-30');
    expect(u.history().slice(-2)).toEqual(['2024-05-30 suspended', '2024-05-30 active']);
    expect(u.notices().filter((n) => n.startsWith('2024-05-30'))).toEqual([
      '2024-05-30 suspended account_manager',
      '2024-05-30 invoice_issued account_manager',
      '2024-05-30 service_resumed account_manager',
    ]);
    expect(u.desktops().slice(-2)).toEqual(['2024-05-30 acme suspend', '2024-05-30 acme resume']);
    expect(u.invoice('2024-05-30', 'late_interest')).toMatchObject({ total: Math.floor((792_000 * 29 * 145) / 365_000) });
  });

  it('D4: partial payments keep the unit suspended; the full payment of the overdue invoices resumes it despite an open one', () => {
    const u = new Life('acme', '2024-02-15', { config: buildConfig({ paymentDue: { days: 30 } }) }); // 03-01 due 03-31
    u.runTo('2024-03-05');
    u.addLine('acme-x', 1, '2024-03-05');
    u.runTo('2024-04-30'); // suspended on 03-31 + 30; the addition's invoice 04-01 is due 05-01
    expect(u.unit.status).toBe('suspended');
    u.pay('2024-03-01', 'fees', 500_000, '2024-04-30');
    expect(u.unit.status).toBe('suspended');
    u.pay('2024-03-01', 'fees', 292_000, '2024-04-30');
    expect(u.unit.status).toBe('active');
    expect(balance(u.invoice('2024-04-01')!)).toBeGreaterThan(0); // open, not yet due
  });

  it('D2: one payment_overdue per invoice; one suspension_warning per unit and day; no warning when suspended that day', () => {
    // Two invoices due on the same day (a fees invoice and a late_interest invoice both due 04-30).
    const u = new Life('acme', '2024-02-15');
    u.runTo('2024-03-01');
    const extra = buildInvoice(u.unit, 'late_interest', d('2024-03-15'), [line(3, false)], CFG);
    expect(extra.dueDate).toBe('2024-04-30');
    u.unit = { ...u.unit, invoices: [...u.unit.invoices, extra] };
    u.runTo('2024-05-25');
    expect(u.notices(['payment_overdue', 'suspension_warning'])).toEqual([
      '2024-05-01 payment_overdue account_manager',
      '2024-05-01 payment_overdue account_manager',
      '2024-05-20 suspension_warning account_manager',
    ]);
    const ids = u.outbox.filter((o) => o.kind === 'notice' && o.type === 'payment_overdue').map((o) => o.id);
    expect(new Set(ids).size).toBe(2);

    // An invoice due 10 days after another: its d+20 is the other's d+30 → suspended, no warning that day.
    const v = new Life('acme', '2024-02-15');
    v.runTo('2024-03-01');
    const later = { ...buildInvoice(v.unit, 'late_interest', d('2024-03-20'), [line(5, false)], CFG), dueDate: d('2024-05-10') };
    v.unit = { ...v.unit, invoices: [...v.unit.invoices, later] };
    v.runTo('2024-06-05');
    expect(v.notices(['payment_overdue', 'suspension_warning', 'suspended'])).toEqual([
      '2024-05-01 payment_overdue account_manager',
      '2024-05-11 payment_overdue account_manager',
      '2024-05-20 suspension_warning account_manager',
      '2024-05-30 suspended account_manager',
    ]);
  });

  it('I2: an ended unit still gets payment_overdue for its invoices, but no warning, suspension or termination', () => {
    const u = new Life('i2', '2024-02-15');
    u.cancel('2024-03-31', '2024-02-20');
    u.runTo('2024-04-01');
    expect(u.unit).toMatchObject({ status: 'cancelled', endedOn: '2024-03-31' });
    expect(u.invoice('2024-03-01')).toMatchObject({ total: 792_000 }); // minimum period: the full first term
    u.runTo('2024-12-31');
    expect(u.notices()).toEqual(['2024-03-01 invoice_issued account_manager', '2024-05-01 payment_overdue account_manager']);
    // L7: a payment is accepted, bears interest and is invoiced, but never revives the unit.
    u.pay('2024-03-01', 'fees', 792_000, '2025-01-10');
    expect(u.unit.status).toBe('cancelled');
    expect(u.invoice('2025-01-10', 'late_interest')).toBeDefined();
    expect(u.notices(['service_resumed'])).toEqual([]);
  });

  it('D6, D8: a suspended unit whose cancellation ends it before S+30 still gets the termination notice at S+20, then is cancelled, not terminated', () => {
    // Start 2024-11-10 → the first invoice 2024-12-01 is due 2025-01-31 → S = 2025-03-02, S+20 = 03-22, S+30 = 04-01.
    const u = new Life('c', '2024-11-10');
    u.cancel('2025-03-31', '2025-02-10');
    u.runTo('2025-06-30');
    const n = u.notices([...BILLING, 'cancellation_accepted']);
    expect(n).toEqual([
      '2024-12-01 invoice_issued account_manager',
      '2025-02-01 payment_overdue account_manager',
      '2025-02-10 cancellation_accepted account_manager',
      '2025-02-20 suspension_warning account_manager',
      '2025-03-02 suspended account_manager',
      '2025-03-22 termination_notice account_manager',
    ]);
    expect(u.unit).toMatchObject({ status: 'cancelled', endedOn: '2025-03-31' });
    expect(u.history().slice(-2)).toEqual(['2025-03-02 suspended', '2025-03-31 cancelled']);
    expect(u.desktops()).toEqual(['2024-11-10 c create', '2025-03-02 c suspend', '2025-04-01 c delete']);
    // The cancellation's own data-retrieval reminders (E−30 while active, E−7 while suspended).
    expect(u.notices(['data_retrieval_reminder'])).toEqual(
      expect.arrayContaining(['2025-03-01 data_retrieval_reminder account_manager', '2025-03-24 data_retrieval_reminder account_manager']),
    );
  });

  it('D7, R2: termination due on the renewal day is processed first: no renewal, no renewal invoice', () => {
    // Start 2024-02-15 (term to 2025-02-28); an addition from 2024-10-15 invoiced 11-01, due 12-31, never paid → S = 2025-01-30, S+30 = 03-01.
    const u = new Life('x', '2024-02-15');
    u.pay('2024-03-01', 'fees', 792_000, '2024-03-10');
    u.addLine('x-add', 1, '2024-10-15');
    u.runTo('2025-04-30');
    expect(u.invoice('2024-11-01')).toMatchObject({ total: 26_400, dueDate: '2024-12-31' });
    expect(u.notices(WITH_REMINDERS).filter((n) => n >= '2024-11-01')).toEqual([
      '2024-11-01 invoice_issued account_manager',
      '2025-01-01 payment_overdue account_manager',
      '2025-01-01 renewal_reminder account_manager',
      '2025-01-20 suspension_warning account_manager',
      '2025-01-24 renewal_reminder account_manager',
      '2025-01-30 suspended account_manager',
      '2025-02-19 termination_notice account_manager',
      '2025-02-22 data_retrieval_reminder account_manager',
      '2025-03-01 terminated account_manager',
    ]);
    expect(u.invoice('2025-03-01')).toBeUndefined();
    expect(u.unit).toMatchObject({ status: 'terminated', endedOn: '2025-03-01' });
    expect(u.unit.lines.map((l) => [l.id, l.termEnd, l.endedOn])).toEqual([
      ['x', '2025-02-28', '2025-03-01'],
      ['x-add', '2025-02-28', '2025-03-01'],
    ]);
    expect(u.desktops().filter((x) => x >= '2025')).toEqual([
      '2025-01-30 x suspend',
      '2025-01-30 x-add suspend',
      '2025-03-02 x delete',
      '2025-03-02 x-add delete',
    ]);
  });

  it('R1: a suspended unit renews (renewal invoice, renewed notice) and is terminated a few days later; its invoices are still dunned (I2)', () => {
    // Start 2024-03-20 (term to 2025-03-31); an addition from 2024-12-10 invoiced 2025-01-01, due 02-28 → S = 03-30, S+30 = 04-29.
    const u = new Life('y', '2024-03-20');
    u.pay('2024-04-01', 'fees', 792_000, '2024-04-10');
    u.addLine('y-add', 2, '2024-12-10');
    u.runTo('2025-07-31');
    expect(u.invoice('2025-01-01')).toMatchObject({ total: 39_600, dueDate: '2025-02-28' });
    expect(u.invoice('2025-04-01')).toMatchObject({ taxableSubtotal: 864_000, tax: 86_400, total: 950_400, dueDate: '2025-05-31' });
    expect(u.invoice('2025-04-01')!.lines.map((l) => [l.line, l.type, l.amount])).toEqual([
      ['y', 'renewal', 720_000],
      ['y-add', 'renewal', 144_000],
    ]);
    expect(u.notices(WITH_REMINDERS).filter((n) => n >= '2025-01-02')).toEqual([
      '2025-01-29 renewal_reminder account_manager',
      '2025-02-21 renewal_reminder account_manager',
      '2025-03-01 payment_overdue account_manager',
      '2025-03-20 suspension_warning account_manager',
      '2025-03-30 suspended account_manager',
      '2025-04-01 renewed account_manager',
      '2025-04-01 invoice_issued account_manager',
      '2025-04-19 termination_notice account_manager',
      '2025-04-22 data_retrieval_reminder account_manager',
      '2025-04-29 terminated account_manager',
      '2025-06-01 payment_overdue account_manager',
    ]);
    expect(u.unit.lines.map((l) => [l.id, l.termEnd, l.endedOn])).toEqual([
      ['y', '2026-03-31', '2025-04-29'],
      ['y-add', '2026-03-31', '2025-04-29'],
    ]);
    expect(u.desktops().filter((x) => x >= '2025')).toEqual([
      '2025-03-30 y suspend',
      '2025-03-30 y-add suspend',
      '2025-04-30 y delete',
      '2025-04-30 y-add delete',
    ]);
  });

  it('Q3, Q4 with config: a data-retrieval reminder falling on the day the termination date becomes known is sent that day', () => {
    // terminationNoticeDays 7: the termination notice goes out on S+23 = E−7, the day the end becomes known (Q4).
    // RULES §8 sends the reminders "only [for] dates not already past when the end became known", and Q3
    // decides that today is not past: E−7 is due the same day.
    const u = new Life('q', '2024-02-15', { config: buildConfig({ terminationNoticeDays: 7 }) });
    u.runTo('2024-07-01');
    expect(u.notices(['termination_notice', 'data_retrieval_reminder', 'terminated'])).toEqual([
      '2024-06-22 termination_notice account_manager',
      '2024-06-22 data_retrieval_reminder account_manager',
      '2024-06-29 terminated account_manager',
    ]);
  });

  it('K2: a line that starts while the unit is suspended gets create and suspend on its start date; resumption resumes every live line', () => {
    const u = new Life('k2', '2024-02-15');
    u.addLine('k2-add', 2, '2024-06-05', '2024-05-20'); // requested while still active
    u.runTo('2024-06-05');
    expect(u.unit.status).toBe('suspended');
    u.pay('2024-03-01', 'fees', 792_000, '2024-06-08');
    expect(u.desktops()).toEqual([
      '2024-02-15 k2 create',
      '2024-05-30 k2 suspend',
      '2024-06-05 k2-add create',
      '2024-06-05 k2-add suspend',
      '2024-06-08 k2 resume',
      '2024-06-08 k2-add resume',
    ]);
  });

  it('K3: deletion after termination follows desktopDeletionDelayDays; a self unit has no desktop jobs', () => {
    const k = new Life('k', '2024-02-15', { config: buildConfig({ desktopDeletionDelayDays: 3 }) });
    k.runTo('2024-07-31');
    expect(k.desktops()).toEqual(['2024-02-15 k create', '2024-05-30 k suspend', '2024-07-02 k delete']);
    const s = new Life('s', '2024-02-15', { plan: 'self', accounts: 5 });
    s.runTo('2024-07-31');
    expect(s.desktops()).toEqual([]);
    expect(s.unit.status).toBe('terminated');
    expect(s.notices(['data_retrieval_reminder'])).toEqual([]); // Q1: kokona only
  });
});
