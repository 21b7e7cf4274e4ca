/** POST /bank-files, GET /deposits, GET /deposits/{id}, POST /deposits/{id}/match, GET /invoices/{id}/pdf, GET /archive, GET /archive/{key}. */
import middy from '@middy/core';
import type { z } from 'zod';
import { DomainError } from '#domain/errors.ts';
import { getDeposit, importBankFile, listDeposits, matchDeposit } from '#use-cases/deposits.ts';
import { invoicePdf, readArchived, searchArchive } from '#use-cases/invoice-documents.ts';
import { json, parseBody, parseParams, type HttpEvent, type HttpResult } from '#runtime/http.ts';
import { ArchiveKeyParam, ArchiveQuery, DepositIdParam, DepositsQuery, InvoiceIdParam, MatchBody } from '#runtime/schemas.ts';
import type { ArchiveQuery as ArchiveQueryT } from '#use-cases/ports.ts';
import type { ApiDeps } from '../deps.ts';
import { principal } from '../auth.ts';
import { authorize } from '#use-cases/authz.ts';

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
    const raw = ev.body === undefined || ev.body === null ? Buffer.alloc(0) : ev.isBase64Encoded ? Buffer.from(ev.body, 'base64') : Buffer.from(ev.body, 'latin1');
    if (raw.length === 0) throw new DomainError('BANK_FILE_INVALID', 'the body is empty: send the bank file as it is', { record: 0, reason: 'empty body' });
    if (raw.length > MAX_BANK_FILE_BYTES) throw new DomainError('BANK_FILE_INVALID', `the file is larger than ${MAX_BANK_FILE_BYTES} bytes: split it`, { record: 0, reason: 'too large' });
    return json(200, await importBankFile(deps, new Uint8Array(raw), principal(ev)));
  });

export const makeListDeposits = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, DepositsQuery))
    .handler(async (ev) => {
      const q = ev.parsed!.query as z.infer<typeof DepositsQuery>;
      return json(200, await listDeposits(deps, principal(ev), { status: q.status }, { limit: Number(q.limit ?? 50), next: q.next }));
    });

export const makeGetDeposit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(DepositIdParam, null))
    .handler(async (ev) => json(200, await getDeposit(deps, principal(ev), (ev.parsed!.params as z.infer<typeof DepositIdParam>).id)));

export const makeMatchDeposit = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(DepositIdParam, null))
    .use(parseBody(MatchBody))
    .handler(async (ev) => {
      const id = (ev.parsed!.params as z.infer<typeof DepositIdParam>).id;
      return json(200, await matchDeposit(deps, id, ev.parsed!.body as z.infer<typeof MatchBody>, principal(ev)));
    });

export const makeInvoicePdf = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(InvoiceIdParam, null))
    .handler(async (ev) => {
      const id = (ev.parsed!.params as z.infer<typeof InvoiceIdParam>).id;
      return binary(200, await invoicePdf(deps, principal(ev), id), 'application/pdf', `invoice-${id}.pdf`);
    });

export const makeSearchArchive = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(null, ArchiveQuery))
    .handler(async (ev) => {
      const { limit, next, ...q } = ev.parsed!.query as z.infer<typeof ArchiveQuery>;
      const page = await searchArchive(deps, principal(ev), q as ArchiveQueryT, { limit: Number(limit ?? 50), next });
      return json(200, { items: page.items.map((d) => ({ ...d, href: `/archive/${d.key}` })), next: page.next });
    });

export const makeReadArchived = (deps: ApiDeps) =>
  middy<HttpEvent, HttpResult>()
    .use(parseParams(ArchiveKeyParam, null))
    .handler(async (ev) => {
      const r = await readArchived(deps, principal(ev), (ev.parsed!.params as z.infer<typeof ArchiveKeyParam>).key);
      return { ...binary(200, r.body, r.doc.contentType, r.doc.key), headers: { 'content-type': r.doc.contentType, 'content-disposition': `attachment; filename="${r.doc.key}"`, 'x-content-sha256': r.doc.sha256 } };
    });
