/**
 * Desktops (docs/DESKTOPS.md): GET /kit/{token} (the one route without operator auth, rate-limited),
 * POST /units/{id}/kit (reissue), GET /units/{id}/accounts, GET /desktop-jobs?status=failed,
 * POST /desktop-jobs/{id}/retry, POST /desktops/reconcile, GET /desktops/drift.
 */
import { DomainError } from '#domain/errors.ts';
import { fetchKit, reissueKit } from '#use-cases/account-kit.ts';
import { latestDrift, listAccounts, listFailedJobs, retryJob } from '#use-cases/desktop-ops.ts';
import { reconcileDesktops } from '#use-cases/reconcile-desktops.ts';
import { json, route } from '#runtime/http.ts';
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
  return route({ params: KitTokenParam }, async ({ params, event }) => {
    const ip = event.requestContext?.http?.sourceIp ?? 'unknown';
    limiter ??= new RateLimiter(deps.config.kit.fetchesPerMinute);
    const wait = limiter.take(ip);
    if (wait > 0)
      throw new DomainError('RATE_LIMITED', 'too many requests for account kits from this address; try again later', {
        retryAfterSeconds: wait,
      });
    const kit = await fetchKit(deps, params.token, { ip, requestId: event.requestContext?.requestId });
    return json(200, kit, { 'cache-control': 'no-store', pragma: 'no-cache' });
  });
};

export const makeReissueKit = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) => json(202, await reissueKit(deps, principal(event), params.id)));

export const makeListAccounts = (deps: ApiDeps) =>
  route({ params: IdParam, query: AccountsQuery }, async ({ params, query, event }) =>
    json(200, await listAccounts(deps, principal(event), params.id, query)),
  );

export const makeListFailedJobs = (deps: ApiDeps) =>
  route({ query: DesktopJobsQuery }, async ({ query, event }) => json(200, await listFailedJobs(deps, principal(event), query)));

export const makeRetryJob = (deps: ApiDeps) =>
  route({ params: JobIdParam }, async ({ params, event }) => json(202, await retryJob(deps, principal(event), params.id)));

export const makeReconcile = (deps: ApiDeps) =>
  route({}, async ({ event }) => json(200, await reconcileDesktops(deps, principal(event), 'operator')));

export const makeGetDrift = (deps: ApiDeps) => route({}, async ({ event }) => json(200, await latestDrift(deps, principal(event))));
