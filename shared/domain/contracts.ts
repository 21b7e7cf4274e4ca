/**
 * Changes to a running contract: additional contracts (Art 12, 13), cancellations (Art 18) and
 * contact changes (Art 17). Pure: each returns the new unit and its notices, or throws a DomainError
 * in the order of precedence DETAILS sets (T4, C4).
 */
import { addMonths, compareDates, endOfMonth, isMonthEnd, monthOf, parseLocalDate, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { DomainError, invalid, notFound } from './errors.ts';
import type { OutboxItem } from './effects.ts';
import { basicLine, dataRetrievalReminders, hasDesktops, inService, isLive, startAdditionalLine } from './lifecycle.ts';
import { unitNotice } from './notices.ts';
import { cancellationDeadline, renewal } from './terms.ts';
import type { Line, Person, Unit } from './unit.ts';

export interface Change {
  readonly unit: Unit;
  readonly outbox: readonly OutboxItem[];
  readonly wakeUps: readonly LocalDate[];
}

const notActive = (what: string) => new DomainError('UNIT_NOT_ACTIVE', `${what} is not in service`, {});
const cancellationPending = (what: string) => new DomainError('UNIT_CANCELLATION_PENDING', `${what} already has an accepted cancellation (Art 18)`, {});

/**
 * Art 12, 13: an additional contract of `accounts` from `startDate`. Refused (T4, T5): a start before
 * today (VALIDATION_FAILED) → a unit not in service or suspended (UNIT_NOT_ACTIVE) → a unit with an
 * accepted cancellation (UNIT_CANCELLATION_PENDING). A start today starts at once (X2).
 */
export function addLine(unit: Unit, input: { id: string; accounts: number; startDate: LocalDate }, today: LocalDate, config: Config): Change {
  if (compareDates(input.startDate, today) < 0) throw invalid('startDate must not be before today', { field: 'startDate', today });
  if (!Number.isInteger(input.accounts) || input.accounts < 1) throw invalid('accounts must be an integer ≥ 1', { field: 'accounts' });
  if (unit.status !== 'active') throw notActive(`unit ${unit.id} (${unit.status})`);
  if (unit.cancellation) throw cancellationPending(`unit ${unit.id}`);
  const max = config.plans[unit.plan]?.maxAccountsPerLine ?? Infinity;
  if (input.accounts > max)
    throw new DomainError('TOO_MANY_ACCOUNTS', `plan ${unit.plan} allows at most ${max} accounts per line`, { maxAccountsPerLine: max, accounts: input.accounts });
  const used = unit.lines.reduce((n, l) => n + l.accounts, 0);
  const line: Line = {
    id: input.id,
    kind: 'additional',
    accounts: input.accounts,
    startDate: input.startDate,
    started: false,
    termEnd: null,
    firstTermEnd: null,
    endedOn: null,
    cancellation: null,
    firstAccount: used + 1,
    createdOn: today,
  };
  const next: Unit = { ...unit, lines: [...unit.lines, line] };
  if (input.startDate === today) {
    const r = startAdditionalLine(next, line.id, today, config);
    return { unit: r.unit, outbox: r.outbox, wakeUps: [] };
  }
  return { unit: next, outbox: [], wakeUps: [input.startDate] };
}

export interface CancellationRequest {
  /** `term_end` or a month-end date (Art 18-4). */
  readonly end: string;
  /** A line id; absent or the unit id: the whole unit (C7). */
  readonly line?: string;
}

/** C3: the earliest month end still possible for a request received today. */
export function earliestCancellableEnd(today: LocalDate): LocalDate {
  return endOfMonth(addMonths(monthOf(today), 1));
}

/**
 * Art 18: a cancellation for the end of `end`, unit- or line-level. Precedence (C4): NOT_FOUND (line) →
 * VALIDATION_FAILED / NOT_A_MONTH_END (format) → UNIT_NOT_ACTIVE → UNIT_CANCELLATION_PENDING →
 * CANCELLATION_DEADLINE_PASSED (with `earliest`) → VALIDATION_FAILED (beyond the next term, C1).
 * Sends cancellation_accepted (C9) and the data-retrieval reminders already due today (Q3).
 */
export function cancel(unit: Unit, req: CancellationRequest, today: LocalDate, config: Config): Change {
  const lineId = req.line === undefined || req.line === unit.id ? null : req.line;
  const line = lineId === null ? basicLine(unit) : unit.lines.find((l) => l.id === lineId);
  if (lineId !== null && (!line || line.kind === 'basic')) throw notFound('line', lineId);
  let requested: LocalDate | 'term_end';
  if (req.end === 'term_end') requested = 'term_end';
  else {
    const d = parseLocalDate(req.end);
    if (!d) throw invalid('end must be "term_end" or a date YYYY-MM-DD', { field: 'end' });
    if (!isMonthEnd(d)) throw new DomainError('NOT_A_MONTH_END', 'a contract can only end on the last day of a month (Art 18-4)', { end: d });
    requested = d;
  }
  if (!inService(unit)) throw notActive(`unit ${unit.id} (${unit.status})`);
  if (lineId !== null && (!line || !isLive(line))) throw notActive(`line ${lineId}`);
  if (unit.cancellation) throw cancellationPending(`unit ${unit.id}`);
  if (lineId !== null && line?.cancellation) throw cancellationPending(`line ${lineId}`);
  const termEnd = (lineId === null ? basicLine(unit) : line)?.termEnd;
  if (!termEnd) throw notActive(`unit ${unit.id}`);
  const end = requested === 'term_end' ? termEnd : requested;
  if (compareDates(today, cancellationDeadline(end)) > 0)
    throw new DomainError('CANCELLATION_DEADLINE_PASSED', `the deadline for ending on ${end} was ${cancellationDeadline(end)} (Art 18)`, {
      deadline: cancellationDeadline(end),
      earliest: earliestCancellableEnd(today),
    });
  // C1: up to the first term end whose deadline is still ahead (the current one, or the next once it passed).
  const latest = compareDates(today, cancellationDeadline(termEnd)) <= 0 ? termEnd : renewal(termEnd).to;
  if (compareDates(end, latest) > 0) throw invalid(`end must not be after ${latest}, the end of the term that can still be cancelled`, { field: 'end', latest });

  const c = { end, requestedOn: today };
  const next: Unit =
    lineId === null ? { ...unit, cancellation: c } : { ...unit, lines: unit.lines.map((l) => (l.id === lineId ? { ...l, cancellation: c } : l)) };
  const outbox: OutboxItem[] = [
    unitNotice(next, 'cancellation_accepted', today, 'account_manager', config, { endDate: end, ...(lineId ? { line: lineId, accounts: line!.accounts } : {}) }, lineId ? { lineId } : {}),
  ];
  if (hasDesktops(next, config)) outbox.push(...dataRetrievalReminders(next, today, config, (x) => x === c));
  return { unit: next, outbox, wakeUps: [] };
}

/** Art 17 (M3): any unit or application; notices to the previous and the new address, always both. */
export function changeContact(unit: Unit, person: Person, today: LocalDate, config: Config): Change {
  const previous = unit.contractor.accountManager;
  const next: Unit = { ...unit, contractor: { ...unit.contractor, accountManager: person } };
  const disc = `v${unit.version}`;
  const data = { previous: previous.name, current: person.name, changedOn: today };
  return {
    unit: next,
    outbox: [
      unitNotice(next, 'contact_changed', today, 'previous_account_manager', config, data, { discriminator: disc, to: previous }),
      unitNotice(next, 'contact_changed', today, 'account_manager', config, data, { discriminator: disc }),
    ],
    wakeUps: [],
  };
}
