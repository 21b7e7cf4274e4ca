/**
 * Deposits (MONEY-IN B2–B7): who paid, what a deposit pays, its outcome. Pure.
 */
import { compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { invalid } from './errors.ts';
import type { Unit } from './unit.ts';
import type { BankDeposit } from './zengin.ts';

export type DepositStatus = 'matched' | 'partial' | 'unmatched' | 'credit' | 'cancelled';

/** A payer (B3): the contractor by corporate number, or for agent sales the agent by e-mail (lower case). */
export function payerOf(unit: Pick<Unit, 'contractor'>): string {
  const agent = unit.contractor.agent;
  return agent ? `agent:${agent.email.toLowerCase()}` : `corp:${unit.contractor.corporateNumber}`;
}

/** The kana name a payer registered with the application (B3b), if any. */
export function payerKana(unit: Pick<Unit, 'contractor'>): string | undefined {
  const agent = unit.contractor.agent;
  return agent ? agent.nameKana : unit.contractor.nameKana;
}

/** B2: a deposit's identity (銀行コード, 支店コード, 口座番号, 勘定日, 照会番号, 金額) — and whether it is a cancellation. */
export function depositIdentity(
  d: Pick<BankDeposit, 'bankCode' | 'branchCode' | 'accountNumber' | 'valueDate' | 'inquiry' | 'amount' | 'cancels'>,
): string {
  return [d.bankCode, d.branchCode, d.accountNumber, d.valueDate, d.inquiry, d.amount, d.cancels ? 'C' : 'D'].join('|');
}

/** B5: what a cancellation record refers to (the deposit with the same 照会番号 and amount on that account). */
export function cancellationTarget(d: Pick<BankDeposit, 'bankCode' | 'branchCode' | 'accountNumber' | 'inquiry' | 'amount'>): string {
  return [d.bankCode, d.branchCode, d.accountNumber, d.inquiry, d.amount].join('|');
}

/** Is this account number one of the configured range of virtual accounts (B3a)? */
export function isVirtualAccount(config: Config, bankCode: string, branchCode: string, account: string): boolean {
  const b = config.bank;
  return bankCode === b.code && branchCode === b.branchCode && account >= b.virtualAccounts.from && account <= b.virtualAccounts.to;
}

/** The n-th (1-based) virtual account of the range, or null when the range is used up. */
export function nthVirtualAccount(config: Config, n: number): string | null {
  const { from, to } = config.bank.virtualAccounts;
  const v = Number(from) + n - 1;
  return v > Number(to) ? null : String(v).padStart(7, '0');
}

/** An unpaid invoice a deposit may pay. */
export interface OpenInvoice {
  readonly id: string;
  readonly unitId: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly balance: number;
}

export interface Allocation {
  readonly payments: readonly { readonly invoiceId: string; readonly unitId: string; readonly amount: number }[];
  readonly credit: number;
}

/** Oldest due date first (then issue date, then id): the order of B4. */
export function dueOrder(a: OpenInvoice, b: OpenInvoice): number {
  return compareDates(a.dueDate, b.dueDate) || compareDates(a.issueDate, b.issueDate) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Invoices considered for exact groups of 2–5 (C(40,5) ≈ 660,000 sums at most). */
const GROUP_CANDIDATES = 40;

/** The smallest group of 2–5 invoices whose balances sum to `amount`; ties: the lexicographically oldest. */
function exactGroup(amount: number, inv: readonly OpenInvoice[]): number[] | null {
  const n = Math.min(inv.length, GROUP_CANDIDATES);
  for (let size = 2; size <= 5 && size <= n; size++) {
    const pick: number[] = [];
    const search = (start: number, left: number): boolean => {
      if (pick.length === size) return left === 0;
      for (let i = start; i <= n - (size - pick.length); i++) {
        const b = inv[i]!.balance;
        if (b > left) continue;
        pick.push(i);
        if (search(i + 1, left - b)) return true;
        pick.pop();
      }
      return false;
    };
    if (search(0, amount)) return pick;
  }
  return null;
}

/**
 * B4: what a deposit of `amount` pays among the payer's unpaid invoices (in any order; sorted here).
 * 1 one invoice's balance exactly → it; 2 an exact group of 2–5 → the smallest (oldest on ties);
 * 3 less than the oldest balance → a partial payment of it; 4 otherwise in due order, the last one
 * partly; 5 more than everything owed → all, the rest is unapplied credit.
 */
export function allocate(amount: number, invoices: readonly OpenInvoice[]): Allocation {
  if (!Number.isInteger(amount) || amount <= 0) throw invalid('a deposit amount must be a positive integer (yen)', { amount });
  const inv = invoices.filter((i) => i.balance > 0).sort(dueOrder);
  const pay = (list: readonly OpenInvoice[], amounts?: number[]) =>
    list.map((i, k) => ({ invoiceId: i.id, unitId: i.unitId, amount: amounts?.[k] ?? i.balance }));
  if (inv.length === 0) return { payments: [], credit: amount };
  const one = inv.find((i) => i.balance === amount);
  if (one) return { payments: pay([one]), credit: 0 };
  const group = exactGroup(amount, inv);
  if (group) return { payments: pay(group.map((k) => inv[k]!)), credit: 0 };
  const total = inv.reduce((s, i) => s + i.balance, 0);
  if (amount >= total) return { payments: pay(inv), credit: amount - total };
  const out: { invoiceId: string; unitId: string; amount: number }[] = [];
  let left = amount;
  for (const i of inv) {
    if (left === 0) break;
    const a = Math.min(left, i.balance);
    out.push({ invoiceId: i.id, unitId: i.unitId, amount: a });
    left -= a;
  }
  return { payments: out, credit: 0 };
}

/** B7 / SIMULATION "Deposits": credit when money is left over, partial when a payment leaves its invoice unpaid, else matched. */
export function outcome(
  applied: readonly { readonly amount: number; readonly balanceBefore: number }[],
  credit: number,
): 'matched' | 'partial' | 'credit' {
  if (credit > 0) return 'credit';
  if (applied.some((p) => p.amount < p.balanceBefore)) return 'partial';
  return 'matched';
}
