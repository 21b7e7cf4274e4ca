import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  date,
  daysBetween,
  endOfMonth,
  formatJst,
  fromDayNumber,
  isMonthEnd,
  jstDate,
  monthOf,
  parseInstant,
  parseLocalDate,
  toDayNumber,
} from '#domain/calendar.ts';

const arbDate = fc.integer({ min: toDayNumber(date('1990-01-01')), max: toDayNumber(date('2100-12-31')) }).map(fromDayNumber);

describe('calendar (Japan time, no JS Date)', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2100-02-29', false],
    ['2000-02-29', true],
    ['2024-04-31', false],
    ['2024-13-01', false],
    ['2024-1-01', false],
    ['2024-01-01T00:00', false],
  ])('parseLocalDate(%s) valid=%s', (s, ok) => expect(parseLocalDate(s) !== null).toBe(ok));

  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-01-31', 30, '2025-03-02'],
  ])('addDays(%s, %i) = %s', (d, n, r) => expect(addDays(date(d), n)).toBe(r));

  it.each([
    ['2024-02-15', 12, '2025-02-28'],
    ['2024-01-31', 12, '2025-01-31'],
    ['2023-12-01', 12, '2024-12-31'],
    ['2024-03-10', -1, '2024-02-29'],
  ])('endOfMonth(month(%s) + %i) = %s', (d, k, r) => expect(endOfMonth(addMonths(monthOf(date(d)), k))).toBe(r));

  it('day numbers round-trip and count days', () => {
    fc.assert(
      fc.property(arbDate, fc.integer({ min: -2000, max: 2000 }), (d, n) => {
        expect(fromDayNumber(toDayNumber(d))).toBe(d);
        expect(daysBetween(d, addDays(d, n))).toBe(n);
        expect(parseLocalDate(addDays(d, n))).not.toBeNull();
      }),
    );
  });

  it('month ends are exactly the days whose next day is the 1st', () => {
    fc.assert(
      fc.property(arbDate, (d) => {
        expect(isMonthEnd(d)).toBe(addDays(d, 1).endsWith('-01'));
      }),
    );
  });

  it.each([
    ['2025-05-01T09:00:00+09:00', '2025-05-01', '2025-05-01T09:00:00+09:00'],
    ['2025-01-31T15:30:00Z', '2025-02-01', '2025-02-01T00:30:00+09:00'], // C10: late by JST date
    ['2025-01-31T23:59', '2025-01-31', '2025-01-31T23:59:00+09:00'], // S4: no offset = JST
    ['2025-01-31T10:00:00-05:00', '2025-02-01', '2025-02-01T00:00:00+09:00'],
  ])('instant %s is JST date %s', (s, d, f) => {
    const t = parseInstant(s)!;
    expect(jstDate(t)).toBe(d);
    expect(formatJst(t)).toBe(f);
  });

  it('rejects malformed instants', () => {
    for (const s of ['2025-05-01', '2025-05-01T25:00:00Z', '2025-02-30T00:00:00Z', 'soon', 42]) expect(parseInstant(s)).toBeNull();
  });
});
