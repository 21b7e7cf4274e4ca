/** POST /invoices/{id}/payments, GET /invoices, GET /invoices/{id}, GET /units/{id}/balance. */
import { DomainError } from '#domain/errors.ts';
import { getInvoice, listInvoices, recordPayment, unitBalance, unitOfInvoiceOrThrow } from '#use-cases/billing.ts';
import { json, readJsonBody, route } from '#runtime/http.ts';
import { page } from '#runtime/page.ts';
import { IdempotencyKeyHeader, IdParam, InvoiceIdParam, InvoicesQuery, PaymentBody } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';

/**
 * DETAILS L6: NOT_FOUND (unit) before the body is looked at, then the body, then the
 * Idempotency-Key, then the rest in the use case. The key is required: a payment is money, and a
 * retried request without one could record it twice (README "Payments").
 */
export const makeRecordPayment = (deps: ApiDeps) =>
  route({ params: InvoiceIdParam }, async ({ params, event }) => {
    await unitOfInvoiceOrThrow(deps, principal(event), params.id);
    const body = readJsonBody(event, PaymentBody);
    const rawKey = event.headers?.['idempotency-key'];
    if (rawKey === undefined)
      throw new DomainError('VALIDATION_FAILED', 'the Idempotency-Key header is required for payments', {
        fields: ['Idempotency-Key'],
        header: 'Idempotency-Key',
      });
    const key = IdempotencyKeyHeader.safeParse(rawKey);
    if (!key.success)
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–128 printable ASCII characters', {
        fields: ['Idempotency-Key'],
        header: 'Idempotency-Key',
      });
    return json(201, await recordPayment(deps, principal(event), params.id, body, key.data));
  });

export const makeGetInvoice = (deps: ApiDeps) =>
  route({ params: InvoiceIdParam }, async ({ params, event }) => json(200, await getInvoice(deps, principal(event), params.id)));

export const makeListInvoices = (deps: ApiDeps) =>
  route({ query: InvoicesQuery }, async ({ query, event }) =>
    json(
      200,
      page(await listInvoices(deps, principal(event), { status: query.status, unit: query.unit }), (i) => i.id, query),
    ),
  );

export const makeUnitBalance = (deps: ApiDeps) =>
  route({ params: IdParam }, async ({ params, event }) => json(200, await unitBalance(deps, principal(event), params.id)));
