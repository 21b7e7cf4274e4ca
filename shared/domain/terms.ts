/** Contract terms (Art 12, 13, 14, 18) — RULES.md §3. */
import { addDays, addMonths, endOfMonth, monthOf, sameMonth, type LocalDate } from './calendar.ts';

/**
 * Art 13: the basic contract's first term runs from the start date to the end of the 12th month
 * after the start month ("提供開始日を含む月の翌月から1年後の月末", RULES §3 [interp]).
 * 2024-02-15 → 2025-02-28; 2024-01-31 → 2025-01-31; 2023-12-01 → 2024-12-31.
 */
export function firstTermEnd(start: LocalDate): LocalDate {
  return endOfMonth(addMonths(monthOf(start), 12));
}

/**
 * Art 13 ¶3/¶4: an additional contract started on `start` ends with the unit's current term `unitTermEnd`,
 * unless it starts in that term's last month (year and month compared, DETAILS T1): then a year later.
 */
export function additionalTermEnd(start: LocalDate, unitTermEnd: LocalDate): LocalDate {
  return sameMonth(start, unitTermEnd) ? firstTermEnd(start) : unitTermEnd;
}

/** Art 14: a term ending on T renews for a year, T+1 to the end of the 12th month after month(T). */
export function renewal(termEnd: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: addDays(termEnd, 1), to: endOfMonth(addMonths(monthOf(termEnd), 12)) };
}

/** Art 18: the cancellation deadline (解約申込期限) for an end date D is the last day of the month before month(D), inclusive. */
export function cancellationDeadline(end: LocalDate): LocalDate {
  return endOfMonth(addMonths(monthOf(end), -1));
}
