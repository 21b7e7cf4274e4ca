/**
 * What the daily run does for one unit on one date (RULES §3, §4, §8, §9; DETAILS S5, S5a, R, T, K, Q).
 * Order within a day: the end of the previous day (service that ended at the end of d−1, S5a), the
 * start of the unit, renewals (T3: before additions), the start of additional lines, desktop
 * deletions, then reminders. Every function is pure and takes the date as a parameter.
 */
import { addDays, addMonths, compareDates, firstOfMonth, jstInstant, monthOf, type Instant, type LocalDate } from './calendar.ts';
import { issueInvoices } from './billing.ts';
import { announcedTermination, dunningDates, dunningStep, terminationStep } from './dunning.ts';
import type { Config } from './config.ts';
import { desktopJobId, type DesktopAction, type OutboxItem } from './effects.ts';
import { unitNotice } from './notices.ts';
import { additionalTermEnd, cancellationDeadline, firstTermEnd, renewal } from './terms.ts';
import type { Line, Unit } from './unit.ts';

export interface DayResult {
  readonly unit: Unit;
  readonly outbox: readonly OutboxItem[];
  readonly wakeUps: readonly LocalDate[];
}

const IN_SERVICE = new Set(['active', 'suspended']);
export const inService = (u: Unit) => IN_SERVICE.has(u.status);
export const hasDesktops = (u: Unit, config: Config) => config.plans[u.plan]?.desktops === true;
export const isLive = (l: Line) => l.started && l.endedOn === null;
export const basicLine = (u: Unit) => u.lines.find((l) => l.kind === 'basic');

function desktopJob(unit: Unit, line: Line, action: DesktopAction, date: LocalDate): OutboxItem {
  return { kind: 'desktop', id: desktopJobId({ unitId: unit.id, lineId: line.id, action, date }), action, unitId: unit.id, lineId: line.id, date, accounts: line.accounts };
}

/** Annual fee of a set of lines (tax-exclusive): 12 × Σ accounts × monthly price. */
export function annualFee(unit: Unit, lines: readonly Line[], config: Config): number {
  const price = config.plans[unit.plan]?.monthlyPrice ?? 0;
  return 12 * lines.reduce((s, l) => s + l.accounts, 0) * price;
}

/** Starts one line on `date`: its first term is fixed (Art 13) and, on plan kokona, its desktops ordered (K1, K2). */
function startLine(unit: Unit, line: Line, date: LocalDate, config: Config): { line: Line; outbox: OutboxItem[] } {
  const basic = basicLine(unit);
  const end = line.kind === 'basic' ? firstTermEnd(line.startDate) : additionalTermEnd(date, basic?.termEnd ?? firstTermEnd(date));
  const started: Line = { ...line, started: true, termStart: date, termEnd: end, firstTermEnd: end };
  const outbox: OutboxItem[] = [];
  if (hasDesktops(unit, config)) {
    outbox.push(desktopJob(unit, started, 'create', date));
    if (unit.status === 'suspended') outbox.push(desktopJob(unit, started, 'suspend', date));
  }
  return { line: started, outbox };
}

/** The start date (提供開始日): the unit becomes active with its basic contract (Art 7, 13). */
export function startUnit(unit: Unit, date: LocalDate, config: Config): DayResult {
  const active: Unit = { ...unit, status: 'active', history: [...unit.history, { date, status: 'active' }] };
  const outbox: OutboxItem[] = [];
  const lines = active.lines.map((l) => {
    if (l.kind !== 'basic') return l;
    const r = startLine(active, l, date, config);
    outbox.push(...r.outbox);
    return r.line;
  });
  return { unit: { ...active, lines }, outbox, wakeUps: [] };
}

/** Starts an additional line on `date` if its unit is in service (T6: a line of an ended unit never starts). */
export function startAdditionalLine(unit: Unit, lineId: string, date: LocalDate, config: Config): DayResult {
  const line = unit.lines.find((l) => l.id === lineId);
  if (!line || line.started || !inService(unit)) return { unit, outbox: [], wakeUps: [] };
  const r = startLine(unit, line, date, config);
  return { unit: { ...unit, lines: unit.lines.map((l) => (l.id === lineId ? r.line : l)) }, outbox: r.outbox, wakeUps: [] };
}

/** Ends the unit's service at the end of `end` (cancellation, or termination): every live line ends too. */
export function endUnit(unit: Unit, end: LocalDate, status: 'cancelled' | 'terminated'): Unit {
  return {
    ...unit,
    status,
    endedOn: end,
    suspendedOn: null,
    history: [...unit.history, { date: end, status }],
    lines: unit.lines.map((l) => (isLive(l) ? { ...l, endedOn: end } : l)),
  };
}

/** The renewal reminder dates of the unit's current term (Art 14, 18; RULES §9): deadline − k. */
export function renewalReminderDates(unit: Unit, config: Config): LocalDate[] {
  const basic = basicLine(unit);
  if (!basic?.termEnd || !isLive(basic)) return [];
  const deadline = cancellationDeadline(basic.termEnd);
  return [...new Set(config.renewalReminderDays.map((k) => addDays(deadline, -k)))];
}

