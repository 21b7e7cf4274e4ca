/**
 * The route table of the api function: one line per route, each to its route module's
 * makeHandler (functions/api/routes/*.ts: middy chain → one use case → response). The OpenAPI
 * document (shared/runtime/openapi.ts API_ROUTES) lists the same routes; test/functions and
 * test/infra check that the two and the HTTP API's routes agree.
 */
import type { Route } from '@middy/http-router';
import type { HttpEvent, HttpResult } from '#runtime/http.ts';
import type { ApiDeps } from '../deps.ts';
import { makeAdvanceClock, makeGetAudit, makeGetClock, makeGetDashboard, makeGetUnitDesktops, makeGetUnitNotices } from './console.ts';
import { makeOpenApi } from './openapi.ts';
import {
  makeAcceptApplication,
  makeDeferApplication,
  makeListApplications,
  makeRejectApplication,
  makeSubmitApplication,
} from './applications.ts';
import { makeAnnounceMaintenance, makeGetOutage, makeListOutages, makePayOut, makeRecordOutage, makeUpdateOutage } from './outages.ts';
import { makeGetInvoice, makeListInvoices, makeRecordPayment, makeUnitBalance } from './invoices.ts';
import { makeGetNotice, makeResendNotice } from './notices.ts';
import {
  makeGetDeposit,
  makeImportBankFile,
  makeInvoicePdf,
  makeListDeposits,
  makeMatchDeposit,
  makeReadArchived,
  makeSearchArchive,
} from './money.ts';
import {
  makeFetchKit,
  makeGetDrift,
  makeListAccounts,
  makeListFailedJobs,
  makeReconcile,
  makeReissueKit,
  makeRetryJob,
} from './desktops.ts';
import { makeAddLine, makeCancel, makeChangeContact, makeGetUnit, makeListUnits } from './units.ts';

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
