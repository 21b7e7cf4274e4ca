/**
 * The route table of the api function: one line per route, each to its route module's
 * makeHandler (functions/api/routes/*.ts: middy chain → one use case → response). The OpenAPI
 * document (shared/runtime/openapi.ts API_ROUTES) lists the same routes; test/functions and
 * test/infra check that the two and the HTTP API's routes agree.
 *
 * Each route group (one module: applications, units, invoices, …) is imported on the first request
 * to one of its routes, not at cold start: in the Lambda bundle every group is a chunk of its own
 * (esbuild code splitting, infra/cdk/bundling.ts SPLIT_FUNCTIONS), so a cold start loads index.mjs
 * and the one group its request needs (test/infra/bundles.test.ts bounds the largest such path).
 * Under tsx and vitest the same `import()`s load the TypeScript modules.
 */
import type { Context } from 'aws-lambda';
import type { Route } from '@middy/http-router';
import type { HttpEvent, HttpResult } from '#runtime/http.ts';
import type { ApiDeps } from '../deps.ts';
import { makeOpenApi } from './openapi.ts';

type Handler = (event: HttpEvent, context: Context, opts: unknown) => Promise<HttpResult>;
type Make = (deps: ApiDeps) => (event: HttpEvent, context: Context, opts: unknown) => Promise<HttpResult> | HttpResult;

/**
 * A route group imported on first use: `lazyGroup(load)(deps, m => m.makeX)` is a handler that imports the module
 * once (a failed import is retried on the next request), builds the route's middy chain once, then
 * runs it.
 */
function lazyGroup<M>(load: () => Promise<M>) {
  let mod: Promise<M> | undefined;
  const loaded = () =>
    (mod ??= load().catch((e: unknown) => {
      mod = undefined;
      throw e;
    }));
  return (deps: ApiDeps, pick: (m: M) => Make): Handler => {
    let built: ReturnType<Make> | undefined;
    return async (event, context, opts) => {
      built ??= pick(await loaded())(deps);
      return built(event, context, opts);
    };
  };
}

const applications = lazyGroup(() => import('./applications.ts'));
const units = lazyGroup(() => import('./units.ts'));
const invoices = lazyGroup(() => import('./invoices.ts'));
const money = lazyGroup(() => import('./money.ts'));
const outages = lazyGroup(() => import('./outages.ts'));
const notices = lazyGroup(() => import('./notices.ts'));
const consoleRoutes = lazyGroup(() => import('./console.ts'));
const desktops = lazyGroup(() => import('./desktops.ts'));

export function routes(deps: ApiDeps): Route<HttpEvent, HttpResult>[] {
  return [
    { method: 'GET', path: '/openapi.json', handler: makeOpenApi() },
    { method: 'POST', path: '/applications', handler: applications(deps, (m) => m.makeSubmitApplication) },
    { method: 'GET', path: '/applications', handler: applications(deps, (m) => m.makeListApplications) },
    { method: 'POST', path: '/applications/{id}/accept', handler: applications(deps, (m) => m.makeAcceptApplication) },
    { method: 'POST', path: '/applications/{id}/reject', handler: applications(deps, (m) => m.makeRejectApplication) },
    { method: 'POST', path: '/applications/{id}/defer', handler: applications(deps, (m) => m.makeDeferApplication) },
    { method: 'GET', path: '/units', handler: units(deps, (m) => m.makeListUnits) },
    { method: 'GET', path: '/units/{id}', handler: units(deps, (m) => m.makeGetUnit) },
    { method: 'POST', path: '/units/{id}/lines', handler: units(deps, (m) => m.makeAddLine) },
    { method: 'POST', path: '/units/{id}/cancellations', handler: units(deps, (m) => m.makeCancel) },
    { method: 'PATCH', path: '/units/{id}/contact', handler: units(deps, (m) => m.makeChangeContact) },
    { method: 'GET', path: '/units/{id}/balance', handler: invoices(deps, (m) => m.makeUnitBalance) },
    { method: 'GET', path: '/invoices', handler: invoices(deps, (m) => m.makeListInvoices) },
    { method: 'GET', path: '/invoices/{id}', handler: invoices(deps, (m) => m.makeGetInvoice) },
    { method: 'POST', path: '/invoices/{id}/payments', handler: invoices(deps, (m) => m.makeRecordPayment) },
    { method: 'GET', path: '/invoices/{id}/pdf', handler: money(deps, (m) => m.makeInvoicePdf) },
    { method: 'POST', path: '/bank-files', handler: money(deps, (m) => m.makeImportBankFile) },
    { method: 'GET', path: '/deposits', handler: money(deps, (m) => m.makeListDeposits) },
    { method: 'GET', path: '/deposits/{id}', handler: money(deps, (m) => m.makeGetDeposit) },
    { method: 'POST', path: '/deposits/{id}/match', handler: money(deps, (m) => m.makeMatchDeposit) },
    { method: 'GET', path: '/archive', handler: money(deps, (m) => m.makeSearchArchive) },
    { method: 'GET', path: '/archive/{key}', handler: money(deps, (m) => m.makeReadArchived) },
    { method: 'POST', path: '/outages', handler: outages(deps, (m) => m.makeRecordOutage) },
    { method: 'GET', path: '/outages', handler: outages(deps, (m) => m.makeListOutages) },
    { method: 'GET', path: '/outages/{id}', handler: outages(deps, (m) => m.makeGetOutage) },
    { method: 'PATCH', path: '/outages/{id}', handler: outages(deps, (m) => m.makeUpdateOutage) },
    { method: 'POST', path: '/compensations/{id}/payout', handler: outages(deps, (m) => m.makePayOut) },
    { method: 'POST', path: '/maintenances', handler: outages(deps, (m) => m.makeAnnounceMaintenance) },
    { method: 'GET', path: '/notices/{id}', handler: notices(deps, (m) => m.makeGetNotice) },
    { method: 'POST', path: '/notices/{id}/resend', handler: notices(deps, (m) => m.makeResendNotice) },
    { method: 'GET', path: '/units/{id}/notices', handler: consoleRoutes(deps, (m) => m.makeGetUnitNotices) },
    { method: 'GET', path: '/units/{id}/desktops', handler: consoleRoutes(deps, (m) => m.makeGetUnitDesktops) },
    { method: 'GET', path: '/audit', handler: consoleRoutes(deps, (m) => m.makeGetAudit) },
    { method: 'GET', path: '/clock', handler: consoleRoutes(deps, (m) => m.makeGetClock) },
    { method: 'POST', path: '/clock/advance', handler: consoleRoutes(deps, (m) => m.makeAdvanceClock) },
    { method: 'GET', path: '/dashboard', handler: consoleRoutes(deps, (m) => m.makeGetDashboard) },
    { method: 'GET', path: '/kit/{token}', handler: desktops(deps, (m) => m.makeFetchKit) },
    { method: 'POST', path: '/units/{id}/kit', handler: desktops(deps, (m) => m.makeReissueKit) },
    { method: 'GET', path: '/units/{id}/accounts', handler: desktops(deps, (m) => m.makeListAccounts) },
    { method: 'GET', path: '/desktop-jobs', handler: desktops(deps, (m) => m.makeListFailedJobs) },
    { method: 'POST', path: '/desktop-jobs/{id}/retry', handler: desktops(deps, (m) => m.makeRetryJob) },
    { method: 'POST', path: '/desktops/reconcile', handler: desktops(deps, (m) => m.makeReconcile) },
    { method: 'GET', path: '/desktops/drift', handler: desktops(deps, (m) => m.makeGetDrift) },
  ];
}
