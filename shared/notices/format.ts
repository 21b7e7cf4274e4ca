/** Formatting the values of a notice in Japanese: dates, instants in Japan time, yen, hours. Pure. */
import { daysBetween, formatJst, parseInstant, parts, type LocalDate } from '#domain/calendar.ts';
import { formatYen } from '#domain/money.ts';

/** Escapes the five HTML-significant characters; every interpolated value goes through it. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2024-02-15` → `2024年2月15日`. */
export function formatJapaneseDate(d: LocalDate): string {
  const { year, month, day } = parts(d);
  return `${year}年${month}月${day}日`;
}

/** An ISO-8601 instant (any offset; none = Japan time) in Japan time: `2025年5月1日 9時00分`; null when malformed. */
export function formatJapaneseDateTime(s: unknown): string | null {
  const jst = jstParts(s);
  return jst && `${formatJapaneseDate(jst.day)} ${jst.time}`;
}

/** 720000 → `720,000円`. */
export function formatYenJa(n: number): string {
  return `${formatYen(n)}円`;
}

/** A date in Japanese, or undefined. */
export function ja(d: LocalDate | undefined | null): string | undefined {
  return d ? formatJapaneseDate(d) : undefined;
}

export function yenOf(n: number | undefined | null): string | undefined {
  return n === undefined || n === null ? undefined : formatYenJa(n);
}

/** The Japan-time date and `H時MM分` of an instant. */
function jstParts(s: unknown): { day: LocalDate; time: string } | null {
  const t = parseInstant(s);
  if (t === null) return null;
  const jst = formatJst(t); // YYYY-MM-DDTHH:MM:SS+09:00
  return { day: jst.slice(0, 10) as LocalDate, time: `${Number(jst.slice(11, 13))}時${jst.slice(14, 16)}分` };
}

/** An instant in Japanese, or undefined. */
export function instantText(s: string): string | undefined {
  return formatJapaneseDateTime(s) ?? undefined;
}

/** `from～to` in Japan time; the date is not repeated when both are on the same day. */
export function instantRange(from: string, to: string): string | undefined {
  const a = jstParts(from);
  const b = jstParts(to);
  if (a && b) return `${formatJapaneseDate(a.day)} ${a.time}～${a.day === b.day ? '' : `${formatJapaneseDate(b.day)} `}${b.time}`;
  if (a) return `${formatJapaneseDate(a.day)} ${a.time}～`;
  if (b) return `～${formatJapaneseDate(b.day)} ${b.time}`;
  return undefined;
}

export function dateRange(from: LocalDate | undefined, to: LocalDate | undefined): string | undefined {
  if (!from && !to) return undefined;
  return `${ja(from) ?? ''}～${ja(to) ?? ''}`;
}

/** 121.5 → `121時間30分`, 120 → `120時間`. */
export function hoursText(h: number): string | undefined {
  if (h < 0) return undefined;
  const whole = Math.floor(h);
  const minutes = Math.round((h - whole) * 60);
  if (minutes === 60) return `${whole + 1}時間`;
  return minutes === 0 ? `${whole}時間` : `${whole}時間${minutes}分`;
}

/** Days from the notice date to `d`, as `あと7日` (nothing once it has passed). */
export function daysLeft(date: LocalDate, d: LocalDate): string | undefined {
  const k = daysBetween(date, d);
  return k > 0 ? `あと${k}日` : k === 0 ? '本日' : undefined;
}

/** The empty string as no value (a field left out of its table). */
export const nonEmpty = (s: string | null | undefined): string | undefined => (s === '' || s === null ? undefined : s);
