import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, addMonths, date, endOfMonth, fromDayNumber, isMonthEnd, monthOf, monthsBetween, toDayNumber } from '#domain/calendar.ts';
import { additionalTermEnd, cancellationDeadline, firstTermEnd, renewal } from '#domain/terms.ts';

const arbDate = fc.integer({ min: toDayNumber(date('2000-01-01')), max: toDayNumber(date('2090-12-31')) }).map(fromDayNumber);

describe('terms (Art 13, 14, 18; RULES §3)', () => {
  it.each([
    ['2024-02-15', '2025-02-28'],
    ['2024-01-31', '2025-01-31'],
    ['2023-12-01', '2024-12-31'],
    ['2024-02-29', '2025-02-28'],
    ['2024-04-01', '2025-04-30'],
  ])('first term from %s ends %s', (s, e) => expect(firstTermEnd(date(s))).toBe(e));

  it('the first term always ends on the last day of the 12th month after the start month', () => {
    fc.assert(
      fc.property(arbDate, (s) => {
        const end = firstTermEnd(s);
        expect(isMonthEnd(end)).toBe(true);
        expect(monthsBetween(monthOf(s), monthOf(end))).toBe(12);
        expect(end).toBe(endOfMonth(addMonths(monthOf(s), 12)));
        expect(end > s).toBe(true);
      }),
    );
  });

  it.each([
    // RULES §12 example 2: addition 2024-07-10 on a unit ending 2025-02-28 → coterminous.
    ['2024-07-10', '2025-02-28', '2025-02-28'],
    // Example 3: addition in the term's last month → a year later (Art 13 ¶3).
    ['2025-02-03', '2025-02-28', '2026-02-28'],
    // T1: year and month compared.
    ['2023-12-20', '2024-12-31', '2024-12-31'],
  ])('additional contract from %s on a unit ending %s ends %s', (s, e, r) => expect(additionalTermEnd(date(s), date(e))).toBe(r));

  it('renewal: T+1 to the end of the 12th month after month(T) (example 1)', () => {
    expect(renewal(date('2025-02-28'))).toEqual({ from: '2025-03-01', to: '2026-02-28' });
    fc.assert(
      fc.property(arbDate, (s) => {
        const t = firstTermEnd(s);
        const r = renewal(t);
        expect(r.from).toBe(addDays(t, 1));
        expect(monthsBetween(monthOf(t), monthOf(r.to))).toBe(12);
      }),
    );
  });

  it.each([
    ['2025-02-28', '2025-01-31'],
    ['2025-03-31', '2025-02-28'],
    ['2025-01-31', '2024-12-31'],
  ])('cancellation deadline for %s is %s', (t, d) => expect(cancellationDeadline(date(t))).toBe(d));
});
