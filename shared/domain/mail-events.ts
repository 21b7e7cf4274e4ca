/**
 * What happened to a notice after SES accepted it: the delivery events SES publishes (delivery,
 * bounce, complaint, reject), recorded on the notice they belong to (found by its X-Kokona-Notice-Id
 * header). Art 6-4 makes a notice count as delivered when it is sent to the registered address; these
 * events are the operator's evidence of what happened next, and a hard bounce of a notice to a customer
 * tells the operator once (`notice_bounced`).
 */
import type { Config } from './config.ts';
import type { Notice } from './effects.ts';
import { operatorNotice } from './notices.ts';

export type MailEventType = 'delivery' | 'bounce' | 'complaint' | 'reject';

/** A delivery event as recorded (adapter-neutral: the SES event, reduced). */
export interface MailEvent {
  readonly type: MailEventType;
  /** The X-Kokona-Notice-Id header of the mail (null: not one of ours). */
  readonly noticeId: string | null;
  /** SES's message id. */
  readonly messageId: string;
  /** When SES saw it (ISO instant). */
  readonly at: string;
  readonly recipients: readonly string[];
  /** Bounces: Permanent (hard), Transient (soft) or Undetermined. */
  readonly bounceType?: string;
  readonly bounceSubType?: string;
  /** The receiving server's answer (bounces), or SES's reason (rejects). */
  readonly diagnostic?: string;
}

/** Where a notice stands: sent (accepted by SES) → delivered, or one of the failures. */
export type DeliveryStatus = 'sent' | 'delivered' | 'soft_bounced' | 'complained' | 'bounced' | 'rejected';

/** Higher wins: an event arriving late never hides a worse one (a delivery after a complaint stays a complaint). */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  sent: 0,
  delivered: 1,
  soft_bounced: 1,
  complained: 2,
  bounced: 3,
  rejected: 3,
};

export function statusOf(e: MailEvent): DeliveryStatus {
  switch (e.type) {
    case 'delivery':
      return 'delivered';
    case 'complaint':
      return 'complained';
    case 'reject':
      return 'rejected';
    case 'bounce':
      return isHardBounce(e) ? 'bounced' : 'soft_bounced';
  }
}

export function isHardBounce(e: MailEvent): boolean {
  return e.type === 'bounce' && e.bounceType === 'Permanent';
}

/** A notice under the terms (to a customer or agent), as opposed to the operator's own mails. */
export function isCustomerNotice(n: Notice): boolean {
  return n.role !== 'operator';
}

/**
 * The operator's `notice_bounced` for a hard-bounced customer notice. Its id derives from the bounced
 * notice alone (its date, its id), so a repeated or late bounce event makes the same item: once.
 */
export function bouncedNoticeAlert(n: Notice, e: MailEvent, config: Config): Notice {
  return operatorNotice(
    'notice_bounced',
    n.date,
    config,
    {
      noticeId: n.id,
      noticeType: n.type,
      noticeUnit: n.unitId,
      noticeDate: n.date,
      recipient: n.to.email,
      bounceSubType: e.bounceSubType ?? null,
      diagnostic: e.diagnostic ?? null,
      bouncedAt: e.at,
    },
    { discriminator: n.id },
  );
}
