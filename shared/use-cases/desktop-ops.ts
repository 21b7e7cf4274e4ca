/**
 * The operator's desktop reads and actions (docs/DESKTOPS.md W5, W9, W10): a unit's accounts, failed
 * desktop jobs and their retry, the reconciler's latest report. Each takes the caller's Principal
 * and asks `authorize` first, like every other use case.
 */
import { formatJst } from '#domain/calendar.ts';
import { DomainError, notFound } from '#domain/errors.ts';
import { authorize, authorizeUnit, type Principal } from './authz.ts';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  DriftReport,
  DriftStore,
  OutboxEntry,
  OutboxPublisher,
  OutboxRepository,
  UnitRepository,
} from './ports.ts';

/** W10: one page of a unit's accounts, by account number. */
export async function listAccounts(
  deps: { units: UnitRepository; accounts: AccountRepository },
  who: Principal,
  unitId: string,
  q: { limit: number; next?: string },
) {
  authorize(who, 'accounts.read');
  const unit = await deps.units.get(unitId);
  if (!unit) throw notFound('unit', unitId);
  authorizeUnit(who, 'accounts.read', unit);
  const all = await deps.accounts.listByUnit(unitId);
  const after = q.next ? Number(Buffer.from(q.next, 'base64url').toString('utf8')) || 0 : 0;
  const page = all.filter((a) => a.number > after).slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((a) => ({
      userName: a.userName,
      line: a.lineId,
      workspaceId: a.workspaceId ?? null,
      userCreated: a.userCreated === true,
      passwordAwaitingKit: a.sealedPassword !== undefined,
      deleted: a.deleted === true,
    })),
    next: last && all.some((a) => a.number > last.number) ? Buffer.from(String(last.number)).toString('base64url') : null,
  };
}

/** W5: desktop jobs that failed for good, oldest failure first. */
export async function listFailedJobs(deps: { outbox: OutboxRepository }, who: Principal, q: { limit: number; next?: string }) {
  authorize(who, 'desktops.read');
  const r = await deps.outbox.listFailed(q.limit, q.next);
  return {
    items: r.items.map((e: OutboxEntry) => ({
      id: e.item.id,
      ...(e.item.kind === 'desktop' ? { action: e.item.action, unit: e.item.unitId, line: e.item.lineId, date: e.item.date } : {}),
      failure: e.failure,
      retries: e.retries ?? 0,
    })),
    next: r.next,
  };
}

/** W5: an operator retry of a failed job (once its cause is fixed). Audited. */
export async function retryJob(
  deps: { outbox: OutboxRepository; publisher: OutboxPublisher; audit: AuditLog; clock: Clock },
  who: Principal,
  id: string,
): Promise<{ id: string; state: 'pending' }> {
  authorize(who, 'desktops.manage');
  const entry = await deps.outbox.get(id);
  if (!entry || entry.item.kind !== 'desktop') throw notFound('desktop job', id);
  if (!(await deps.outbox.reopen(id)))
    throw new DomainError('JOB_NOT_FAILED', `desktop job ${id} is ${entry.state}, not failed`, { state: entry.state });
  await deps.publisher.publish([entry.item]);
  await deps.audit.record({
    at: formatJst(deps.clock.now()),
    actor: { id: who.id, role: who.role },
    action: 'desktop_job.retried',
    unit: entry.item.unitId,
    target: id,
    ...(who.requestId ? { requestId: who.requestId } : {}),
    before: entry.failure,
  });
  return { id, state: 'pending' };
}

/** W9: the reconciler's latest report. */
export async function latestDrift(deps: { drift: DriftStore }, who: Principal): Promise<DriftReport> {
  authorize(who, 'desktops.read');
  const r = await deps.drift.latest();
  if (!r) throw new DomainError('NOT_FOUND', 'the reconciler has not run yet', {});
  return r;
}
