/**
 * The one `api` function: auth, the method check (405 with Allow) and the error map around
 * @middy/http-router over the routes; every answer carries `x-request-id` (also in the access log),
 * and every request sees its business date (request schemas check dates against it).
 */
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { Context } from 'aws-lambda';
import { httpErrors, requestIdOf, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { logger } from '#runtime/logger.ts';
import { withRequestContext } from '#runtime/request-context.ts';
import { withDeadline } from '#use-cases/contention.ts';
import { authenticate } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { methodCheck } from './method-check.ts';
import { routes } from './routes/index.ts';

export { routes };

/** Time kept back from the function's timeout to answer (a 409 rather than a timeout). */
const ANSWER_MARGIN_MS = 3000;

export const makeHandler = (deps: ApiDeps) => {
  const table = routes(deps);
  const inner = middy<HttpEvent, HttpResult>()
    .use(httpErrors())
    // W3: the account kit link is the one route without operator auth (its token is the credential).
    .use(authenticate(deps.auth, (ev) => ev.requestContext?.http?.method === 'GET' && /^\/kit\/[^/]+$/.test(ev.rawPath ?? '')))
    .use(methodCheck(table))
    .handler(httpRouterHandler(table));
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const requestId = requestIdOf(event);
    const t0 = Date.now();
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
    const deadline = Date.now() + Math.max(1000, remaining - ANSWER_MARGIN_MS);
    const result = await withRequestContext({ today: deps.clock.today(), requestId }, () =>
      withDeadline(deadline, () => inner(event, context)),
    );
    const res: HttpResult = { ...result, headers: { ...result.headers, 'x-request-id': requestId } };
    logger.info('request', {
      requestId,
      method: event.requestContext?.http?.method,
      path: event.rawPath?.slice(0, 200),
      status: res.statusCode,
      ms: Date.now() - t0,
      ...(res.statusCode !== undefined && res.statusCode >= 400 ? { code: errorCode(res.body) } : {}),
    });
    return res;
  };
};

function errorCode(body: string | undefined): string | undefined {
  try {
    return (JSON.parse(body ?? '{}') as { code?: string }).code;
  } catch {
    return undefined;
  }
}
