/**
 * Dunning (Art 23, 24; RULES §7; DETAILS D, I2, Q4). For an invoice unpaid after its due date d:
 * d+1 payment_overdue (to the payer); d+20 suspension_warning; d+30 suspension (desktops to admin
 * maintenance); suspension+20 termination_notice; suspension+30 termination (service ends that day,
 * desktops deleted like a cancellation's). Offsets are config. Pure: the date is a parameter.
 */
import { addDays, compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { desktopJobId, type OutboxItem } from './effects.ts';
import { balance, invoiceRef, type Invoice } from './invoices.ts';
import { agentOrManager, unitNotice } from './notices.ts';
import type { Line, Unit } from './unit.ts';

const live = (l: Line) => l.started && l.endedOn === null;

export const unpaid = (i: Invoice) => balance(i) > 0;
/** Overdue on `today`: unpaid with a due date before today (D4). */
export const overdue = (i: Invoice, today: LocalDate) => unpaid(i) && compareDates(i.dueDate, today) < 0;

/** paid: settled; overdue: unpaid past its due date; open: unpaid, not yet due. */
export function invoiceStatus(inv: Invoice, today: LocalDate): 'open' | 'overdue' | 'paid' {
  return balance(inv) === 0 ? 'paid' : overdue(inv, today) ? 'overdue' : 'open';
}

/** The desktop jobs of every live line of a kokona unit (suspend / resume). */
export function lineDesktopJobs(unit: Unit, action: 'suspend' | 'resume', date: LocalDate, config: Config): OutboxItem[] {
  if (!config.plans[unit.plan]?.desktops) return [];
  return unit.lines
    .filter(live)
    .map((l) => ({ kind: 'desktop', id: desktopJobId({ unitId: unit.id, lineId: l.id, action, date }), action, unitId: unit.id, lineId: l.id, date, accounts: l.accounts }));
}

function invoiceNotice(u: Unit, inv: Invoice, type: 'payment_overdue', date: LocalDate, config: Config): OutboxItem {
  return unitNotice(
    u,
    type,
    date,
    inv.payer === 'agent' ? 'agent' : 'account_manager',
    config,
    { invoice: inv.id, issueDate: inv.issueDate, dueDate: inv.dueDate, total: inv.total, balance: balance(inv) },
    { discriminator: inv.id, refs: { invoice: invoiceRef(inv) } },
  );
}

/** The termination date once announced (termination_notice sent by `today`, Q4), else null. */
export function announcedTermination(u: Unit, today: LocalDate, config: Config): LocalDate | null {
  if (u.status !== 'suspended' || !u.suspendedOn) return null;
  const noticeOn = addDays(u.suspendedOn, config.terminateAfterDays - config.terminationNoticeDays);
  return compareDates(noticeOn, today) <= 0 ? addDays(u.suspendedOn, config.terminateAfterDays) : null;
}

/** Termination (Art 24): the unit ends on `date`, the day it is terminated (H2). */
export function terminate(u: Unit, date: LocalDate, config: Config): { unit: Unit; outbox: OutboxItem[] } {
  const unit: Unit = {
    ...u,
    status: 'terminated',
    endedOn: date,
    suspendedOn: null,
    history: [...u.history, { date, status: 'terminated' }],
    lines: u.lines.map((l) => (live(l) ? { ...l, endedOn: date } : l)),
  };
  return { unit, outbox: [unitNotice(unit, 'terminated', date, agentOrManager(unit), config, { terminatedOn: date })] };
}

/** The part of the daily step that runs before renewals: termination at suspension + terminateAfterDays (D7, R2). */
export function terminationStep(u: Unit, date: LocalDate, config: Config): { unit: Unit; outbox: OutboxItem[] } {
  if (u.status === 'suspended' && u.suspendedOn && addDays(u.suspendedOn, config.terminateAfterDays) === date) return terminate(u, date, config);
  return { unit: u, outbox: [] };
}

/** Overdue notices, suspensions, warnings, termination notices and the termination's data-retrieval reminders. */
export function dunningStep(u: Unit, date: LocalDate, config: Config): { unit: Unit; outbox: OutboxItem[] } {
  const outbox: OutboxItem[] = [];
  const invoices = u.invoices ?? [];
  // payment_overdue: once per invoice, also for ended units (D2, I2).
  for (const inv of invoices) if (unpaid(inv) && addDays(inv.dueDate, config.overdueNoticeDays) === date) outbox.push(invoiceNotice(u, inv, 'payment_overdue', date, config));

  let unit = u;
  // Suspension at d+30 of any unpaid invoice while active (D3), late-interest invoices included.
  if (unit.status === 'active' && invoices.some((i) => unpaid(i) && addDays(i.dueDate, config.suspendAfterDays) === date)) {
    unit = { ...unit, status: 'suspended', suspendedOn: date, history: [...unit.history, { date, status: 'suspended' }] };
    outbox.push(unitNotice(unit, 'suspended', date, agentOrManager(unit), config, { suspendedOn: date, terminationOn: addDays(date, config.terminateAfterDays) }));
    outbox.push(...lineDesktopJobs(unit, 'suspend', date, config));
  }
  // suspension_warning at d+20, at most once per unit per day; not when suspended (even today) or out of service (D2).
  const warnAt = config.suspendAfterDays - config.suspensionNoticeDays;
  const warned = invoices.filter((i) => unpaid(i) && addDays(i.dueDate, warnAt) === date);
  if (unit.status === 'active' && warned.length > 0)
    outbox.push(
      unitNotice(unit, 'suspension_warning', date, agentOrManager(unit), config, {
        invoices: warned.map((i) => i.id),
        suspensionOn: addDays(warned[0]!.dueDate, config.suspendAfterDays),
      }),
    );
  if (unit.status === 'suspended' && unit.suspendedOn) {
    const end = addDays(unit.suspendedOn, config.terminateAfterDays);
    const noticeOn = addDays(unit.suspendedOn, config.terminateAfterDays - config.terminationNoticeDays);
    // termination_notice at S+20 while still suspended (D6); the termination date becomes known then (Q4).
    if (noticeOn === date) outbox.push(unitNotice(unit, 'termination_notice', date, agentOrManager(unit), config, { terminationOn: end }));
    // From the day it is known (Q3: that day is not past); dropped when a cancellation ends the unit first (Q5).
    const endsFirst = unit.cancellation && compareDates(unit.cancellation.end, end) < 0;
    if (config.plans[unit.plan]?.desktops && !endsFirst && compareDates(date, noticeOn) >= 0 && config.dataRetrievalReminderDays.some((k) => addDays(end, -k) === date))
      outbox.push(unitNotice(unit, 'data_retrieval_reminder', date, 'account_manager', config, { endDate: end, reason: 'termination' }));
  }
  return { unit, outbox };
}

/** Dates after `after` on which dunning may act for this unit. */
export function dunningDates(u: Unit, config: Config): LocalDate[] {
  const dates: LocalDate[] = [];
  for (const i of u.invoices ?? []) {
    if (!unpaid(i)) continue;
    dates.push(addDays(i.dueDate, config.overdueNoticeDays), addDays(i.dueDate, config.suspendAfterDays - config.suspensionNoticeDays), addDays(i.dueDate, config.suspendAfterDays));
  }
  if (u.status === 'suspended' && u.suspendedOn) {
    const end = addDays(u.suspendedOn, config.terminateAfterDays);
    dates.push(addDays(u.suspendedOn, config.terminateAfterDays - config.terminationNoticeDays), end, ...config.dataRetrievalReminderDays.map((k) => addDays(end, -k)));
  }
  return dates;
}
