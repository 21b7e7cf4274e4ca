/**
 * The one `api` function: auth, the method check (405 with Allow) and the error map around
 * @middy/http-router over the routes; every answer carries `x-request-id` (also in the access log),
 * and every request sees its business date (request schemas check dates against it).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { Context } from 'aws-lambda';
import { DomainError } from '#domain/errors.ts';
import { httpErrors, requestIdOf, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { logger } from '#runtime/logger.ts';
import { withRequestContext } from '#runtime/request-context.ts';
import { withDeadline } from '#use-cases/contention.ts';
import { authenticate } from './auth.ts';
import { makeAdvanceClock, makeGetAudit, makeGetClock, makeGetDashboard, makeGetUnitDesktops, makeGetUnitNotices } from './routes/console.ts';

/** Time kept back from the function's timeout to answer (a 409 rather than a timeout). */
const ANSWER_MARGIN_MS = 3000;
import { makeOpenApi } from './routes/openapi.ts';
import type { ApiDeps } from './deps.ts';
import { makeAcceptApplication, makeDeferApplication, makeListApplications, makeRejectApplication, makeSubmitApplication } from './routes/applications.ts';
import { makeAnnounceMaintenance, makeGetOutage, makeListOutages, makePayOut, makeRecordOutage, makeUpdateOutage } from './routes/outages.ts';
import { makeGetInvoice, makeListInvoices, makeRecordPayment, makeUnitBalance } from './routes/invoices.ts';
import { makeGetNotice, makeResendNotice } from './routes/notices.ts';
import { makeGetDeposit, makeImportBankFile, makeInvoicePdf, makeListDeposits, makeMatchDeposit, makeReadArchived, makeSearchArchive } from './routes/money.ts';
import { makeFetchKit, makeGetDrift, makeListAccounts, makeListFailedJobs, makeReconcile, makeReissueKit, makeRetryJob } from './routes/desktops.ts';
import { makeAddLine, makeCancel, makeChangeContact, makeGetUnit, makeListUnits } from './routes/units.ts';

export function routes(deps: ApiDeps): Route<HttpEvent, HttpResult>[] {
  return [
    { method: 'GET', path: '/openapi.json', handler: makeOpenApi() },
    { method: 'POST', path: '/applications', handler: makeSubmitApplication(deps) },
    { method: 'GET', path: '/applications', handler: makeListApplications(deps) },
    { method: 'POST', path: '/applications/{id}/accept', handler: makeAcceptApplication(deps) },
    { method: 'POST', path: '/applications/{id}/reject', handler: makeRejectApplication(deps) },
    { method: 'POST', path: '/applications/{id}/defer', handler: makeDeferApplication(deps) },
    { method: 'GET', path: '/units', handler: makeListUnits(deps) },
    { method: 'GET', path: '/units/{id}', handler: makeGetUnit(deps) },
    { method: 'POST', path: '/units/{id}/lines', handler: makeAddLine(deps) },
    { method: 'POST', path: '/units/{id}/cancellations', handler: makeCancel(deps) },
    { method: 'PATCH', path: '/units/{id}/contact', handler: makeChangeContact(deps) },
    { method: 'GET', path: '/units/{id}/balance', handler: makeUnitBalance(deps) },
    { method: 'GET', path: '/invoices', handler: makeListInvoices(deps) },
    { method: 'GET', path: '/invoices/{id}', handler: makeGetInvoice(deps) },
    { method: 'POST', path: '/invoices/{id}/payments', handler: makeRecordPayment(deps) },
    { method: 'GET', path: '/invoices/{id}/pdf', handler: makeInvoicePdf(deps) },
    { method: 'POST', path: '/bank-files', handler: makeImportBankFile(deps) },
    { method: 'GET', path: '/deposits', handler: makeListDeposits(deps) },
    { method: 'GET', path: '/deposits/{id}', handler: makeGetDeposit(deps) },
    { method: 'POST', path: '/deposits/{id}/match', handler: makeMatchDeposit(deps) },
    { method: 'GET', path: '/archive', handler: makeSearchArchive(deps) },
    { method: 'GET', path: '/archive/{key}', handler: makeReadArchived(deps) },
    { method: 'POST', path: '/outages', handler: makeRecordOutage(deps) },
    { method: 'GET', path: '/outages', handler: makeListOutages(deps) },
    { method: 'GET', path: '/outages/{id}', handler: makeGetOutage(deps) },
    { method: 'PATCH', path: '/outages/{id}', handler: makeUpdateOutage(deps) },
    { method: 'POST', path: '/compensations/{id}/payout', handler: makePayOut(deps) },
    { method: 'POST', path: '/maintenances', handler: makeAnnounceMaintenance(deps) },
    { method: 'GET', path: '/notices/{id}', handler: makeGetNotice(deps) },
    { method: 'POST', path: '/notices/{id}/resend', handler: makeResendNotice(deps) },
    { method: 'GET', path: '/units/{id}/notices', handler: makeGetUnitNotices(deps) },
    { method: 'GET', path: '/units/{id}/desktops', handler: makeGetUnitDesktops(deps) },
    { method: 'GET', path: '/audit', handler: makeGetAudit(deps) },
    { method: 'GET', path: '/clock', handler: makeGetClock(deps) },
    { method: 'POST', path: '/clock/advance', handler: makeAdvanceClock(deps) },
    { method: 'GET', path: '/dashboard', handler: makeGetDashboard(deps) },
    { method: 'GET', path: '/kit/{token}', handler: makeFetchKit(deps) },
    { method: 'POST', path: '/units/{id}/kit', handler: makeReissueKit(deps) },
    { method: 'GET', path: '/units/{id}/accounts', handler: makeListAccounts(deps) },
    { method: 'GET', path: '/desktop-jobs', handler: makeListFailedJobs(deps) },
    { method: 'POST', path: '/desktop-jobs/{id}/retry', handler: makeRetryJob(deps) },
    { method: 'POST', path: '/desktops/reconcile', handler: makeReconcile(deps) },
    { method: 'GET', path: '/desktops/drift', handler: makeGetDrift(deps) },
  ];
}