/** The lines that renew at the unit's term end T (started, still in service, not cancelled to end by T). */
function renewingLines(unit: Unit, termEnd: LocalDate): Line[] {
  return unit.lines.filter((l) => isLive(l) && l.termEnd === termEnd && !(l.cancellation && compareDates(l.cancellation.end, termEnd) <= 0));
}

/**
 * The end of `day` (S5a): unit and line cancellations ending then take effect, dated `day`. In
 * production the daily run of day+1 records it; the simulator applies it to report the state at `to`.
 */
export function closeDay(unit: Unit, day: LocalDate): Unit {
  let u = unit;
  if (inService(u) && u.cancellation?.end === day) u = endUnit(u, day, 'cancelled');
  if (inService(u) && u.lines.some((l) => isLive(l) && l.cancellation?.end === day))
    u = { ...u, lines: u.lines.map((l) => (isLive(l) && l.cancellation?.end === day ? { ...l, endedOn: day } : l)) };
  return u;
}

/** Applies what is due on one date. A date with nothing due leaves the unit as it is. */
export function unitDay(unit: Unit, date: LocalDate, config: Config): DayResult {
  const prev = addDays(date, -1);
  const outbox: OutboxItem[] = [];
  let u = unit;

  // 1. The end of the previous day (S5a): cancellations ending at the end of d−1 (D8: suspended ones too).
  u = closeDay(u, prev);

  // 2. Termination for non-payment, before renewals (D7, R2).
  const term = terminationStep(u, date, config);
  u = term.unit;
  outbox.push(...term.outbox);

  // 2. The start date.
  if (u.status === 'pending' && u.application.status === 'accepted' && u.startDate === date) {
    const r = startUnit(u, date, config);
    u = r.unit;
    outbox.push(...r.outbox);
  }

  // 3. Renewals (Art 14): a line whose term ended on d−1 and was not cancelled renews for a year (R1: suspended too).
  if (inService(u) && u.lines.some((l) => isLive(l) && l.termEnd === prev)) {
    const basic = basicLine(u);
    const renewedBasic = basic && isLive(basic) && basic.termEnd === prev;
    u = { ...u, lines: u.lines.map((l) => (isLive(l) && l.termEnd === prev ? { ...l, termStart: date, termEnd: renewal(prev).to } : l)) };
    if (renewedBasic) {
      const next = renewal(prev);
      const lines = u.lines.filter((l) => isLive(l) && l.termEnd === next.to);
      outbox.push(unitNotice(u, 'renewed', date, 'account_manager', config, { termFrom: next.from, termTo: next.to, annualFee: annualFee(u, lines, config) }));
    }
  }

  // 4. Additional lines starting today (T3: after renewals, so E is the renewed end).
  for (const l of u.lines) {
    if (l.kind === 'additional' && !l.started && l.startDate === date) {
      const r = startAdditionalLine(u, l.id, date, config);
      u = r.unit;
      outbox.push(...r.outbox);
    }
  }

  // 5. Invoices on the 1st (Art 27, 28), then dunning (Art 23, 24).
  const billed = issueInvoices(u, date, config);
  u = billed.unit;
  outbox.push(...billed.outbox);
  const dunned = dunningStep(u, date, config);
  u = dunned.unit;
  outbox.push(...dunned.outbox);

  // 6. Desktops of lines that ended are deleted `desktopDeletionDelayDays` after the end (Art 45-7, K3).
  if (hasDesktops(u, config))
    for (const l of u.lines)
      if (l.started && l.endedOn !== null && addDays(l.endedOn, config.desktopDeletionDelayDays) === date) outbox.push(desktopJob(u, l, 'delete', date));

  // 7. Reminders.
  outbox.push(...reminders(u, date, config));

  return { unit: u, outbox, wakeUps: [] };
}

/**
 * renewal_reminder (R4: active or suspended, no unit-level cancellation) and data_retrieval_reminder
 * (Q1–Q5: kokona; ends known before the date; a unit that ends first drops a line's reminders).
 * `requestedBefore`: only ends requested before this date count (the request date's own reminders are
 * sent by the request, Q3).
 */
export function reminders(u: Unit, date: LocalDate, config: Config): OutboxItem[] {
  const out: OutboxItem[] = [];
  if (!inService(u)) return out;
  const basic = basicLine(u);
  if (!u.cancellation && basic?.termEnd && renewalReminderDates(u, config).includes(date)) {
    const t = basic.termEnd;
    out.push(
      unitNotice(u, 'renewal_reminder', date, 'account_manager', config, {
        termEnd: t,
        deadline: cancellationDeadline(t),
        renewalFee: annualFee(u, renewingLines(u, t), config),
      }),
    );
  }
  if (hasDesktops(u, config)) out.push(...dataRetrievalReminders(u, date, config, (c) => compareDates(c.requestedOn, date) < 0));
  return out;
}

