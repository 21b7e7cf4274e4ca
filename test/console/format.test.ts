/** The console's pure logic: Japanese dates and yen, refusal codes in words, deadlines, chart scaling. */
import { describe, expect, it } from 'vitest';
import {
  deadlineOf,
  formatDate,
  formatInstant,
  formatMonth,
  jstInput,
  monthEnd,
  refusal,
  REFUSAL,
  scale,
  yen,
} from '../../console/src/format.ts';

describe('console formats', () => {
  it('dates as 2025年2月28日, instants in Japan time, months', () => {
    expect(formatDate('2025-02-28')).toBe('2025年2月28日');
    expect(formatDate('2024-12-01')).toBe('2024年12月1日');
    expect(formatDate(null)).toBe('—');
    expect(formatInstant('2025-02-28T15:30:00Z')).toBe('2025年3月1日 0:30');
    expect(formatInstant('2025-03-01T09:05:00+09:00')).toBe('2025年3月1日 9:05');
    expect(formatMonth('2025-04')).toBe('2025年4月');
    expect(jstInput('2025-03-01T09:30')).toBe('2025-03-01T09:30:00+09:00');
  });

  it('yen as ¥792,000', () => {
    expect(yen(792000)).toBe('¥792,000');
    expect(yen(0)).toBe('¥0');
    expect(yen(1234567890)).toBe('¥1,234,567,890');
    expect(yen(-1500)).toBe('-¥1,500');
    expect(yen(999)).toBe('¥999');
  });

  it('refusal codes in words: why, and what to do', () => {
    expect(refusal('APPLICANT_DELINQUENT').why).toContain('延滞');
    expect(refusal('APPLICANT_DELINQUENT').todo).toContain('入金');
    expect(refusal('EARLIER_APPLICATION_PENDING').todo).toContain('先頭');
    expect(refusal('SOMETHING_NEW').why).toContain('SOMETHING_NEW');
    for (const code of ['CANCELLATION_DEADLINE_PASSED', 'PAYMENT_EXCEEDS_BALANCE', 'FORBIDDEN', 'NOT_A_MONTH_END'])
      expect(REFUSAL[code]).toBeDefined();
  });

  it('month ends and cancellation deadlines (the last day of the month before, Art 18)', () => {
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('2025-02-01')).toBe('2025-02-28');
    expect(deadlineOf('2024-03-31')).toBe('2024-02-29');
    expect(deadlineOf('2025-01-31')).toBe('2024-12-31');
    expect(deadlineOf('2025-02-28')).toBe('2025-01-31');
  });

  it('chart bars scale to the largest value', () => {
    expect(scale([0, 5, 10], 100)).toEqual([0, 50, 100]);
    expect(scale([0, 0], 100)).toEqual([0, 0]);
  });
});
