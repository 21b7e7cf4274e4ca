/**
 * What the operator console reads beyond the rule use cases: the audit trail, a unit's notices and
 * desktops, the business clock (and, on a local stack, the test clock), and the 今日 dashboard.
 * Each takes the caller's Principal and asks `authorize` first, like every other use case.
 */
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  firstOfMonth,
  formatJst,
  monthOf,
  type Instant,
  type LocalDate,
} from '#domain/calendar.ts';
import type { Config } from '#domain/config.ts';
import { DomainError, invalid, notFound } from '#domain/errors.ts';
import { renderNotice } from '#notices/render.ts';
import { cancellationDeadline, renewal } from '#domain/terms.ts';
import type { Unit } from '#domain/unit.ts';
import { balance } from '#domain/invoices.ts';
import { dunningTimeline, terminationTimeline } from '#domain/timelines.ts';
import { authorize, authorizeUnit, visible, type Principal } from './authz.ts';
import { lineUserNames } from '#domain/desktops.ts';
import type {
  AccountRepository,
  AuditQuery,
  AuditReader,
  Clock,
  DesktopGateway,
  OutageRepository,
  OutboxRepository,
  UnitRepository,
} from './ports.ts';

/** Newest first; without `to`, up to the business clock's now (entries carry the business instant). */
export async function readAudit(deps: { audit: AuditReader; clock: Clock }, who: Principal, q: AuditQuery) {
  authorize(who, 'audit.read');
  return deps.audit.query({ ...q, to: q.to ?? formatJst((deps.clock.now() + 86_400_000) as Instant) });
}

async function unitFor(deps: { units: UnitRepository }, who: Principal, id: string): Promise<Unit> {
  authorize(who, 'units.read');
  const unit = await deps.units.get(id);
  if (!unit) throw notFound('unit', id);
  authorizeUnit(who, 'units.read', unit);
  return unit;
}

/** Every notice of a unit, rendered as the customer received it, newest first. */
export async function unitNotices(deps: { units: UnitRepository; outbox: OutboxRepository; config: Config }, who: Principal, id: string) {
  await unitFor(deps, who, id);
  const entries = await deps.outbox.noticesOfUnit(id);
  return entries.flatMap((e) => {
    if (e.item.kind !== 'notice') return [];
    const n = e.item;
    const body = renderNotice(n, { serviceName: 'ココナワーク', operatorName: deps.config.issuer.name });
    return [
      {
        id: n.id,
        type: n.type,
        date: n.date,
        role: n.role,
        to: n.to,
        state: e.state,
        attempts: e.attempts,
        subject: body.subject,
        text: body.text,
        html: body.html,
      },
    ];
  });
}

/** The live state of a unit's desktops (asked of WorkSpaces now; the ids from the unit's account items, W10). */
export async function unitDesktops(
  deps: { units: UnitRepository; accounts: AccountRepository; desktops: DesktopGateway },
  who: Principal,
  id: string,
) {
  const unit = await unitFor(deps, who, id);
  const accounts = await deps.accounts.listByUnit(id);
  const byUser = new Map(accounts.filter((a) => !a.deleted).map((a) => [a.userName, a]));
  const userNames = [...new Set([...unit.lines.flatMap((l) => lineUserNames(unit, l)), ...byUser.keys()])];
  const ids = [...byUser.values()].flatMap((a) => (a.workspaceId ? [a.workspaceId] : []));
  const live = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 25)
    for (const d of await deps.desktops.describe(ids.slice(i, i + 25))) live.set(d.workspaceId, d.state);
  return {
    items: userNames.map((u) => {
      const ws = byUser.get(u)?.workspaceId ?? null;
      return { userName: u, workspaceId: ws, state: ws ? (live.get(ws) ?? null) : null };
    }),
  };
}

/** The business date; `settable` when this stack has a test clock (local only). */
export interface TestClock {
  /** Moves the business date forward to `to`, running the daily run of every date in between. */
  advanceTo(to: LocalDate): Promise<{ from: LocalDate; to: LocalDate; dates: LocalDate[] }>;
}

export function clockInfo(deps: { clock: Clock; testClock?: TestClock }, who: Principal) {
  authorize(who, 'clock.read');
  return { today: deps.clock.today(), now: formatJst(deps.clock.now()), settable: !!deps.testClock };
}

export async function advanceClock(deps: { clock: Clock; testClock?: TestClock }, who: Principal, to: LocalDate) {
  authorize(who, 'clock.advance');
  if (!deps.testClock)
    throw new DomainError('CLOCK_NOT_SETTABLE', 'the business date follows the real date on this stack (the test clock is local only)', {});
  const today = deps.clock.today();
  if (compareDates(to, today) <= 0) throw invalid(`the test clock only moves forward: today is ${today}`, { field: 'to', today });
  if (daysBetween(today, to) > 366 * 2) throw invalid('at most two years at a time', { field: 'to' });
  return deps.testClock.advanceTo(to);
}

type DueKind = 'renewal' | 'cancellation_deadline' | 'invoice_due' | 'suspension' | 'termination';

