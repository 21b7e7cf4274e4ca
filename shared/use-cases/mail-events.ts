/**
 * Mail delivery evidence: SES's delivery events recorded on the notice they belong to, the operator
 * told once about a hard-bounced customer notice, a notice read back with its evidence, and a resend
 * to the address registered now (after the customer's contact was corrected).
 */
import { authorize, authorizeUnit, type Principal } from './authz.ts';
import { createHash } from 'node:crypto';
import type { Config } from '#domain/config.ts';
import type { Notice } from '#domain/effects.ts';
import { DomainError, notFound } from '#domain/errors.ts';
import { bouncedNoticeAlert, isCustomerNotice, isHardBounce, statusOf, type MailEvent } from '#domain/mail-events.ts';
import { recipient } from '#domain/notices.ts';
import type { OutboxEntry, OutboxPublisher, OutboxRepository, Telemetry, UnitRepository } from './ports.ts';

export interface MailEventDeps {
  readonly config: Config;
  readonly outbox: OutboxRepository;
  readonly publisher: OutboxPublisher;
  readonly telemetry?: Telemetry;
}

const METRIC = {
  delivery: 'NoticesDelivered',
  bounce: 'NoticesBounced',
  complaint: 'NoticesComplained',
  reject: 'NoticesRejected',
} as const;

/**
 * Records one SES event (at-least-once: a repeat is a no-op) on its notice. 'unknown': the mail carried
 * no notice id of ours, or the notice is gone (past its retention).
 */
export async function recordMailEvent(deps: MailEventDeps, event: MailEvent): Promise<'recorded' | 'unknown'> {
  if (!event.noticeId) return 'unknown';
  const entry = await deps.outbox.get(event.noticeId);
  if (!entry || entry.item.kind !== 'notice') return 'unknown';
  if (await deps.outbox.recordDelivery(event.noticeId, event, statusOf(event))) deps.telemetry?.count(METRIC[event.type]);
  if (isHardBounce(event) && isCustomerNotice(entry.item)) {
    // Same id for every bounce event of this notice: written once, mailed once (the mailer skips a done item).
    const alert = bouncedNoticeAlert(entry.item, event, deps.config);
    await deps.outbox.add([alert]);
    await deps.publisher.publish([alert]);
  }
  return 'recorded';
}

/** A notice as the API shows it: what was sent, to whom, when, and what SES reported since. */
export function noticeView(entry: OutboxEntry) {
  const n = entry.item as Notice;
  return {
    id: n.id,
    type: n.type,
    unitId: n.unitId,
    ...(n.lineId ? { lineId: n.lineId } : {}),
    date: n.date,
    role: n.role,
    to: n.to.email,
    ...(n.resendOf ? { resendOf: n.resendOf } : {}),
    state: entry.state,
    attempts: entry.attempts,
    sentAt: typeof entry.result?.sentAt === 'string' ? entry.result.sentAt : null,
    messageId: typeof entry.result?.messageId === 'string' ? entry.result.messageId : null,
    delivery: entry.delivery
      ? {
          status: entry.delivery.status,
          events: entry.delivery.events.map((e) => ({
            type: e.type,
            at: e.at,
            ...(e.bounceType ? { bounceType: e.bounceType } : {}),
            ...(e.bounceSubType ? { bounceSubType: e.bounceSubType } : {}),
            ...(e.diagnostic ? { diagnostic: e.diagnostic } : {}),
          })),
        }
      : { status: entry.state === 'done' ? 'sent' : 'pending', events: [] },
  };
}

export type NoticeView = ReturnType<typeof noticeView>;

export async function getNotice(
  deps: { outbox: OutboxRepository; units: UnitRepository },
  who: Principal,
  id: string,
): Promise<NoticeView> {
  const access = authorize(who, 'notices.read');
  const entry = await deps.outbox.get(id);
  if (!entry || entry.item.kind !== 'notice') throw notFound('notice', id);
  if (access === 'own') {
    // An agent sees the notices of the units it sold, and nothing else (not even that others exist).
    const unit = entry.item.unitId === null ? null : await deps.units.get(entry.item.unitId);
    if (!unit || entry.item.role === 'operator') throw notFound('notice', id);
    authorizeUnit(who, 'notices.read', unit);
  }
  return noticeView(entry);
}

/**
 * Sends a notice again, to the address registered for its role now (the account manager's, the
 * agent's, the operator's; a previous account manager's address cannot change). The resend is a notice
 * of its own (`<id>#R<hash of the address>`, `resendOf` = the original), with its own delivery evidence;
 * asking again for the same address is the same resend (idempotent). Refused while the original is not
 * sent yet, and to an address that hard-bounced it.
 */
export async function resendNotice(
  deps: { config: Config; outbox: OutboxRepository; units: UnitRepository; publisher: OutboxPublisher },
  who: Principal,
  id: string,
): Promise<NoticeView> {
  authorize(who, 'notices.resend');
  const entry = await deps.outbox.get(id);
  if (!entry || entry.item.kind !== 'notice') throw notFound('notice', id);
  const original = entry.item;
  if (entry.state !== 'done')
    throw new DomainError(
      'VALIDATION_FAILED',
      `notice ${id} has not been sent yet: it is delivered by the mail queue, a resend is not needed`,
      { field: 'id', state: entry.state },
      'rule',
    );
  let to = original.to;
  if (original.role !== 'previous_account_manager') {
    if (original.role === 'operator') to = { name: original.to.name, email: deps.config.mail.operatorAddress };
    else if (original.unitId !== null) {
      const unit = await deps.units.get(original.unitId);
      if (!unit) throw notFound('unit', original.unitId);
      to = recipient(unit, original.role, deps.config);
    }
  }
  const bounced = entry.delivery?.events.some((e) => isHardBounce(e) && (e.recipients.length === 0 || e.recipients.includes(to.email)));
  if (bounced && to.email === original.to.email)
    throw new DomainError(
      'VALIDATION_FAILED',
      `the registered address of notice ${id} is the one that bounced it: correct the contact (PATCH /units/{id}/contact) before resending`,
      { field: 'to', reason: 'address_bounced' },
      'rule',
    );
  const rootId = original.resendOf ?? original.id;
  const resend: Notice = {
    ...original,
    id: `${rootId}#R${createHash('sha256').update(to.email).digest('hex').slice(0, 10)}`,
    to,
    resendOf: rootId,
  };
  await deps.outbox.add([resend]);
  await deps.publisher.publish([resend]);
  const saved = await deps.outbox.get(resend.id);
  return noticeView(saved!);
}
