/** POST /bank-files, GET /deposits, GET /deposits/{id}, POST /deposits/{id}/match, GET /invoices/{id}/pdf, GET /archive, GET /archive/{key}. */
import middy from '@middy/core';
import type { LocalDate } from '#domain/calendar.ts';
import { DomainError } from '#domain/errors.ts';
import { getDeposit, importBankFile, listDeposits, matchDeposit } from '#use-cases/deposits.ts';
import { invoicePdf, readArchived, searchArchive } from '#use-cases/invoice-documents.ts';
import { json, route, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { ArchiveKeyParam, ArchiveQuery, DepositIdParam, DepositsQuery, InvoiceIdParam, MatchBody } from '#runtime/schemas.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';
import { authorize } from '#use-cases/authz.ts';
import { logger } from '#runtime/logger.ts';
import { loggedProgress } from '#runtime/progress.ts';

/** The largest bank file accepted in one request (≈ 30,000 records; API Gateway's payload limit is 10 MB). */
export const MAX_BANK_FILE_BYTES = 6 * 1024 * 1024;

function binary(status: number, body: Uint8Array, contentType: string, filename: string): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

/** B1, B7: the raw file as the bank sent it (any content type; base64 from API Gateway). */
export const makeImportBankFile = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>().handler(async (ev) => {
    authorize(principal(ev), 'deposits.import'); // before the body is looked at: a viewer's upload is 403 whatever it holds
    const raw =
      ev.body === undefined || ev.body === null
        ? Buffer.alloc(0)
        : ev.isBase64Encoded
          ? Buffer.from(ev.body, 'base64')
          : Buffer.from(ev.body, 'latin1');
    if (raw.length === 0)
      throw new DomainError('BANK_FILE_INVALID', 'the body is empty: send the bank file as it is', { record: 0, reason: 'empty body' });
    if (raw.length > MAX_BANK_FILE_BYTES)
      throw new DomainError('BANK_FILE_INVALID', `the file is larger than ${MAX_BANK_FILE_BYTES} bytes: split it`, {
        record: 0,
        reason: 'too large',
      });
    // A large file takes a while: a log line every few seconds says how far it is (the answer says what it did).
    const onProgress = loggedProgress((m) => logger.info(m), { label: 'bank file', unit: 'deposits' });
    return json(200, await importBankFile(deps, new Uint8Array(raw), principal(ev), { onProgress }));
  });

export const makeListDeposits = (deps: ApiDeps) =>
  route({ query: DepositsQuery }, async ({ query, event }) =>
    json(200, await listDeposits(deps, principal(event), { status: query.status }, { limit: Number(query.limit ?? 50), next: query.next })),
  );

export const makeGetDeposit = (deps: ApiDeps) =>
  route({ params: DepositIdParam }, async ({ params, event }) => json(200, await getDeposit(deps, principal(event), params.id)));

export const makeMatchDeposit = (deps: ApiDeps) =>
  route({ params: DepositIdParam, body: MatchBody }, async ({ params, body, event }) =>
    json(200, await matchDeposit(deps, params.id, body, principal(event))),
  );

export const makeInvoicePdf = (deps: ApiDeps) =>
  route({ params: InvoiceIdParam }, async ({ params, event }) =>
    binary(200, await invoicePdf(deps, principal(event), params.id), 'application/pdf', `invoice-${params.id}.pdf`),
  );

export const makeSearchArchive = (deps: ApiDeps) =>
  route({ query: ArchiveQuery }, async ({ query, event }) => {
    const { limit, next, from, to, ...q } = query;
    const dates = { ...(from ? { from: from as LocalDate } : {}), ...(to ? { to: to as LocalDate } : {}) };
    const page = await searchArchive(deps, principal(event), { ...q, ...dates }, { limit: Number(limit ?? 50), next });
    return json(200, { items: page.items.map((d) => ({ ...d, href: `/archive/${d.key}` })), next: page.next });
  });

export const makeReadArchived = (deps: ApiDeps) =>
  route({ params: ArchiveKeyParam }, async ({ params, event }) => {
    const r = await readArchived(deps, principal(event), params.key);
    return {
      ...binary(200, r.body, r.doc.contentType, r.doc.key),
      headers: {
        'content-type': r.doc.contentType,
        'content-disposition': `attachment; filename="${r.doc.key}"`,
        'x-content-sha256': r.doc.sha256,
      },
    };
  });
