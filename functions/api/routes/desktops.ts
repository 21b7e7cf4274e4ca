/**
 * Desktops (docs/DESKTOPS.md): GET /kit/{token} (the one route without operator auth, rate-limited),
 * POST /units/{id}/kit (reissue), GET /units/{id}/accounts, GET /desktop-jobs?status=failed,
 * POST /desktop-jobs/{id}/retry, POST /desktops/reconcile, GET /desktops/drift.
 */
import middy from '@middy/core';
import type { z } from 'zod';
import { DomainError } from '#domain/errors.ts';
import { fetchKit, reissueKit } from '#use-cases/account-kit.ts';
import { latestDrift, listAccounts, listFailedJobs, retryJob } from '#use-cases/desktop-ops.ts';
import { reconcileDesktops } from '#use-cases/reconcile-desktops.ts';
import { json, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { AccountsQuery, DesktopJobsQuery, IdParam, JobIdParam, KitTokenParam } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

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
      return json(202, await reissueKit(deps, principal(ev), id));
    });

export const makeListAccounts = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, AccountsQuery))
    .handler(async (ev) => {
      const { id } = ev.parsed!.params as z.infer<typeof IdParam>;
      return json(200, await listAccounts(deps, principal(ev), id, ev.parsed!.query as z.infer<typeof AccountsQuery>));
    });

export const makeListFailedJobs = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, DesktopJobsQuery))
    .handler(async (ev) => json(200, await listFailedJobs(deps, principal(ev), ev.parsed!.query as z.infer<typeof DesktopJobsQuery>)));

export const makeRetryJob = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(JobIdParam, null))
    .handler(async (ev) => {
      const { id } = ev.parsed!.params as z.infer<typeof JobIdParam>;
      return json(202, await retryJob(deps, principal(ev), id));
    });

export const makeReconcile = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>().handler(async (ev) => json(200, await reconcileDesktops(deps, principal(ev), 'operator')));

export const makeGetDrift = (deps: ApiDeps) => middy<HttpEvent, HttpResult>().handler(async (ev) => json(200, await latestDrift(deps, principal(ev))));
