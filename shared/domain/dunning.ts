/**
 * Dunning (Art 23, 24; D, I2, Q4 in docs/RULES.md). For an invoice unpaid after its due date d:
 * d+1 payment_overdue (to the payer); d+20 suspension_warning; d+30 suspension (desktops to admin
 * maintenance); suspension+20 termination_notice; suspension+30 termination (service ends that day,
 * desktops deleted like a cancellation's). Offsets are config; the dates are the timelines of
 * timelines.ts (`dunningTimeline`, `terminationTimeline`, `dataRetrievalTimeline`). Pure.
 */
import { addDays, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { desktopJobId, type DesktopAction, type DesktopJob, type OutboxItem, type Step } from './effects.ts';
import { balance, invoiceRef, overdue, type Invoice } from './invoices.ts';
import { accountsInService, agentOrManager, unitNotice, unitTarget } from './notices.ts';
import { GRACE_DAYS } from './interest.ts';
import { dataRetrievalTimeline, dunningTimeline, on, terminationTimeline } from './timelines.ts';
import { hasDesktops, isLive, type Line, type Unit } from './unit.ts';

/** paid: settled; overdue: unpaid past its due date; open: unpaid, not yet due. */
export function invoiceStatus(inv: Invoice, today: LocalDate): 'open' | 'overdue' | 'paid' {
  return balance(inv) === 0 ? 'paid' : overdue(inv, today) ? 'overdue' : 'open';
}

/** One line's desktop job (DETAILS K1: one record per line and action). */
export function desktopJob(unit: Unit, line: Line, action: DesktopAction, date: LocalDate): DesktopJob {
  return {
    kind: 'desktop',
    id: desktopJobId({ unitId: unit.id, lineId: line.id, action, date }),
    action,
    unitId: unit.id,
    lineId: line.id,
    date,
    accounts: line.accounts,
  };
}

/** The desktop jobs of every live line of a kokona unit (suspend / resume). */
export function lineDesktopJobs(unit: Unit, action: 'suspend' | 'resume', date: LocalDate, config: Config): OutboxItem[] {
  if (!hasDesktops(unit, config)) return [];
  return unit.lines.filter(isLive).map((l) => desktopJob(unit, l, action, date));
}

function overdueNotice(u: Unit, inv: Invoice, date: LocalDate, config: Config): OutboxItem {
  return unitNotice(
    u,
    'payment_overdue',
    date,
    inv.payer === 'agent' ? 'agent' : 'account_manager',
    config,
    {
      invoice: inv.id,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      total: inv.total,
      balance: balance(inv),
      lateInterest: inv.kind === 'late_interest',
      // Art 31 (L2, L8): a fees invoice paid in full within GRACE_DAYS of its due date bears no interest.
      interestFreeUntil: inv.kind === 'late_interest' ? null : addDays(inv.dueDate, GRACE_DAYS),
    },
    { discriminator: inv.id, refs: { invoice: invoiceRef(inv) } },
  );
}

/**
 * Ends the unit's service on `end` (a cancellation's last day, or the termination date, H2): every live
 * line ends too and the suspension, if any, is over.
 */
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

/** The part of the daily step that runs before renewals: the termination due today (Art 24; D7, R2). */
export function terminationStep(u: Unit, date: LocalDate, config: Config): Step {
  if (!on(terminationTimeline(u, config), date).some((a) => a.step === 'terminate')) return { unit: u, outbox: [] };
  const unit = endUnit(u, date, 'terminated');
  return {
    unit,
    outbox: [
      unitNotice(unit, 'terminated', date, agentOrManager(unit), config, { accounts: accountsInService(unit, date), terminatedOn: date }),
    ],
  };
}

/** Overdue notices, suspensions, warnings, termination notices and the termination's data-retrieval reminders due on `date`. */
export function dunningStep(u: Unit, date: LocalDate, config: Config): Step {
  const outbox: OutboxItem[] = [];
  const invoice = (id: string) => u.invoices.find((i) => i.id === id)!;
  const due = on(dunningTimeline(u, config), date);
  // payment_overdue: once per invoice, also for ended units (D2, I2).
  for (const a of due) if (a.step === 'payment_overdue') outbox.push(overdueNotice(u, invoice(a.invoiceId), date, config));

  let unit = u;
  // Suspension at d+30 of any unpaid invoice while active (D3), late-interest invoices included.
  if (due.some((a) => a.step === 'suspend')) {
    unit = { ...unit, status: 'suspended', suspendedOn: date, history: [...unit.history, { date, status: 'suspended' }] };
    outbox.push(
      unitNotice(unit, 'suspended', date, agentOrManager(unit), config, {
        accounts: accountsInService(unit, date),
        suspendedOn: date,
        terminationOn: addDays(date, config.terminateAfterDays),
      }),
    );
    outbox.push(...lineDesktopJobs(unit, 'suspend', date, config));
  }
  // suspension_warning at d+20, at most once per unit per day; not when suspended (even today) or out of service (D2).
  const warned = on(dunningTimeline(unit, config), date)
    .filter((a) => a.step === 'suspension_warning')
    .map((a) => invoice(a.invoiceId));
  if (warned.length > 0)
    outbox.push(
      unitNotice(unit, 'suspension_warning', date, agentOrManager(unit), config, {
        invoices: warned.map((i) => ({ id: i.id, issueDate: i.issueDate, lateInterest: i.kind === 'late_interest' })),
        suspensionOn: addDays(warned[0]!.dueDate, config.suspendAfterDays),
      }),
    );
  // termination_notice at S+20 while still suspended (D6); the termination date becomes known then (Q4).
  for (const a of on(terminationTimeline(unit, config), date))
    if (a.step === 'termination_notice')
      outbox.push(
        unitNotice(unit, 'termination_notice', date, agentOrManager(unit), config, {
          accounts: accountsInService(unit, date),
          terminationOn: a.terminationOn,
        }),
      );
  // From the day it is known (Q3: that day is not past); dropped when a cancellation ends the unit first (Q5).
  for (const a of on(dataRetrievalTimeline(unit, config), date))
    if (a.reason === 'termination')
      outbox.push(
        unitNotice(unit, 'data_retrieval_reminder', date, 'account_manager', config, {
          endDate: a.end,
          reason: 'termination',
          target: unitTarget(unit, date),
        }),
      );
  return { unit, outbox };
}
