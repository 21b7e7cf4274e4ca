/**
 * The mailer: 1. load the outbox item (done already → nothing to do);
 * 2. render the Japanese notice (text + HTML) with its X6 headers;
 * 3. take the delivery lease (a concurrent duplicate backs off), send it through SES and mark the
 *    item done with the message id.
 * A crash between 3's send and mark resends once (at-least-once, like SES itself).
 */
import { leaseOutboxItem } from './lease.ts';
import type { Config } from '#domain/config.ts';
import { noticeHeaders, renderNotice } from '#notices/render.ts';
import { formatJst } from '#domain/calendar.ts';
import { type AuditLog, type Clock, type Mail, type Mailer, type OutboxRepository, type Telemetry } from './ports.ts';
import { archiveInvoiceDocument, invoiceOfNotice, pdfFileName, type DocumentDeps } from './invoice-documents.ts';

export interface DeliverNoticeDeps extends Partial<DocumentDeps> {
  readonly config: Config;
  readonly outbox: OutboxRepository;
  readonly mailer: Mailer;
  readonly telemetry?: Telemetry;
  readonly audit?: AuditLog;
  readonly clock?: Clock;
}

/** How long one delivery may take before a duplicate may try again (ms). */
export const DELIVERY_LEASE_MS = 60_000;

export async function deliverNotice(deps: DeliverNoticeDeps, outboxId: string): Promise<'sent' | 'already-sent' | 'unknown'> {
  const lease = await leaseOutboxItem(deps.outbox, outboxId, 'notice', DELIVERY_LEASE_MS);
  if (lease === 'already-done') return 'already-sent';
  if (lease === 'unknown' || lease === 'failed') return 'unknown'; // a notice is never `failed`: it is retried until sent
  const notice = lease.taken.item;
  const body = renderNotice(notice, { serviceName: 'ココナワーク', operatorName: deps.config.issuer.name });
  try {
    // MONEY-IN V4, A1: an invoice mail carries its PDF; both are archived write-once at issue.
    const invoice = invoiceOfNotice(notice);
    const docs = invoice && deps.documents && deps.archive ? { documents: deps.documents, archive: deps.archive } : null;
    let attachments: Mail['attachments'];
    if (invoice && docs) {
      const pdf = await docs.documents.pdf(invoice);
      await archiveInvoiceDocument(docs, invoice, 'pdf', pdf);
      attachments = [{ filename: pdfFileName(invoice), contentType: 'application/pdf', content: pdf }];
    }
    const { messageId, raw } = await deps.mailer.send({
      from: deps.config.mail.from,
      to: notice.to.email,
      ...body,
      headers: noticeHeaders(notice),
      ...(attachments ? { attachments } : {}),
    });
    if (invoice && docs && raw) await archiveInvoiceDocument(docs, invoice, 'eml', raw);
    if (await deps.outbox.complete(outboxId, { messageId, sentAt: new Date().toISOString() })) {
      deps.telemetry?.count('NoticesSent');
      await deps.audit?.record({
        at: formatJst(deps.clock?.now() ?? (Date.now() as never)),
        actor: { id: 'system:mailer', role: 'system' },
        action: 'notice.send',
        target: outboxId,
        ...(notice.unitId ? { unit: notice.unitId } : {}),
        after: { type: notice.type, to: notice.to.email, messageId },
      });
    }
    return 'sent';
  } catch (e) {
    await deps.outbox.recordAttempt(outboxId, (e as Error).message);
    throw e;
  }
}
