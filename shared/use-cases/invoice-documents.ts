/**
 * The invoice document and the archive (MONEY-IN V1–V4, A1–A3).
 * The PDF is rendered from the invoice as issued (deterministic, V3); at issue the mailer archives the
 * PDF and the exact mail that carried it, write-once (A1). A retried delivery finds the PDF archived
 * already (same bytes) and keeps the first .eml.
 */
import { authorize, type Principal } from './authz.ts';
import { DomainError, notFound } from '#domain/errors.ts';
import type { Notice } from '#domain/effects.ts';
import type { Invoice } from '#domain/invoices.ts';
import { unitOfInvoiceOrThrow } from './billing.ts';
import type { Archive, ArchivedDocument, ArchiveQuery, CoreDeps, InvoiceDocuments } from './ports.ts';

export interface DocumentDeps {
  readonly documents: InvoiceDocuments;
  readonly archive: Archive;
}

/** The invoice an `invoice_issued` notice carries, if any. */
export function invoiceOfNotice(n: Notice): Invoice | null {
  if (n.type !== 'invoice_issued') return null;
  const inv = n.data['invoice'] as Invoice | undefined;
  return inv && typeof inv === 'object' && Array.isArray(inv.lines) ? inv : null;
}

export const pdfFileName = (inv: Pick<Invoice, 'id'>) => `invoice-${inv.id}.pdf`;
export const archiveKey = (inv: Pick<Invoice, 'id'>, kind: 'pdf' | 'eml') => `${inv.id}.${kind}`;

/** A1: archives one document of an issued invoice; one already archived under its key is kept as it is. */
export async function archiveInvoiceDocument(
  deps: DocumentDeps,
  inv: Invoice,
  kind: 'pdf' | 'eml',
  body: Uint8Array,
): Promise<ArchivedDocument | null> {
  try {
    return await deps.archive.put(
      {
        key: archiveKey(inv, kind),
        invoiceId: inv.id,
        kind,
        contentType: kind === 'pdf' ? 'application/pdf' : 'message/rfc822',
        date: inv.issueDate,
        amount: inv.total,
        counterparty: inv.recipient.name,
      },
      body,
    );
  } catch (e) {
    if (e instanceof DomainError && e.code === 'ARCHIVE_WRITE_ONCE') return null;
    throw e;
  }
}

/** V4: GET /invoices/{id}/pdf — the archived PDF when there is one (what was sent), else rendered now. */
export async function invoicePdf(deps: DocumentDeps & Pick<CoreDeps, 'units'>, who: Principal, invoiceId: string): Promise<Uint8Array> {
  const unit = await unitOfInvoiceOrThrow(deps, who, invoiceId);
  const archived = await deps.archive.read(`${invoiceId}.pdf`);
  if (archived) return archived.body;
  const inv = (unit.invoices ?? []).find((i) => i.id === invoiceId);
  if (!inv) throw notFound('invoice', invoiceId);
  return deps.documents.pdf(inv);
}

export async function searchArchive(
  deps: Pick<DocumentDeps, 'archive'>,
  who: Principal,
  q: ArchiveQuery,
  page: { limit: number; next?: string },
) {
  authorize(who, 'archive.read');
  return deps.archive.search(q, page);
}

export async function readArchived(deps: Pick<DocumentDeps, 'archive'>, who: Principal, key: string) {
  authorize(who, 'archive.read');
  const r = await deps.archive.read(key);
  if (!r) throw notFound('archived document', key);
  return r;
}
