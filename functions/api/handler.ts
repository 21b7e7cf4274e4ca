/** The one `api` function: auth and the error map around @middy/http-router over the routes. */
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { httpErrors, requireAuth, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { makeOpenApi } from './routes/openapi.ts';
import type { ApiDeps } from './deps.ts';
import { makeAcceptApplication, makeDeferApplication, makeListApplications, makeRejectApplication, makeSubmitApplication } from './routes/applications.ts';
import { makeAnnounceMaintenance, makeGetOutage, makeListOutages, makePayOut, makeRecordOutage, makeUpdateOutage } from './routes/outages.ts';
import { makeGetInvoice, makeListInvoices, makeRecordPayment, makeUnitBalance } from './routes/invoices.ts';
import { makeGetDeposit, makeImportBankFile, makeInvoicePdf, makeListDeposits, makeMatchDeposit, makeReadArchived, makeSearchArchive } from './routes/money.ts';
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
  ];
}

export const makeHandler = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(httpErrors())
    .use(requireAuth(deps.auth.mode, deps.auth.token))
    .handler(httpRouterHandler(routes(deps)) as unknown as (e: HttpEvent) => Promise<HttpResult>);
