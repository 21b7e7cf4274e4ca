/**
 * One timeline per dated rule: a pure function of the unit (as it is now) and the config that lists
 * the dated actions the rule will take if nothing changes. The daily step does, on a date, exactly the
 * actions of the timelines dated that date (lifecycle.ts `unitDay`, dunning.ts), and the agenda's
 * wake-up dates are the dates of the same timelines (`dueDates`): "when" and "what" are one list.
 *
 * Each timeline is read again after every change of the unit (the day's earlier steps, a request), so
 * an action that no longer applies (a cancelled renewal, a warning for a unit suspended the same day)
 * simply is not on it any more. Rules and decisions: docs/RULES.md.
 */
import { addDays, addMonths, compareDates, firstOfMonth, monthOf, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { unpaid } from './invoices.ts';
import { cancellationDeadline } from './terms.ts';
import { basicLine, hasDesktops, inService, isLive, type Unit } from './unit.ts';

/** The unit's start date, or an additional line's (Art 7, 13; T6: never for a unit out of service). */
export interface StartAction {
  readonly rule: 'start';
  readonly date: LocalDate;
  /** null: the unit and its basic contract; else an additional line. */
  readonly lineId: string | null;
}

/** Art 14: a line whose term ends on `termEnd` and that is not cancelled by then renews on termEnd + 1 (R1: suspended too). */
export interface RenewalAction {
  readonly rule: 'renewal';
  readonly date: LocalDate;
  readonly lineId: string;
  readonly basic: boolean;
  readonly termEnd: LocalDate;
}

/** Art 14, 18 (RULES §9; R4, R5): `renewal_reminder` at the basic term's cancellation deadline − k. */
export interface RenewalReminderAction {
  readonly rule: 'renewal_reminder';
  readonly date: LocalDate;
  readonly termEnd: LocalDate;
  readonly deadline: LocalDate;
}

/** Art 18 (S5a, H2, D8): a cancellation's service ends at the end of `end`; the next day's step records it. */
export interface CancellationEndAction {
  readonly rule: 'cancellation_end';
  readonly date: LocalDate;
  readonly end: LocalDate;
  /** null: the whole unit. */
  readonly lineId: string | null;
}

/** Art 23 (D2, D3, D5): per unpaid invoice due d — d+1 overdue notice; d+20 warning and d+30 suspension while active. */
export interface DunningAction {
  readonly rule: 'dunning';
  readonly date: LocalDate;
  readonly step: 'payment_overdue' | 'suspension_warning' | 'suspend';
  readonly invoiceId: string;
}

/** Art 24 (D4, D6, D7, Q4): a unit suspended on S gets `termination_notice` at S+20 and is terminated at S+30. */
export interface TerminationAction {
  readonly rule: 'termination';
  readonly date: LocalDate;
  readonly step: 'termination_notice' | 'terminate';
  readonly terminationOn: LocalDate;
}

/**
 * Art 45-7 (RULES §8; Q1–Q5): `data_retrieval_reminder` at E − k for each known end E of a kokona unit,
 * on dates not already past when E became known (`knownOn`; Q3: that day itself is not past).
 */
export interface DataRetrievalAction {
  readonly rule: 'data_retrieval';
  readonly date: LocalDate;
  readonly end: LocalDate;
  readonly reason: 'cancellation' | 'termination';
  /** null: the unit's end; else a line cancelled alone (Q2). */
  readonly lineId: string | null;
  /** The day the end became known: the cancellation's request date, or the termination notice's date (Q4). */
  readonly knownOn: LocalDate;
}

/** Art 45-7 (K3): an ended line's desktops are deleted `desktopDeletionDelayDays` after its last day. */
export interface DesktopDeletionAction {
  readonly rule: 'desktop_deletion';
  readonly date: LocalDate;
  readonly lineId: string;
}

/** Art 28 (I1): a line's first-term fee is invoiced on the 1st of the month after its start month. */
export interface FirstInvoiceAction {
  readonly rule: 'first_invoice';
  readonly date: LocalDate;
  readonly lineId: string;
}

export type DatedAction =
  | StartAction
  | RenewalAction
  | RenewalReminderAction
  | CancellationEndAction
  | DunningAction
  | TerminationAction
  | DataRetrievalAction
  | DesktopDeletionAction
  | FirstInvoiceAction;

const endsBy = (c: { readonly end: LocalDate } | null | undefined, date: LocalDate) => !!c && compareDates(c.end, date) <= 0;

export function startTimeline(u: Unit): StartAction[] {
  const out: StartAction[] = [];
  if (u.status === 'pending' && u.application.status === 'accepted' && u.startDate)
    out.push({ rule: 'start', date: u.startDate, lineId: null });
  if (inService(u))
    for (const l of u.lines) if (l.kind === 'additional' && !l.started) out.push({ rule: 'start', date: l.startDate, lineId: l.id });
  return out;
}

/** Lines in service renew the day after their term end unless they (or the unit) are cancelled to end by then. */
export function renewalTimeline(u: Unit): RenewalAction[] {
  if (!inService(u)) return [];
  return u.lines
    .filter((l) => isLive(l) && l.termEnd !== null && !endsBy(l.cancellation, l.termEnd) && !endsBy(u.cancellation, l.termEnd))
    .map((l) => ({ rule: 'renewal', date: addDays(l.termEnd!, 1), lineId: l.id, basic: l.kind === 'basic', termEnd: l.termEnd! }));
}

/** Units in service without a unit-level cancellation (R4), about the basic line's current term (R5). */
export function renewalReminderTimeline(u: Unit, config: Config): RenewalReminderAction[] {
  const basic = basicLine(u);
  if (!inService(u) || u.cancellation || !basic || !isLive(basic) || !basic.termEnd) return [];
  const termEnd = basic.termEnd;
  const deadline = cancellationDeadline(termEnd);
  const dates = [...new Set(config.renewalReminderDays.map((k) => addDays(deadline, -k)))];
  return dates.map((date) => ({ rule: 'renewal_reminder', date, termEnd, deadline }));
}

/** The unit's cancellation first, then its live lines' (a unit that ends takes its lines with it). */
export function cancellationEndTimeline(u: Unit): CancellationEndAction[] {
  if (!inService(u)) return [];
  const out: CancellationEndAction[] = [];
  if (u.cancellation) out.push({ rule: 'cancellation_end', date: addDays(u.cancellation.end, 1), end: u.cancellation.end, lineId: null });
  for (const l of u.lines)
    if (isLive(l) && l.cancellation)
      out.push({ rule: 'cancellation_end', date: addDays(l.cancellation.end, 1), end: l.cancellation.end, lineId: l.id });
  return out;
}

/** Overdue notices for every unpaid invoice (I2: also after the unit ended); warnings and suspension only while active. */
export function dunningTimeline(u: Unit, config: Config): DunningAction[] {
  const out: DunningAction[] = [];
  for (const i of u.invoices) {
    if (!unpaid(i)) continue;
    out.push({ rule: 'dunning', date: addDays(i.dueDate, config.overdueNoticeDays), step: 'payment_overdue', invoiceId: i.id });
    if (u.status !== 'active') continue;
    out.push({
      rule: 'dunning',
      date: addDays(i.dueDate, config.suspendAfterDays - config.suspensionNoticeDays),
      step: 'suspension_warning',
      invoiceId: i.id,
    });
    out.push({ rule: 'dunning', date: addDays(i.dueDate, config.suspendAfterDays), step: 'suspend', invoiceId: i.id });
  }
  return out;
}

/** The date of the termination notice and the termination of a suspended unit (none otherwise). */
export function terminationTimeline(u: Unit, config: Config): TerminationAction[] {
  if (u.status !== 'suspended' || !u.suspendedOn) return [];
  const terminationOn = addDays(u.suspendedOn, config.terminateAfterDays);
  return [
    { rule: 'termination', date: addDays(terminationOn, -config.terminationNoticeDays), step: 'termination_notice', terminationOn },
    { rule: 'termination', date: terminationOn, step: 'terminate', terminationOn },
  ];
}

/** The termination date as announced on `date` (the notice sent by then, Q4), else null. */
export function announcedTermination(u: Unit, date: LocalDate, config: Config): LocalDate | null {
  const notice = terminationTimeline(u, config).find((a) => a.step === 'termination_notice');
  return notice && compareDates(notice.date, date) <= 0 ? notice.terminationOn : null;
}

/**
 * Kokona units only (Q1). A cancellation's reminders: unit in service, line live; a line's are dropped when
 * the unit's own cancellation ends it no later (Q2); any of them once an announced termination ends the unit
 * first (Q5). A termination's: from the notice day on (Q4), unless a cancellation ends the unit first (Q5).
 */
export function dataRetrievalTimeline(u: Unit, config: Config): DataRetrievalAction[] {
  if (!hasDesktops(u, config)) return [];
  const out: DataRetrievalAction[] = [];
  const at = (end: LocalDate, knownOn: LocalDate) =>
    [...new Set(config.dataRetrievalReminderDays.map((k) => addDays(end, -k)))].filter((d) => compareDates(d, knownOn) >= 0);
  const notice = terminationTimeline(u, config).find((a) => a.step === 'termination_notice');
  // Q5: on `date`, a termination announced by then that ends the unit before `end` drops the reminder.
  const terminatedFirst = (end: LocalDate, date: LocalDate) =>
    !!notice && compareDates(notice.date, date) <= 0 && compareDates(notice.terminationOn, end) < 0;
  if (notice && !(u.cancellation && compareDates(u.cancellation.end, notice.terminationOn) < 0))
    for (const date of at(notice.terminationOn, notice.date))
      out.push({ rule: 'data_retrieval', date, end: notice.terminationOn, reason: 'termination', lineId: null, knownOn: notice.date });
  if (!inService(u)) return out;
  const c = u.cancellation;
  if (c)
    for (const date of at(c.end, c.requestedOn))
      if (!terminatedFirst(c.end, date))
        out.push({ rule: 'data_retrieval', date, end: c.end, reason: 'cancellation', lineId: null, knownOn: c.requestedOn });
  for (const l of u.lines) {
    const lc = l.cancellation;
    if (!lc || !isLive(l) || endsBy(u.cancellation, lc.end)) continue;
    for (const date of at(lc.end, lc.requestedOn))
      if (!terminatedFirst(lc.end, date))
        out.push({ rule: 'data_retrieval', date, end: lc.end, reason: 'cancellation', lineId: l.id, knownOn: lc.requestedOn });
  }
  return out;
}

/** Kokona units: every line that started and ended (cancelled, or the unit ended). */
export function desktopDeletionTimeline(u: Unit, config: Config): DesktopDeletionAction[] {
  if (!hasDesktops(u, config)) return [];
  return u.lines
    .filter((l) => l.started && l.endedOn !== null)
    .map((l) => ({ rule: 'desktop_deletion', date: addDays(l.endedOn!, config.desktopDeletionDelayDays), lineId: l.id }));
}

/** Started lines (I1: also after the unit ended, the first term being a minimum period). */
export function firstInvoiceTimeline(u: Unit): FirstInvoiceAction[] {
  return u.lines
    .filter((l) => l.started)
    .map((l) => ({ rule: 'first_invoice', date: firstOfMonth(addMonths(monthOf(l.startDate), 1)), lineId: l.id }));
}

/** Every rule's timeline for the unit as it is now. */
export function timeline(u: Unit, config: Config): DatedAction[] {
  return [
    ...startTimeline(u),
    ...cancellationEndTimeline(u),
    ...terminationTimeline(u, config),
    ...renewalTimeline(u),
    ...firstInvoiceTimeline(u),
    ...dunningTimeline(u, config),
    ...desktopDeletionTimeline(u, config),
    ...renewalReminderTimeline(u, config),
    ...dataRetrievalTimeline(u, config),
  ];
}

/** The actions of `actions` dated `date`. */
export const on = <A extends DatedAction>(actions: readonly A[], date: LocalDate): A[] => actions.filter((a) => a.date === date);
