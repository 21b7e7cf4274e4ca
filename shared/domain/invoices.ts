/**
 * Invoices (Art 27–30; RULES §5, DETAILS I). Fees are tax-exclusive; consumption tax is computed once
 * per invoice and rate on the taxable subtotal and rounded down (適格請求書). Issued on the 1st by the
 * daily run: first-term fees the month after a line's start month, renewal fees in the renewed term's
 * first month, every line of a unit due that day on one invoice.
 */
import {
  addDays,
  addMonths,
  compareDates,
  daysInMonth,
  endOfMonth,
  firstOfMonth,
  localDate,
  monthOf,
  monthsBetween,
  parseLocalDate,
  type LocalDate,
} from './calendar.ts';
import type { Config, PaymentDue } from './config.ts';
import { percentOfFloor, type Yen } from './money.ts';
import type { Line, Unit } from './unit.ts';

export type InvoiceKind = 'fees' | 'late_interest';
export type InvoiceLineType = 'first_term' | 'renewal' | 'late_interest';

export interface InvoiceLine {
  readonly line: string;
  readonly type: InvoiceLineType;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly months: number | null;
  readonly accounts: number | null;
  readonly unitPrice: Yen | null;
  readonly amount: Yen;
  readonly taxable: boolean;
  readonly description: string;
  /** late_interest: the invoice whose late payment bore it (DETAILS L4). */
  readonly invoice?: string;
}

export interface Payment {
  readonly amount: Yen;
  readonly paidOn: LocalDate;
  /** The business date the payment was recorded (notices and resumption, L5). */
  readonly recordedOn: LocalDate;
  /** The deposit (MONEY-IN B4) that made this payment; absent for payments entered through the API. */
  readonly deposit?: string;
  /** Set when the bank cancelled the deposit (B5): the payment counts no more but is kept. */
  readonly voidedOn?: LocalDate;
}

/** 振込先 (MONEY-IN V1): where the payer transfers the money. */
export interface PayTo {
  readonly bankCode: string;
  readonly bankName: string;
  readonly branchCode: string;
  readonly branchName: string;
  readonly accountType: '普通';
  readonly accountNumber: string;
  readonly holderKana: string;
  /** True when the account is the payer's own virtual account (B3a). */
  readonly dedicated: boolean;
}

export interface Invoice {
  /** `<unit>.<issueDate>.<kind>`: one invoice per unit, issue date and kind, never issued twice. */
  readonly id: string;
  readonly unitId: string;
  readonly issueDate: LocalDate;
  readonly kind: InvoiceKind;
  readonly dueDate: LocalDate;
  readonly lines: readonly InvoiceLine[];
  readonly taxRatePercent: number;
  readonly taxableSubtotal: Yen;
  readonly tax: Yen;
  readonly nonTaxable: Yen;
  readonly total: Yen;
  readonly payer: 'contractor' | 'agent';
  readonly recipient: { readonly name: string; readonly attention: string; readonly email: string };
  readonly issuer: { readonly name: string; readonly registrationNumber: string; readonly address: string };
  readonly payments: readonly Payment[];
  /** The paidOn of the payment that settled it in full. */
  readonly paidOn: LocalDate | null;
  /** Late interest fixed at full payment (Art 31; DETAILS L1: 0 until then). */
  readonly interest: Yen;
  /** 振込先: the payer's virtual account (or the operator's account for units accepted before them). */
  readonly payTo?: PayTo;
  /** A late-interest invoice whose cause was cancelled by the bank (B5): kept, not payable. */
  readonly voidedOn?: LocalDate;
}

export const invoiceId = (unitId: string, issueDate: LocalDate, kind: InvoiceKind) => `${unitId}.${issueDate}.${kind}`;
/** How the simulator and the notices name an invoice within its unit: `2024-03-01/fees`. */
/** The issue date and kind an invoice id names (`<unit>.<issueDate>.<kind>`, `invoiceId`), or null for any other text. */
export function invoiceIdParts(id: string): { readonly issueDate: LocalDate; readonly kind: InvoiceKind } | null {
  const m = /^.+\.(\d{4}-\d{2}-\d{2})\.(fees|late_interest)$/.exec(id);
  const issueDate = m ? parseLocalDate(m[1]) : null;
  return m && issueDate ? { issueDate, kind: m[2] as InvoiceKind } : null;
}

export const invoiceRef = (i: Pick<Invoice, 'issueDate' | 'kind'>) => `${i.issueDate}/${i.kind}`;

/** Payments that count: a payment voided by a bank cancellation (B5) does not. */
export const livePayments = (inv: Pick<Invoice, 'payments'>) => inv.payments.filter((p) => !p.voidedOn);

export function balance(inv: Invoice): Yen {
  if (inv.voidedOn) return 0 as Yen;
  return (inv.total - livePayments(inv).reduce((s, p) => s + p.amount, 0)) as Yen;
}

/** V1: the payer's virtual account at the configured bank, or the operator's ordinary account. */
export function payToOf(unit: Pick<Unit, 'virtualAccount'>, config: Config): PayTo {
  const b = config.bank;
  return {
    bankCode: b.code,
    bankName: b.name,
    branchCode: b.branchCode,
    branchName: b.branchName,
    accountType: '普通',
    accountNumber: unit.virtualAccount ?? b.accountNumber,
    holderKana: b.holderKana,
    dedicated: unit.virtualAccount !== undefined,
  };
}