/** The 今日 page: what is due, what is late, what the next 12 months bring. */
export async function dashboard(
  deps: { units: UnitRepository; outages: OutageRepository; outbox: OutboxRepository; clock: Clock; config: Config; audit?: AuditReader },
  who: Principal,
) {
  authorize(who, 'dashboard.read');
  const today = deps.clock.today();
  const now = deps.clock.now();
  const units = visible(who, 'dashboard.read', await deps.units.listUnits({}, 100_000));
  const horizon = addDays(today, 7);
  const due: { date: LocalDate; kind: DueKind; unit: string; name: string; amount?: number }[] = [];
  const inWeek = (d: LocalDate | null | undefined): d is LocalDate => !!d && compareDates(d, today) >= 0 && compareDates(d, horizon) <= 0;
  const months = Array.from({ length: 12 }, (_, i) => ({
    month: firstOfMonth(addMonths(monthOf(today), i)).slice(0, 7),
    renewals: 0,
    deadlines: 0,
    billed: 0,
  }));
  const monthIndex = new Map(months.map((m, i) => [m.month, i]));
  const overdue: { id: string; unit: string; name: string; dueDate: LocalDate; balance: number; days: number }[] = [];
  const ages = [
    { label: '1〜30日', min: 1, max: 30, amount: 0, count: 0 },
    { label: '31〜60日', min: 31, max: 60, amount: 0, count: 0 },
    { label: '61〜90日', min: 61, max: 90, amount: 0, count: 0 },
    { label: '91日以上', min: 91, max: Infinity, amount: 0, count: 0 },
  ];
  const counts = { units: units.length, active: 0, suspended: 0, pending: 0 };
  for (const u of units) {
    if (u.status === 'active') counts.active++;
    if (u.status === 'suspended') counts.suspended++;
    if (u.status === 'pending') counts.pending++;
    const inService = u.status === 'active' || u.status === 'suspended';
    const price = deps.config.plans[u.plan]?.monthlyPrice ?? 0;
    if (inService && !u.cancellation) {
      for (const l of u.lines) {
        if (!l.started || l.endedOn !== null || l.cancellation || !l.termEnd) continue;
        const dl = cancellationDeadline(l.termEnd);
        const rn = renewal(l.termEnd).from;
        if (l.kind === 'basic') {
          if (inWeek(dl)) due.push({ date: dl, kind: 'cancellation_deadline', unit: u.id, name: u.contractor.name });
          if (inWeek(rn)) due.push({ date: rn, kind: 'renewal', unit: u.id, name: u.contractor.name });
          const di = monthIndex.get(dl.slice(0, 7));
          if (di !== undefined) months[di]!.deadlines++;
          const ri = monthIndex.get(rn.slice(0, 7));
          if (ri !== undefined) months[ri]!.renewals++;
        }
        // Renewal fees are invoiced in the renewed term's first month (tax-exclusive estimate).
        const bi = monthIndex.get(rn.slice(0, 7));
        if (bi !== undefined) months[bi]!.billed += l.accounts * price * 12;
      }
    }
    for (const inv of u.invoices) {
      const bal = balance(inv); // live payments only: a payment the bank cancelled (B5) pays nothing
      if (bal <= 0) continue;
      if (inWeek(inv.dueDate)) due.push({ date: inv.dueDate, kind: 'invoice_due', unit: u.id, name: u.contractor.name, amount: bal });
      if (compareDates(inv.dueDate, today) < 0) {
        const days = daysBetween(inv.dueDate, today);
        overdue.push({ id: inv.id, unit: u.id, name: u.contractor.name, dueDate: inv.dueDate, balance: bal, days });
        const b = ages.find((a) => days >= a.min && days <= a.max);
        if (b) {
          b.amount += bal;
          b.count++;
        }
      }
    }
    // Suspension (Art 23) and termination (Art 24) on the dates the rules' own timelines give.
    for (const a of dunningTimeline(u, deps.config))
      if (a.step === 'suspend' && inWeek(a.date)) due.push({ date: a.date, kind: 'suspension', unit: u.id, name: u.contractor.name });
    for (const a of terminationTimeline(u, deps.config))
      if (a.step === 'terminate' && inWeek(a.date)) due.push({ date: a.date, kind: 'termination', unit: u.id, name: u.contractor.name });
  }
  due.sort((a, b) => compareDates(a.date, b.date) || a.kind.localeCompare(b.kind));
  overdue.sort((a, b) => b.days - a.days);

  const seeOutages = who.role !== 'agent';
  const threshold = deps.config.outageThresholdHours;
  const outages = seeOutages
    ? (await deps.outages.list({ open: true })).map((o) => {
        const hours = Math.floor((now - o.knownAt) / 3_600_000);
        return {
          id: o.id,
          cause: o.cause,
          knownAt: formatJst(o.knownAt),
          hours,
          pastThreshold: hours >= threshold,
          nearThreshold: hours >= threshold - 24,
        };
      })
    : [];
  const failedJobs = seeOutages
    ? (await deps.outbox.listPending(500)).length === 0
      ? []
      : (await Promise.all((await deps.outbox.listPending(500)).map((i) => deps.outbox.get(i.id))))
          .filter((e) => e && e.attempts > 0)
          .map((e) => ({ id: e!.item.id, kind: e!.item.kind, unit: e!.item.unitId, attempts: e!.attempts }))
    : [];
  // What today's daily run did: its entries in the audit trail, counted by action.
  let run: { date: LocalDate | null; counts: Record<string, number> } = { date: null, counts: {} };
  if (deps.audit && seeOutages) {
    const from = `${today}T00:00:00+09:00`;
    const entries = (await deps.audit.query({ from, limit: 1000 })).items.filter((e) => e.actor.role === 'system');
    const counts: Record<string, number> = {};
    for (const e of entries) counts[e.action] = (counts[e.action] ?? 0) + 1;
    run = { date: entries.some((e) => e.action === 'daily_run.complete') ? today : null, counts };
  }
  return {
    today,
    counts,
    run,
    due,
    overdue: overdue.slice(0, 50),
    overdueTotal: overdue.reduce((s, o) => s + o.balance, 0),
    overdueByAge: ages.map(({ label, amount, count }) => ({ label, amount, count })),
    outages,
    failedJobs,
    bounced: [] as { id: string; to: string; at: string }[],
    months,
  };
}
