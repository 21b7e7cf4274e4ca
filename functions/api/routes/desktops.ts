/**
 * Desktops (docs/DESKTOPS.md): GET /kit/{token} (the one route without operator auth, rate-limited),
 * POST /units/{id}/kit (reissue), GET /units/{id}/accounts, GET /desktop-jobs?status=failed,
 * POST /desktop-jobs/{id}/retry, POST /desktops/reconcile, GET /desktops/drift.
 */
import middy from '@middy/core';
import type { z } from 'zod';
import { DomainError, notFound } from '#domain/errors.ts';
import { fetchKit, reissueKit } from '#use-cases/account-kit.ts';
import { reconcileDesktops } from '#use-cases/reconcile-desktops.ts';
import { json, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { AccountsQuery, DesktopJobsQuery, IdParam, JobIdParam, KitTokenParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';

/** Fixed one-minute windows per source address (per instance; API Gateway throttles the route on AWS too). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; n: number }>();
  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 when the call may go ahead. */
  take(key: string, now = Date.now()): number {
    const w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, { start: now, n: 1 });
      return 0;
    }
    if (w.n >= this.perMinute) return Math.ceil((w.start + 60_000 - now) / 1000);
    w.n++;
    return 0;
  }
}

const actorOf = (ev: HttpEvent) => {
  const iam = (ev.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam;
  return { id: iam?.userArn ?? 'operator', role: 'operator' as const };
};

export const makeFetchKit = (deps: ApiDeps) => {
  let limiter: RateLimiter | undefined;
  return middy<HttpEvent, HttpResult>()
    .use(parseParams(KitTokenParam, null))
    .handler(async (ev) => {
      const ip = ev.requestContext?.http?.sourceIp ?? 'unknown';
      limiter ??= new RateLimiter(deps.config.kit.fetchesPerMinute);
      const wait = limiter.take(ip);
      if (wait > 0) throw new DomainError('RATE_LIMITED', 'too many requests for account kits from this address; try again later', { retryAfterSeconds: wait });
      const { token } = ev.parsed!.params as z.infer<typeof KitTokenParam>;
      const kit = await fetchKit(deps, token, { ip, requestId: ev.requestContext?.requestId });
      return json(200, kit, { 'cache-control': 'no-store', pragma: 'no-cache' });
    });
};

export const makeReissueKit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => {
      const { id } = ev.parsed!.params as z.infer<typeof IdParam>;
      return json(202, await reissueKit(deps, id, actorOf(ev), ev.requestContext?.requestId));
    });

export const makeListAccounts = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, AccountsQuery))
    .handler(async (ev) => {
      const { id } = ev.parsed!.params as z.infer<typeof IdParam>;
      const q = ev.parsed!.query as z.infer<typeof AccountsQuery>;
      if (!(await deps.units.get(id))) throw notFound('unit', id);
      const all = await deps.accounts.listByUnit(id);
      const after = q.next ? Number(Buffer.from(q.next, 'base64url').toString('utf8')) || 0 : 0;
      const page = all.filter((a) => a.number > after).slice(0, q.limit);
      const last = page.at(-1);
      return json(200, {
        items: page.map((a) => ({
          userName: a.userName,
          line: a.lineId,
          workspaceId: a.workspaceId ?? null,
          userCreated: a.userCreated === true,
          passwordAwaitingKit: a.sealedPassword !== undefined,
          deleted: a.deleted === true,
        })),
        next: last && all.some((a) => a.number > last.number) ? Buffer.from(String(last.number)).toString('base64url') : null,
      });
    });

export const makeListFailedJobs = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, DesktopJobsQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof DesktopJobsQuery>;
      const r = await deps.outbox.listFailed(q.limit, q.next);
      return json(200, {
        items: r.items.map((e) => ({ id: e.item.id, ...(e.item.kind === 'desktop' ? { action: e.item.action, unit: e.item.unitId, line: e.item.lineId, date: e.item.date } : {}), failure: e.failure, retries: e.retries ?? 0 })),
        next: r.next,
      });
    });

export const makeRetryJob = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(JobIdParam, null))
    .handler(async (ev) => {
      const { id } = ev.parsed!.params as z.infer<typeof JobIdParam>;
      const entry = await deps.outbox.get(id);
      if (!entry || entry.item.kind !== 'desktop') throw notFound('desktop job', id);
      if (!(await deps.outbox.reopen(id))) throw new DomainError('JOB_NOT_FAILED', `desktop job ${id} is ${entry.state}, not failed`, { state: entry.state });
      await deps.publisher.publish([entry.item]);
      await deps.audit.record({ at: new Date(deps.clock.now()).toISOString(), actor: actorOf(ev), action: 'desktop_job.retried', unit: entry.item.unitId, target: id, before: entry.failure });
      return json(202, { id, state: 'pending' });
    });

export const makeReconcile = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>().handler(async () => {
    const r = await reconcileDesktops(deps, 'operator');
    return json(200, r);
  });

export const makeGetDrift = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>().handler(async () => {
    const r = await deps.drift.latest();
    if (!r) throw new DomainError('NOT_FOUND', 'the reconciler has not run yet', {});
    return json(200, r);
  });