export const unpaid = (i: Invoice): boolean => balance(i) > 0;
/** Overdue on `today`: unpaid with a due date before today (D4). */
export const overdue = (i: Invoice, today: LocalDate): boolean => unpaid(i) && compareDates(i.dueDate, today) < 0;

/** Config `paymentDue` (DETAILS I5): `{ monthsAfter, day: "end" | n }` or `{ days }`. */
export function dueDate(issueDate: LocalDate, rule: PaymentDue): LocalDate {
  if ('days' in rule) return addDays(issueDate, rule.days);
  const m = addMonths(monthOf(issueDate), rule.monthsAfter);
  return rule.day === 'end' ? endOfMonth(m) : localDate(m.year, m.month, Math.min(rule.day, daysInMonth(m.year, m.month)));
}

/** Art 27: the first-term fee covers month(start)+1 … month(first-term end), the start month being free. */
/** Annual fee of a set of a unit's lines (tax-exclusive): 12 × Σ accounts × monthly price (renewals, Art 35 compensation). */
export function annualFee(unit: Unit, lines: readonly Line[], config: Config): Yen {
  const price = config.plans[unit.plan]?.monthlyPrice ?? 0;
  return (12 * lines.reduce((s, l) => s + l.accounts, 0) * price) as Yen;
}

export function firstTermMonths(line: Pick<Line, 'startDate' | 'firstTermEnd'>): number {
  return line.firstTermEnd ? monthsBetween(monthOf(line.startDate), monthOf(line.firstTermEnd)) : 0;
}

function feeLine(unit: Unit, line: Line, type: 'first_term' | 'renewal', config: Config): InvoiceLine {
  const price = config.plans[unit.plan]?.monthlyPrice ?? (0 as Yen);
  const months = type === 'first_term' ? firstTermMonths(line) : 12;
  const from = type === 'first_term' ? firstOfMonth(addMonths(monthOf(line.startDate), 1)) : line.termStart!;
  const to = type === 'first_term' ? line.firstTermEnd! : line.termEnd!;
  const plan = config.plans[unit.plan]?.displayName ?? unit.plan;
  return {
    line: line.id,
    type,
    from,
    to,
    months,
    accounts: line.accounts,
    unitPrice: price,
    amount: (months * line.accounts * price) as Yen,
    taxable: true,
    description: `${plan} ${line.kind === 'basic' ? '基本契約' : '追加契約'} ${type === 'first_term' ? '初回契約期間' : '更新後契約期間'}利用料（${line.accounts}アカウント × ${months}か月）`,
  };
}

/**
 * The fee lines due on `date` (a 1st): first terms of lines started in the previous month (I1: even if
 * the unit has ended since, minimum period) and renewals whose term starts today. Basic first, then
 * additions in creation order (I3).
 */
export function feesDue(unit: Unit, date: LocalDate, config: Config): InvoiceLine[] {
  if (!date.endsWith('-01')) return [];
  const prevMonth = addMonths(monthOf(date), -1);
  const out: InvoiceLine[] = [];
  for (const l of unit.lines) {
    if (!l.started) continue;
    const m = monthOf(l.startDate);
    if (m.year === prevMonth.year && m.month === prevMonth.month && firstTermMonths(l) > 0)
      out.push(feeLine(unit, l, 'first_term', config));
    if (l.termStart === date && l.termStart !== l.startDate && l.endedOn === null) out.push(feeLine(unit, l, 'renewal', config));
  }
  return out;
}

/** Builds an invoice: tax once per invoice on the taxable subtotal, rounded down (Art 30, I7). */
export function buildInvoice(unit: Unit, kind: InvoiceKind, issueDate: LocalDate, lines: readonly InvoiceLine[], config: Config): Invoice {
  const taxableSubtotal = lines.filter((l) => l.taxable).reduce((s, l) => s + l.amount, 0) as Yen;
  const nonTaxable = lines.filter((l) => !l.taxable).reduce((s, l) => s + l.amount, 0) as Yen;
  const tax = percentOfFloor(taxableSubtotal, config.taxRatePercent);
  const agent = unit.contractor.agent;
  return {
    id: invoiceId(unit.id, issueDate, kind),
    unitId: unit.id,
    issueDate,
    kind,
    dueDate: dueDate(issueDate, config.paymentDue),
    lines,
    taxRatePercent: config.taxRatePercent,
    taxableSubtotal,
    tax,
    nonTaxable,
    total: (taxableSubtotal + tax + nonTaxable) as Yen,
    // Art 29, DETAILS I6: the agent is the payer whenever the contract has one.
    payer: agent ? 'agent' : 'contractor',
    recipient: agent
      ? { name: agent.name, attention: `${unit.contractor.name} ご契約分`, email: agent.email }
      : { name: unit.contractor.name, attention: `${unit.contractor.accountManager.name} 様`, email: unit.contractor.accountManager.email },
    issuer: config.issuer,
    payments: [],
    paidOn: null,
    interest: 0 as Yen,
    payTo: payToOf(unit, config),
  };
}