/** `/units/{id}` → a matcher of one path segment per parameter. */
const pattern = (path: string) => new RegExp(`^${path.replace(/\{[^/]+\}/g, '[^/]+')}$`);

/**
 * Before the router: a path no route has is 404 NOT_FOUND; a path some route has with another method
 * (HEAD, DELETE, PUT, OPTIONS, …) is 405 METHOD_NOT_ALLOWED with the `Allow` header.
 */
function methodCheck(table: readonly { method: string; path: string }[]): MiddlewareObj<HttpEvent, HttpResult> {
  const byPattern = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of table) {
    const e = byPattern.get(r.path) ?? { re: pattern(r.path), methods: new Set<string>() };
    e.methods.add(r.method);
    byPattern.set(r.path, e);
  }
  return {
    before: async (request) => {
      const method = request.event.requestContext?.http?.method ?? '';
      const path = request.event.rawPath ?? '';
      const allow = new Set<string>();
      for (const { re, methods } of byPattern.values()) if (re.test(path)) for (const m of methods) allow.add(m);
      if (allow.size === 0) throw new DomainError('NOT_FOUND', `no route ${method} ${path.slice(0, 200)}`, {});
      if (!allow.has(method)) throw new DomainError('METHOD_NOT_ALLOWED', `${method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}`, { allow: [...allow].sort() });
    },
  };
}

export const makeHandler = (deps: ApiDeps) => {
  const table = routes(deps);
  const inner = middy<HttpEvent, HttpResult>()
    .use(httpErrors())
    // W3: the account kit link is the one route without operator auth (its token is the credential).
    .use(authenticate(deps.auth, (ev) => ev.requestContext?.http?.method === 'GET' && /^\/kit\/[^/]+$/.test(ev.rawPath ?? '')))
    .use(methodCheck(table))
    .handler(httpRouterHandler(table) as unknown as (e: HttpEvent) => Promise<HttpResult>);
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const requestId = requestIdOf(event);
    const t0 = Date.now();
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
    const deadline = Date.now() + Math.max(1000, remaining - ANSWER_MARGIN_MS);
    const result = await withRequestContext({ today: deps.clock.today(), requestId }, () => withDeadline(deadline, () => inner(event, context)));
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
