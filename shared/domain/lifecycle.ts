/**
 * What the daily run does for one unit on one date (Art 7, 13, 14, 18, 45; S5, S5a, R, T, K, Q).
 * Order within a day: the end of the previous day (service that ended at the end of d−1, S5a), a
 * termination (D7), the start of the unit, renewals (T3: before additions), the start of additional
 * lines, invoices and dunning, desktop deletions, then reminders. Each step does exactly the actions of
 * its rule's timeline (timelines.ts) dated that day, read from the unit as the earlier steps left it.
 * Every function is pure and takes the date as a parameter.
 */
import { addDays, compareDates, jstInstant, type Instant, type LocalDate } from './calendar.ts';
import { issueInvoices } from './billing.ts';
import { desktopJob, dunningStep, endUnit, terminationStep } from './dunning.ts';
import type { Config } from './config.ts';
import type { OutboxItem, Transition } from './effects.ts';
import { annualFee } from './invoices.ts';
import { accountsInService, unitNotice, unitTarget } from './notices.ts';
import { additionalTermEnd, cancellationDeadline, firstTermEnd, renewal } from './terms.ts';
import {
  cancellationEndTimeline,
  dataRetrievalTimeline,
  desktopDeletionTimeline,
  on,
  renewalReminderTimeline,
  renewalTimeline,
  startTimeline,
  timeline,
  type DataRetrievalAction,
} from './timelines.ts';
import { basicLine, hasDesktops, inService, isLive, type Line, type Unit } from './unit.ts';

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
export function startUnit(unit: Unit, date: LocalDate, config: Config): Transition {
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
export function startAdditionalLine(unit: Unit, lineId: string, date: LocalDate, config: Config): Transition {
  const line = unit.lines.find((l) => l.id === lineId);
  if (!line || line.started || !inService(unit)) return { unit, outbox: [], wakeUps: [] };
  const r = startLine(unit, line, date, config);
  return { unit: { ...unit, lines: unit.lines.map((l) => (l.id === lineId ? r.line : l)) }, outbox: r.outbox, wakeUps: [] };
}

/**
 * The end of `day` (S5a): unit and line cancellations ending then take effect, dated `day`. In
 * production the daily run of day+1 records it; the simulator applies it to report the state at `to`.
 */
export function closeDay(unit: Unit, day: LocalDate): Unit {
  let u = unit;
  if (cancellationEndTimeline(u).some((a) => a.end === day && a.lineId === null)) u = endUnit(u, day, 'cancelled');
  const lines = new Set(
    cancellationEndTimeline(u)
      .filter((a) => a.end === day && a.lineId !== null)
      .map((a) => a.lineId),
  );
  if (lines.size > 0) u = { ...u, lines: u.lines.map((l) => (lines.has(l.id) ? { ...l, endedOn: day } : l)) };
  return u;
}

/** Applies what is due on one date. A date with nothing due leaves the unit as it is. */
export function unitDay(unit: Unit, date: LocalDate, config: Config): Transition {
  const outbox: OutboxItem[] = [];
  let u = unit;

  // 1. The end of the previous day (S5a): cancellations ending at the end of d−1 (D8: suspended ones too).
  u = closeDay(u, addDays(date, -1));

  // 2. Termination for non-payment, before renewals (D7, R2).
  const term = terminationStep(u, date, config);
  u = term.unit;
  outbox.push(...term.outbox);

  // 3. The start date.
  if (on(startTimeline(u), date).some((a) => a.lineId === null)) {
    const r = startUnit(u, date, config);
    u = r.unit;
    outbox.push(...r.outbox);
  }

  // 4. Renewals (Art 14): a line whose term ended on d−1 and was not cancelled renews for a year (R1: suspended too).
  const renewing = on(renewalTimeline(u), date);
  if (renewing.length > 0) {
    const ids = new Set(renewing.map((a) => a.lineId));
    const next = renewal(renewing[0]!.termEnd);
    u = { ...u, lines: u.lines.map((l) => (ids.has(l.id) ? { ...l, termStart: date, termEnd: next.to } : l)) };
    if (renewing.some((a) => a.basic)) {
      const lines = u.lines.filter((l) => isLive(l) && l.termEnd === next.to);
      outbox.push(
        unitNotice(u, 'renewed', date, 'account_manager', config, {
          accounts: accountsInService(u, date),
          termFrom: next.from,
          termTo: next.to,
          annualFee: annualFee(u, lines, config),
          nextDeadline: cancellationDeadline(next.to),
        }),
      );
    }
  }

  // 5. Additional lines starting today (T3: after renewals, so E is the renewed end).
  for (const a of on(startTimeline(u), date)) {
    if (a.lineId === null) continue;
    const r = startAdditionalLine(u, a.lineId, date, config);
    u = r.unit;
    outbox.push(...r.outbox);
  }

  // 6. Invoices on the 1st (Art 27, 28), then dunning (Art 23, 24).
  const billed = issueInvoices(u, date, config);
  u = billed.unit;
  outbox.push(...billed.outbox);
  const dunned = dunningStep(u, date, config);
  u = dunned.unit;
  outbox.push(...dunned.outbox);

  // 7. Desktops of lines that ended are deleted `desktopDeletionDelayDays` after the end (Art 45-7, K3).
  for (const a of on(desktopDeletionTimeline(u, config), date))
    outbox.push(
      desktopJob(
        u,
        u.lines.find((l) => l.id === a.lineId)!,
        'delete',
        date,
      ),
    );

  // 8. Reminders.
  outbox.push(...reminders(u, date, config));

  return { unit: u, outbox, wakeUps: [] };
}

/**
 * renewal_reminder (R4: active or suspended, no unit-level cancellation) and the data_retrieval_reminders
 * of cancellations (Q1–Q5) due on `date`. A reminder due on the day its end was requested is sent by the
 * request itself (Q3), not here.
 */
export function reminders(u: Unit, date: LocalDate, config: Config): OutboxItem[] {
  const out: OutboxItem[] = [];
  for (const a of on(renewalReminderTimeline(u, config), date)) {
    const fee = annualFee(
      u,
      u.lines.filter((l) => renewalTimeline(u).some((r) => r.lineId === l.id && r.termEnd === a.termEnd)),
      config,
    );
    out.push(
      unitNotice(u, 'renewal_reminder', date, 'account_manager', config, {
        accounts: accountsInService(u, date),
        termEnd: a.termEnd,
        deadline: a.deadline,
        renewedTerm: renewal(a.termEnd),
        renewalFee: fee,
      }),
    );
  }
  const due = on(dataRetrievalTimeline(u, config), date).filter((a) => a.reason === 'cancellation' && compareDates(a.knownOn, date) < 0);
  out.push(...due.map((a) => dataRetrievalNotice(u, a, config)));
  return out;
}

/** A cancellation's data_retrieval_reminder (the unit's, or a line's with its accounts). */
export function dataRetrievalNotice(u: Unit, a: DataRetrievalAction, config: Config): OutboxItem {
  if (a.lineId === null)
    return unitNotice(u, 'data_retrieval_reminder', a.date, 'account_manager', config, {
      endDate: a.end,
      reason: 'cancellation',
      target: unitTarget(u, a.date),
    });
  const line = u.lines.find((l) => l.id === a.lineId);
  return unitNotice(
    u,
    'data_retrieval_reminder',
    a.date,
    'account_manager',
    config,
    { endDate: a.end, reason: 'cancellation', target: { kind: 'line', line: a.lineId, accounts: line?.accounts ?? 0 } },
    { lineId: a.lineId },
  );
}

/** Every date after `after` on which a rule of this unit acts (the agenda's wake-ups): the dates of its timelines. */
export function dueDates(unit: Unit, after: LocalDate | null, config: Config): LocalDate[] {
  const dates = new Set(timeline(unit, config).map((a) => a.date));
  return [...dates].filter((d) => after === null || compareDates(d, after) > 0).sort(compareDates);
}

/**
 * Brings a unit up to date: every due date after `processedThrough` up to `through`, in order
 * (catch-up after missed runs), then wakes it on its next due date. Running it twice changes nothing.
 */
export function advanceUnit(unit: Unit, through: LocalDate, config: Config): Transition {
  let current = unit;
  const outbox: OutboxItem[] = [];
  for (;;) {
    const next = dueDates(current, current.processedThrough, config).find((d) => compareDates(d, through) <= 0);
    if (!next) break;
    const r = unitDay(current, next, config);
    current = { ...stampTransitions(current, r.unit, jstInstant(next, 0, 5)), processedThrough: next };
    outbox.push(...r.outbox);
  }
  if (current.processedThrough === null || compareDates(current.processedThrough, through) < 0)
    current = { ...current, processedThrough: through };
  return { unit: current, outbox, wakeUps: nextWakeUp(current, config) };
}

/**
 * Stamps the instant on history entries and line starts that have none yet (O1, O2: eligibility at an
 * instant): the daily run stamps 00:05 of its date, a request the moment it was made.
 */
export function stampTransitions(before: Unit, unit: Unit, at: Instant): Unit {
  const fresh = (i: number) => i >= before.history.length;
  const wasStarted = new Set(before.lines.filter((l) => l.started).map((l) => l.id));
  const history = unit.history.some((h, i) => fresh(i) && h.at === undefined)
    ? unit.history.map((h, i) => (fresh(i) && h.at === undefined ? { ...h, at } : h))
    : unit.history;
  const stamp = (l: Line) => l.started && l.startedAt === undefined && !wasStarted.has(l.id);
  const lines = unit.lines.some(stamp) ? unit.lines.map((l) => (stamp(l) ? { ...l, startedAt: at } : l)) : unit.lines;
  return history === unit.history && lines === unit.lines ? unit : { ...unit, history, lines };
}

/** The agenda entry that keeps a unit's next due date on the daily run's list. */
export function nextWakeUp(unit: Unit, config: Config): LocalDate[] {
  const next = dueDates(unit, unit.processedThrough, config)[0];
  return next ? [next] : [];
}
