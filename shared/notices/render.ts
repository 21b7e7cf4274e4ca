/**
 * The mails of the notices (RULES §2, §11; DETAILS X6): a Japanese subject, plain text and HTML rendered
 * from a Notice, and the X-Kokona-* headers the simulator reads back.
 *
 * Every mail is addressed to `n.to.name 様`, names the contract number (契約番号 = unit id) and ends
 * with the operator's footer. Every notice type has its own template (templates/), typed by its kind:
 * it lays out the data the rule computed (shared/domain/notice-data.ts) and computes no rule itself.
 * `invoice_issued` carries the whole Invoice and is laid out as a 適格請求書 (Art 28–31). Passwords
 * never go in a mail [interp: security]: the サービス提供開始通知書 lists the user names of the kit and
 * says where the initial credentials are obtained.
 *
 * Pure: no clock, no I/O. Dates are formatted from their `YYYY-MM-DD` text, instants in Japan time.
 */
import type { Notice, NoticeOf, Role } from '#domain/effects.ts';
import type { NoticeType } from '#domain/notice-data.ts';
import { compose, type Envelope, type NoticeContext, type RenderedNotice } from './layout.ts';
import { accountKit, applicationAccepted, applicationDeferred, applicationRejected } from './templates/applications.ts';
import type { Template } from './templates/common.ts';
import { cancellationAccepted, contactChanged, dataRetrievalReminder, renewalReminder, renewed } from './templates/contract.ts';
import { paymentOverdue, serviceResumed, suspended, suspensionWarning, terminated, terminationNotice } from './templates/dunning.ts';
import { invoiceIssued } from './templates/invoices.ts';
import { depositCancelled, desktopJobFailed, noticeBounced } from './templates/operator.ts';
import { compensationStatement, maintenanceNotice, outageThresholdReached } from './templates/outages.ts';

export type { NoticeContext, RenderedNotice } from './layout.ts';

const TEMPLATES: { readonly [K in NoticeType]: Template<K> } = {
  application_accepted: applicationAccepted,
  application_rejected: applicationRejected,
  application_deferred: applicationDeferred,
  contact_changed: contactChanged,
  renewal_reminder: renewalReminder,
  renewed,
  cancellation_accepted: cancellationAccepted,
  data_retrieval_reminder: dataRetrievalReminder,
  invoice_issued: invoiceIssued,
  payment_overdue: paymentOverdue,
  suspension_warning: suspensionWarning,
  suspended,
  service_resumed: serviceResumed,
  termination_notice: terminationNotice,
  terminated,
  outage_threshold_reached: outageThresholdReached,
  compensation_statement: compensationStatement,
  maintenance_notice: maintenanceNotice,
  notice_bounced: noticeBounced,
  deposit_cancelled: depositCancelled,
  account_kit: accountKit,
  desktop_job_failed: desktopJobFailed,
};

/** DETAILS X6. Values are ASCII (ids, types, dates); `X-Kokona-Unit` is empty for operator notices. */
export function noticeHeaders(n: Notice): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Kokona-Notice': n.type,
    'X-Kokona-Unit': n.unitId ?? '',
    ...(n.lineId ? { 'X-Kokona-Line': n.lineId } : {}),
    'X-Kokona-Date': n.date,
    'X-Kokona-Role': n.role,
    'X-Kokona-Notice-Id': n.id,
    ...(n.refs?.invoice ? { 'X-Kokona-Invoice': n.refs.invoice } : {}),
    ...(n.refs?.outage ? { 'X-Kokona-Outage': n.refs.outage } : {}),
    ...(n.refs?.maintenance ? { 'X-Kokona-Maintenance': n.refs.maintenance } : {}),
  };
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`header ${name} must be printable ASCII: ${JSON.stringify(value)}`);
  }
  return headers;
}

/** The subject, text and HTML of a notice. */
export function renderNotice<K extends NoticeType>(n: NoticeOf<K>, ctx: NoticeContext): RenderedNotice {
  const template: Template<K> = TEMPLATES[n.type];
  return compose(n as Notice, ctx, template(n, ctx), envelope(n, ctx));
}

const CUSTOMER_ROLES: ReadonlySet<Role> = new Set(['account_manager', 'previous_account_manager']);
const APPLICATION_TYPES: ReadonlySet<NoticeType> = new Set(['application_accepted', 'application_rejected', 'application_deferred']);

/** The contractor's name (for the contractor's own people), the opening by recipient, the closing inquiry. */
function envelope(n: NoticeOf<NoticeType>, ctx: NoticeContext): Envelope {
  const contractorName = 'contractorName' in n.data && n.data.contractorName !== '' ? n.data.contractorName : undefined;
  return {
    contractor: CUSTOMER_ROLES.has(n.role) ? contractorName : undefined,
    greeting: greeting(n, ctx),
    inquiry: n.role === 'operator' ? [] : ['ご不明な点がございましたら、当社までお問い合わせください。'],
  };
}

/** The opening by recipient: customers thank for the application or the use, agents for the sale. */
function greeting(n: NoticeOf<NoticeType>, ctx: NoticeContext): string[] {
  const service = `「${ctx.serviceName}」`;
  switch (n.role) {
    case 'operator':
      return [`本メールは${service}バックオフィスからの自動通知です。`];
    case 'agent':
      return [
        `いつも${service}の販売にご協力いただき、誠にありがとうございます。`,
        '貴社の販売によりご契約いただいているお客様について、下記のとおりお知らせいたします。',
      ];
    case 'previous_account_manager':
      return [
        `いつも${service}をご利用いただき、誠にありがとうございます。`,
        '本メールは、変更前のアカウント管理者としてご登録いただいていた方にお送りしています。',
      ];
    case 'account_manager':
      return [
        APPLICATION_TYPES.has(n.type)
          ? `このたびは${service}をお申し込みいただき、誠にありがとうございます。`
          : `いつも${service}をご利用いただき、誠にありがとうございます。`,
      ];
  }
}
