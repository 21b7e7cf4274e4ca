/**
 * Payments (Art 28, 31; DETAILS L). A payment lowers an invoice's balance; more than the balance is
 * refused. The payment that settles a fees invoice fixes its late interest and, when there is any,
 * issues a late_interest invoice on the payment's date (one per unit and date, L3). Full payment of
 * every overdue invoice resumes a suspended unit on the date it is recorded (L5, D4).
 */
import { addDays, compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import type { OutboxItem } from './effects.ts';
import { DomainError, invalid, notFound } from './errors.ts';
import { lateInterest } from './interest.ts';
import { balance, livePayments, buildInvoice, invoiceId, invoiceRef, overdue, type Invoice, type InvoiceLine } from './invoices.ts';
import { lineDesktopJobs } from './dunning.ts';
import { invoiceIssuedNotice } from './billing.ts';
import type { Yen } from './money.ts';
import { accountsInService, unitNotice } from './notices.ts';
import type { Unit } from './unit.ts';

export interface PaymentInput {
  readonly amount: number;
  readonly paidOn: LocalDate;
  /** The deposit that pays it (MONEY-IN B4), kept on the payment so a cancellation can void it (B5). */
  readonly deposit?: string;
}

/** Precedence (L6) after the unit is found: amount ≤ 0 / paidOn in the future → invoice → paidOn before issue → balance. */
export function recordPayment(
  unit: Unit,
  id: string,
  p: PaymentInput,
  today: LocalDate,
  config: Config,
): { unit: Unit; outbox: OutboxItem[]; invoice: Invoice } {
  if (!Number.isInteger(p.amount) || p.amount <= 0) throw invalid('amount must be a positive integer (yen)', { field: 'amount' });
  if (compareDates(p.paidOn, today) > 0) throw invalid('paidOn must not be after today', { field: 'paidOn', today });
  const invoices = unit.invoices;
  const inv = invoices.find((i) => i.id === id);
  if (!inv) throw notFound('invoice', id);
  if (inv.voidedOn) throw invalid('the invoice is void (its cause was cancelled by the bank)', { invoice: id, voidedOn: inv.voidedOn });
  if (compareDates(p.paidOn, inv.issueDate) < 0)
    throw invalid('paidOn must not be before the issue date', { field: 'paidOn', issueDate: inv.issueDate });
  const bal = balance(inv);
  if (p.amount > bal)
    throw new DomainError('PAYMENT_EXCEEDS_BALANCE', `the payment exceeds the balance of ${bal} yen`, { balance: bal, amount: p.amount });

  const payment = { amount: p.amount as Yen, paidOn: p.paidOn, recordedOn: today, ...(p.deposit ? { deposit: p.deposit } : {}) };
  const payments = [...inv.payments, payment];
  const settled = p.amount === bal;
  // Fully paid on the latest paidOn of its payments: a settling payment backdated before an earlier
  // partial one does not end the days the partial one left outstanding (L5, L8). Voided payments (B5) do not count.
  const live = livePayments({ payments });
  const fullyPaidOn = live.map((x) => x.paidOn).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
  // Art 31: interest only on fees invoices (L2), fixed when fully paid (L1).
  const interest =
    settled && inv.kind === 'fees' ? lateInterest({ total: inv.total, dueDate: inv.dueDate, payments: live }, fullyPaidOn) : (0 as Yen);
  const paid: Invoice = { ...inv, payments, paidOn: settled ? fullyPaidOn : null, interest };
  let next: Unit = { ...unit, invoices: invoices.map((i) => (i.id === id ? paid : i)) };
  const outbox: OutboxItem[] = [];

  if (interest > 0) {
    const r = addLateInterest(next, paid, fullyPaidOn, today, config);
    next = r.unit;
    outbox.push(...r.outbox);
  }
  // Resumption (D4): a suspended unit whose overdue invoices are all paid; never an ended one (L7).
  if (next.status === 'suspended' && !next.invoices.some((i) => overdue(i, today))) {
    next = { ...next, status: 'active', suspendedOn: null, history: [...next.history, { date: today, status: 'active' }] };
    outbox.push(
      unitNotice(next, 'service_resumed', today, 'account_manager', config, { accounts: accountsInService(next, today), resumedOn: today }),
    );
    outbox.push(...lineDesktopJobs(next, 'resume', today, config));
  }
  return { unit: next, outbox, invoice: paid };
}

/** L3, L4, L5, I4: the late-interest invoice of `issueDate` (= paidOn), one line per source invoice. */
function addLateInterest(
  unit: Unit,
  source: Invoice,
  issueDate: LocalDate,
  today: LocalDate,
  config: Config,
): { unit: Unit; outbox: OutboxItem[] } {
  const line: InvoiceLine = {
    line: unit.id,
    type: 'late_interest',
    from: addDays(source.dueDate, 1),
    to: addDays(issueDate, -1),
    months: null,
    accounts: null,
    unitPrice: null,
    amount: source.interest,
    taxable: false, // late interest is outside consumption tax
    description: `延滞利息（請求書 ${invoiceRef(source)}、年14.5%）`,
    invoice: source.id,
  };
  const id = invoiceId(unit.id, issueDate, 'late_interest');
  const existing = unit.invoices.find((i) => i.id === id);
  const lines = [...(existing?.lines ?? []), line];
  const invoice = { ...buildInvoice(unit, 'late_interest', issueDate, lines, config), payments: existing?.payments ?? [] };
  const invoices = existing ? unit.invoices.map((i) => (i.id === id ? invoice : i)) : [...unit.invoices, invoice];
  const next = { ...unit, invoices };
  // One notice per late-interest invoice (L3), dated the day the payment was processed (I8).
  return { unit: next, outbox: existing ? [] : [invoiceIssuedNotice(next, invoice, today, config)] };
}

/** Art 6-2(2), DETAILS P12: an invoice of either kind past due with a balance, or a terminated unit. */
export function isDelinquent(units: readonly Unit[], today: LocalDate): boolean {
  return units.some((u) => u.status === 'terminated' || u.invoices.some((i) => overdue(i, today)));
}

/**
 * MONEY-IN B5: the bank cancelled a deposit. Its payments are voided (kept, marked), the invoices they
 * paid are unpaid again as if they had never been (paidOn and interest cleared), and a late-interest
 * invoice that such a full payment caused is voided with it when every line of it came from a voided
 * settlement. Nothing already mailed is recalled; no notice here (the operator is told by the caller).
 * Returns the changed invoices (empty when the deposit paid nothing of this unit, or was voided already).
 */
export function voidDepositPayments(unit: Unit, depositId: string, today: LocalDate): { unit: Unit; voided: Invoice[] } {
  const invoices = unit.invoices;
  const reopened = new Map<string, LocalDate>(); // source invoice id → the paidOn it had
  let next = invoices.map((inv) => {
    if (!inv.payments.some((p) => p.deposit === depositId && !p.voidedOn)) return inv;
    const payments = inv.payments.map((p) => (p.deposit === depositId && !p.voidedOn ? { ...p, voidedOn: today } : p));
    const after: Invoice = { ...inv, payments, paidOn: null, interest: 0 as Yen };
    if (balance(after) === 0) {
      // Still settled by the other payments: keep it paid on the latest of those (interest unchanged).
      const live = livePayments(after);
      return { ...after, paidOn: live.map((x) => x.paidOn).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b)), interest: inv.interest };
    }
    if (inv.paidOn) reopened.set(inv.id, inv.paidOn);
    return after;
  });
  next = next.map((inv) =>
    inv.kind === 'late_interest' &&
    !inv.voidedOn &&
    inv.lines.length > 0 &&
    inv.lines.every((l) => l.invoice !== undefined && reopened.get(l.invoice) === inv.issueDate)
      ? { ...inv, voidedOn: today }
      : inv,
  );
  const changed = next.filter((inv, k) => inv !== invoices[k]);
  return changed.length ? { unit: { ...unit, invoices: next }, voided: changed } : { unit, voided: [] };
}
