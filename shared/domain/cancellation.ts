/**
 * Cancellation (Art 18; C1–C10 in docs/RULES.md). A request names the end of service: `term_end` or a
 * month end, for the whole unit or one additional line. It is refused, in this order of precedence (C4):
 *
 * 1. NOT_FOUND — `line` names no additional line of the unit;
 * 2. VALIDATION_FAILED / NOT_A_MONTH_END — `end` is neither `term_end` nor a date / a date but not a month end;
 * 3. UNIT_NOT_ACTIVE — the unit is not in service, or the line is not (yet or any more);
 * 4. UNIT_CANCELLATION_PENDING — the unit, or that line, already has an accepted cancellation (C6);
 * 5. CANCELLATION_DEADLINE_PASSED — today is after the deadline for that end (with `earliest`, C3);
 * 6. VALIDATION_FAILED — the end is after the last end that can still be requested (C1, C2).
 *
 * Pure: every function takes "today".
 */
import { addMonths, compareDates, endOfMonth, isMonthEnd, monthOf, parseLocalDate, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import type { OutboxItem, Transition } from './effects.ts';
import { DomainError, invalid, notFound } from './errors.ts';
import { dataRetrievalNotice } from './lifecycle.ts';
import { unitNotice, unitTarget } from './notices.ts';
import { cancellationDeadline, renewal } from './terms.ts';
import { dataRetrievalTimeline } from './timelines.ts';
import { basicLine, inService, isLive, type Cancellation, type Line, type Unit } from './unit.ts';

export interface CancellationRequest {
  /** `term_end` or a month-end date (Art 18-4). */
  readonly end: string;
  /** A line id; absent or the unit id: the whole unit (C7). */
  readonly line?: string;
}

/** C3: the earliest end still possible for a request received today — the end of next month. */
export function earliestCancellableEnd(today: LocalDate): LocalDate {
  return endOfMonth(addMonths(monthOf(today), 1));
}

/**
 * C1, C2: the last end a request received today may name for a term ending `termEnd` — that term end
 * while its deadline is ahead, else the end of the next term (whose deadline then is).
 */
export function latestCancellableEnd(termEnd: LocalDate, today: LocalDate): LocalDate {
  return compareDates(today, cancellationDeadline(termEnd)) <= 0 ? termEnd : renewal(termEnd).to;
}

export const notActive = (what: string) => new DomainError('UNIT_NOT_ACTIVE', `${what} is not in service`, {});
export const cancellationPending = (what: string) =>
  new DomainError('UNIT_CANCELLATION_PENDING', `${what} already has an accepted cancellation (Art 18)`, {});

/** 2. The requested end: `term_end`, or a month-end date. */
function requestedEnd(end: string): LocalDate | 'term_end' {
  if (end === 'term_end') return 'term_end';
  const d = parseLocalDate(end);
  if (!d) throw invalid('end must be "term_end" or a date YYYY-MM-DD', { field: 'end' });
  if (!isMonthEnd(d)) throw new DomainError('NOT_A_MONTH_END', 'a contract can only end on the last day of a month (Art 18-4)', { end: d });
  return d;
}

/**
 * Checks a request in the order of C4 and returns what it cancels and until when; throws the first refusal.
 * `lineId` null: the unit (its basic line's term, C8 for a line: that line's own term).
 */
export function checkCancellation(
  unit: Unit,
  req: CancellationRequest,
  today: LocalDate,
): { lineId: string | null; line: Line | undefined; end: LocalDate } {
  const lineId = req.line === undefined || req.line === unit.id ? null : req.line;
  const line = lineId === null ? basicLine(unit) : unit.lines.find((l) => l.id === lineId);
  if (lineId !== null && (!line || line.kind === 'basic')) throw notFound('line', lineId);
  const requested = requestedEnd(req.end);
  if (!inService(unit)) throw notActive(`unit ${unit.id} (${unit.status})`);
  if (lineId !== null && (!line || !isLive(line))) throw notActive(`line ${lineId}`);
  if (unit.cancellation) throw cancellationPending(`unit ${unit.id}`);
  if (lineId !== null && line?.cancellation) throw cancellationPending(`line ${lineId}`);
  const termEnd = line?.termEnd;
  if (!termEnd) throw notActive(`unit ${unit.id}`);
  const end = requested === 'term_end' ? termEnd : requested;
  const deadline = cancellationDeadline(end);
  if (compareDates(today, deadline) > 0)
    throw new DomainError('CANCELLATION_DEADLINE_PASSED', `the deadline for ending on ${end} was ${deadline} (Art 18)`, {
      deadline,
      earliest: earliestCancellableEnd(today),
    });
  const latest = latestCancellableEnd(termEnd, today);
  if (compareDates(end, latest) > 0)
    throw invalid(`end must not be after ${latest}, the end of the term that can still be cancelled`, { field: 'end', latest });
  return { lineId, line, end };
}

/**
 * Art 18: a cancellation for the end of `end`, unit- or line-level, checked by `checkCancellation`.
 * Sends cancellation_accepted (C9) and the data-retrieval reminders already due today (Q3).
 */
export function cancel(unit: Unit, req: CancellationRequest, today: LocalDate, config: Config): Transition {
  const { lineId, line, end } = checkCancellation(unit, req, today);
  const c: Cancellation = { end, requestedOn: today };
  const next: Unit =
    lineId === null
      ? { ...unit, cancellation: c }
      : { ...unit, lines: unit.lines.map((l) => (l.id === lineId ? { ...l, cancellation: c } : l)) };
  const outbox: OutboxItem[] = [
    unitNotice(
      next,
      'cancellation_accepted',
      today,
      'account_manager',
      config,
      { endDate: end, target: lineId && line ? { kind: 'line', line: lineId, accounts: line.accounts } : unitTarget(next, today) },
      lineId ? { lineId } : {},
    ),
  ];
  // Q3: the reminders of this end dated today (today is not past) go out with the acceptance.
  for (const a of dataRetrievalTimeline(next, config))
    if (a.reason === 'cancellation' && a.date === today && a.lineId === lineId && a.end === end && a.knownOn === today)
      outbox.push(dataRetrievalNotice(next, a, config));
  return { unit: next, outbox, wakeUps: [] };
}
