/** The one `api` function: auth and the error map around @middy/http-router over the routes. */
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { httpErrors, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { authenticate } from './auth.ts';
import { makeAdvanceClock, makeGetAudit, makeGetClock, makeGetDashboard, makeGetUnitDesktops, makeGetUnitNotices } from './routes/console.ts';
import { makeOpenApi } from './routes/openapi.ts';
import type { ApiDeps } from './deps.ts';
import { makeAcceptApplication, makeDeferApplication, makeListApplications, makeRejectApplication, makeSubmitApplication } from './routes/applications.ts';
import { makeAnnounceMaintenance, makeGetOutage, makeListOutages, makePayOut, makeRecordOutage, makeUpdateOutage } from './routes/outages.ts';
import { makeGetInvoice, makeListInvoices, makeRecordPayment, makeUnitBalance } from './routes/invoices.ts';
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
    { method: 'POST', path: '/outages', handler: makeRecordOutage(deps) },
    { method: 'GET', path: '/outages', handler: makeListOutages(deps) },
    { method: 'GET', path: '/outages/{id}', handler: makeGetOutage(deps) },
    { method: 'PATCH', path: '/outages/{id}', handler: makeUpdateOutage(deps) },
    { method: 'POST', path: '/compensations/{id}/payout', handler: makePayOut(deps) },
    { method: 'POST', path: '/maintenances', handler: makeAnnounceMaintenance(deps) },
    { method: 'GET', path: '/units/{id}/notices', handler: makeGetUnitNotices(deps) },
    { method: 'GET', path: '/units/{id}/desktops', handler: makeGetUnitDesktops(deps) },
    { method: 'GET', path: '/audit', handler: makeGetAudit(deps) },
    { method: 'GET', path: '/clock', handler: makeGetClock(deps) },
    { method: 'POST', path: '/clock/advance', handler: makeAdvanceClock(deps) },
    { method: 'GET', path: '/dashboard', handler: makeGetDashboard(deps) },
  ];
}

export const makeHandler = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(httpErrors())
    .use(authenticate(deps.auth))
    .handler(httpRouterHandler(routes(deps)) as unknown as (e: HttpEvent) => Promise<HttpResult>);