/** E − k reminders due on `date` for the unit's and its lines' accepted ends (Art 45-7). */
export function dataRetrievalReminders(u: Unit, date: LocalDate, config: Config, known: (c: { requestedOn: LocalDate }) => boolean): OutboxItem[] {
  const out: OutboxItem[] = [];
  const due = (end: LocalDate) => config.dataRetrievalReminderDays.some((k) => addDays(end, -k) === date);
  // Q5: a cancellation's reminders are dropped once an announced termination ends the unit first.
  const termination = announcedTermination(u, date, config);
  const terminatedFirst = (end: LocalDate) => termination !== null && compareDates(termination, end) < 0;
  if (u.cancellation && known(u.cancellation) && due(u.cancellation.end) && !terminatedFirst(u.cancellation.end))
    out.push(unitNotice(u, 'data_retrieval_reminder', date, 'account_manager', config, { endDate: u.cancellation.end }));
  for (const l of u.lines) {
    const c = l.cancellation;
    if (!c || !isLive(l) || !known(c) || !due(c.end)) continue;
    if ((u.cancellation && compareDates(u.cancellation.end, c.end) <= 0) || terminatedFirst(c.end)) continue; // Q2/Q5: the unit ends first
    out.push(unitNotice(u, 'data_retrieval_reminder', date, 'account_manager', config, { endDate: c.end, line: l.id, accounts: l.accounts }, { lineId: l.id }));
  }
  return out;
}

/** Every date after `after` on which something may be due for this unit (the agenda's wake-ups). */
export function dueDates(unit: Unit, after: LocalDate | null, config: Config): LocalDate[] {
  const dates: LocalDate[] = [];
  if (unit.status === 'pending' && unit.application.status === 'accepted' && unit.startDate) dates.push(unit.startDate);
  if (inService(unit)) {
    if (unit.cancellation) dates.push(addDays(unit.cancellation.end, 1));
    for (const l of unit.lines) {
      if (isLive(l) && l.termEnd) dates.push(addDays(l.termEnd, 1));
      if (isLive(l) && l.cancellation) dates.push(addDays(l.cancellation.end, 1));
      if (!l.started && l.kind === 'additional') dates.push(l.startDate);
    }
    dates.push(...renewalReminderDates(unit, config));
    const ends = [unit.cancellation?.end, ...unit.lines.map((l) => l.cancellation?.end)].filter((e): e is LocalDate => !!e);
    for (const e of ends) for (const k of config.dataRetrievalReminderDays) dates.push(addDays(e, -k));
  }
  if (hasDesktops(unit, config)) for (const l of unit.lines) if (l.started && l.endedOn) dates.push(addDays(l.endedOn, config.desktopDeletionDelayDays));
  // Invoices: the first term the month after a line's start (I1: also after the unit ended); dunning.
  for (const l of unit.lines) if (l.started) dates.push(firstOfMonth(addMonths(monthOf(l.startDate), 1)));
  dates.push(...dunningDates(unit, config));
  return [...new Set(dates)].filter((d) => after === null || compareDates(d, after) > 0).sort(compareDates);
}

/**
 * Brings a unit up to date: every due date after `processedThrough` up to `through`, in order
 * (catch-up after missed runs), then wakes it on its next due date. Running it twice changes nothing.
 */
export function advanceUnit(unit: Unit, through: LocalDate, config: Config): DayResult {
  let current = unit;
  const outbox: OutboxItem[] = [];
  for (;;) {
    const next = dueDates(current, current.processedThrough, config).find((d) => compareDates(d, through) <= 0);
    if (!next) break;
    const r = unitDay(current, next, config);
    current = { ...stampTransitions(current, r.unit, jstInstant(next, 0, 5)), processedThrough: next };
    outbox.push(...r.outbox);
  }
  if (current.processedThrough === null || compareDates(current.processedThrough, through) < 0) current = { ...current, processedThrough: through };
  return { unit: current, outbox, wakeUps: nextWakeUp(current, config) };
}

/**
 * Stamps the instant on history entries and line starts that have none yet (O1, O2: eligibility at an
 * instant): the daily run stamps 00:05 of its date, a request the moment it was made.
 */
export function stampTransitions(before: Unit, unit: Unit, at: Instant): Unit {
  const fresh = (i: number) => i >= before.history.length;
  const wasStarted = new Set(before.lines.filter((l) => l.started).map((l) => l.id));
  const history = unit.history.some((h, i) => fresh(i) && h.at === undefined) ? unit.history.map((h, i) => (fresh(i) && h.at === undefined ? { ...h, at } : h)) : unit.history;
  const stamp = (l: Line) => l.started && l.startedAt === undefined && !wasStarted.has(l.id);
  const lines = unit.lines.some(stamp) ? unit.lines.map((l) => (stamp(l) ? { ...l, startedAt: at } : l)) : unit.lines;
  return history === unit.history && lines === unit.lines ? unit : { ...unit, history, lines };
}

/** The agenda entry that keeps a unit's next due date on the daily run's list. */
export function nextWakeUp(unit: Unit, config: Config): LocalDate[] {
  const next = dueDates(unit, unit.processedThrough, config)[0];
  return next ? [next] : [];
}
