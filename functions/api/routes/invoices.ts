/** POST /invoices/{id}/payments, GET /invoices, GET /invoices/{id}, GET /units/{id}/balance. */
import middy from '@middy/core';
import type { z } from 'zod';
import { DomainError } from '#domain/errors.ts';
import { getInvoice, listInvoices, recordPayment, unitBalance, unitOfInvoiceOrThrow } from '#use-cases/billing.ts';
import { json, parseParams, readJsonBody, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { IdempotencyKeyHeader, IdParam, InvoiceIdParam, InvoicesQuery, PaymentBody } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

const invoiceId = (ev: HttpEvent) => (ev.parsed!.params as z.infer<typeof InvoiceIdParam>).id;

/**
 * DETAILS L6: NOT_FOUND (unit) before the body is looked at, then the body, then the
 * Idempotency-Key, then the rest in the use case. The key is required: a payment is money, and a
 * retried request without one could record it twice (README "Payments").
 */
export const makeRecordPayment = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(InvoiceIdParam, null))
    .handler(async (ev) => {
      const id = invoiceId(ev);
      await unitOfInvoiceOrThrow(deps, principal(ev), id);
      const body = readJsonBody(ev, PaymentBody);
      const rawKey = ev.headers?.['idempotency-key'];
      if (rawKey === undefined) throw new DomainError('VALIDATION_FAILED', 'the Idempotency-Key header is required for payments', { fields: ['Idempotency-Key'], header: 'Idempotency-Key' });
      const key = IdempotencyKeyHeader.safeParse(rawKey);
      if (!key.success) throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–128 printable ASCII characters', { fields: ['Idempotency-Key'], header: 'Idempotency-Key' });
      return json(201, await recordPayment(deps, principal(ev), id, body, key.data));
    });

export const makeGetInvoice = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(InvoiceIdParam, null))
    .handler(async (ev) => json(200, await getInvoice(deps, principal(ev), invoiceId(ev))));

export const makeListInvoices = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, InvoicesQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof InvoicesQuery>;
      return json(200, page(await listInvoices(deps, principal(ev), { status: q.status, unit: q.unit }), (i) => i.id, q));
    });

export const makeUnitBalance = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(IdParam, null))
    .handler(async (ev) => json(200, await unitBalance(deps, principal(ev), (ev.parsed!.params as z.infer<typeof IdParam>).id)));
