/**
 * Calendar days in Japan time (Asia/Tokyo, UTC+9, no DST).
 * A LocalDate is the string `YYYY-MM-DD`; arithmetic goes through a proleptic Gregorian
 * day number, never through a JS Date at UTC midnight.
 */
export type LocalDate = string & { readonly __brand: 'LocalDate' };
/** An instant, as milliseconds since the Unix epoch. */
export type Instant = number & { readonly __brand: 'Instant' };
/** A calendar month as `YYYY-MM`. */
export type YearMonth = { readonly year: number; readonly month: number };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const JST_OFFSET_MS = 9 * 3600 * 1000;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Parses `YYYY-MM-DD`; returns null for anything that is not a real calendar date. */
export function parseLocalDate(s: unknown): LocalDate | null {
  if (typeof s !== 'string') return null;
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return s as LocalDate;
}

export function localDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as LocalDate;
}

/** Throws on a malformed date: for literals in code and tests. */
export function date(s: string): LocalDate {
  const d = parseLocalDate(s);
  if (!d) throw new Error(`not a calendar date: ${s}`);
  return d;
}

export function parts(d: LocalDate): { year: number; month: number; day: number } {
  return { year: Number(d.slice(0, 4)), month: Number(d.slice(5, 7)), day: Number(d.slice(8, 10)) };
}

/** Days since 1970-01-01 (civil-from-days algorithm, H. Hinnant). */
export function toDayNumber(d: LocalDate): number {
  const { year, month: m, day } = parts(d);
  const y = year - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDayNumber(n: number): LocalDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return localDate(y + (m <= 2 ? 1 : 0), m, d);
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return fromDayNumber(toDayNumber(d) + n);
}

/** b − a in days. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings order like dates
}

export function monthOf(d: LocalDate): YearMonth {
  const { year, month } = parts(d);
  return { year, month };
}

export function addMonths(ym: YearMonth, k: number): YearMonth {
  const idx = ym.year * 12 + (ym.month - 1) + k;
  return { year: Math.floor(idx / 12), month: (((idx % 12) + 12) % 12) + 1 };
}

/** Months from a to b (b − a), by calendar month. */
export function monthsBetween(a: YearMonth, b: YearMonth): number {
  return b.year * 12 + b.month - (a.year * 12 + a.month);
}

export function sameMonth(a: LocalDate, b: LocalDate): boolean {
  return a.slice(0, 7) === b.slice(0, 7);
}

export function endOfMonth(ym: YearMonth): LocalDate {
  return localDate(ym.year, ym.month, daysInMonth(ym.year, ym.month));
}

export function firstOfMonth(ym: YearMonth): LocalDate {
  return localDate(ym.year, ym.month, 1);
}

export function isMonthEnd(d: LocalDate): boolean {
  return endOfMonth(monthOf(d)) === d;
}

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an ISO-8601 timestamp. Without an offset it is read as Japan time (DETAILS S4).
 * Returns null when malformed.
 */
export function parseInstant(s: unknown): Instant | null {
  if (typeof s !== 'string') return null;
  const m = INSTANT_RE.exec(s);
  if (!m) return null;
  const day = parseLocalDate(m[1]);
  const hh = Number(m[2]);
  const mm = Number(m[3]);
  const ss = m[4] ? Number(m[4]) : 0;
  if (!day || hh > 23 || mm > 59 || ss > 59) return null;
  const ms = m[5] ? Number(m[5].slice(0, 3).padEnd(3, '0')) : 0;
  let offsetMs = JST_OFFSET_MS;
  const off = m[6];
  if (off === 'Z') offsetMs = 0;
  else if (off) {
    const sign = off[0] === '-' ? -1 : 1;
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(-2));
    // Real UTC offsets lie within ±14:00 (Line Islands); anything else is not an instant.
    if (om > 59 || oh * 60 + om > 14 * 60) return null;
    offsetMs = sign * (oh * 3600 + om * 60) * 1000;
  }
  return (toDayNumber(day) * 86400000 + ((hh * 60 + mm) * 60 + ss) * 1000 + ms - offsetMs) as Instant;
}

/** The Japan-time calendar date of an instant. */
export function jstDate(t: Instant): LocalDate {
  return fromDayNumber(Math.floor((t + JST_OFFSET_MS) / 86400000));
}

/** The instant of a Japan-time wall-clock time on a date. */
export function jstInstant(d: LocalDate, hour = 0, minute = 0, second = 0): Instant {
  return (toDayNumber(d) * 86400000 + ((hour * 60 + minute) * 60 + second) * 1000 - JST_OFFSET_MS) as Instant;
}

/** ISO-8601 with the +09:00 offset, e.g. 2025-05-01T09:00:00+09:00. */
export function formatJst(t: Instant): string {
  const local = t + JST_OFFSET_MS;
  const day = fromDayNumber(Math.floor(local / 86400000));
  const msOfDay = ((local % 86400000) + 86400000) % 86400000;
  const s = Math.floor(msOfDay / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day}T${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}+09:00`;
}

/**
 * The dates a request may name, relative to the business date (documented in the README): from
 * ten years before it to ten years after it (a start date years ahead is allowed by the rules).
 * Outside that a date is a typo (1900, 2999), not a fact.
 */
export const REQUEST_DATE_RANGE = { daysBefore: 3653, daysAfter: 3653 } as const;

/** The first and last date a request may name on business date `today` (REQUEST_DATE_RANGE). */
export function requestDateRange(today: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: addDays(today, -REQUEST_DATE_RANGE.daysBefore), to: addDays(today, REQUEST_DATE_RANGE.daysAfter) };
}

/** Whether `d` lies within REQUEST_DATE_RANGE of the business date `today`. */
export function withinRequestRange(d: LocalDate, today: LocalDate): boolean {
  const { from, to } = requestDateRange(today);
  return compareDates(d, from) >= 0 && compareDates(d, to) <= 0;
}
