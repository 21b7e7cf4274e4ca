/**
 * Late interest (Art 31; RULES §6; DETAILS L). 14.5 % a year on a 365-day basis (also in leap
 * years), on each day's outstanding balance, from the day after the due date to the day before the
 * full payment; nothing when fully paid within 10 days of the due date (all or nothing, L8).
 * floor(Σ balance_day × 145 / 365000).
 */
import { addDays, compareDates, type LocalDate } from './calendar.ts';
import type { Yen } from './money.ts';

/** Constants of the terms (DETAILS G2), not config. */
export const INTEREST_PER_MILLE_X10 = 145; // 14.5 %
export const DAY_BASIS = 365;
export const GRACE_DAYS = 10;

export interface Settlement {
  readonly total: Yen;
  readonly dueDate: LocalDate;
  readonly payments: readonly { readonly amount: Yen; readonly paidOn: LocalDate }[];
}

/** The interest of an invoice fully paid on `paidOn` (the date of the payment that settled it). */
export function lateInterest(s: Settlement, paidOn: LocalDate): Yen {
  if (compareDates(paidOn, addDays(s.dueDate, GRACE_DAYS)) <= 0) return 0 as Yen;
  // Σ over days d in [due+1, paidOn−1] of the balance on d; a payment lowers the balance from its own date on.
  let sum = 0n;
  for (let d = addDays(s.dueDate, 1); compareDates(d, paidOn) < 0; d = addDays(d, 1)) {
    const paid = s.payments.filter((p) => compareDates(p.paidOn, d) <= 0).reduce((a, p) => a + p.amount, 0);
    sum += BigInt(s.total - paid);
  }
  return Number((sum * BigInt(INTEREST_PER_MILLE_X10)) / BigInt(DAY_BASIS * 1000)) as Yen;
}
