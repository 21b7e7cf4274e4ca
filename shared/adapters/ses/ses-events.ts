/**
 * SES event publishing → MailEvent. SES publishes a configuration set's events (here: Delivery,
 * Bounce, Complaint, Reject) to its event destination; this reads both shapes a destination can hand
 * over — an EventBridge event (`detail` = the SES event, as the SQS queue behind the EventBridge rule
 * receives it) and an SNS notification (`Message` = the SES event as JSON) — and the bare SES event (the
 * local mail sink's). The notice is found by the mail's X-Kokona-Notice-Id header, which SES includes
 * in `mail.headers` (unless the headers were truncated; then the notice id is unknown and the event is
 * only logged).
 */
import type { MailEvent, MailEventType } from '#domain/mail-events.ts';

interface SesEvent {
  readonly eventType?: string;
  readonly notificationType?: string;
  readonly mail?: {
    readonly messageId?: string;
    readonly timestamp?: string;
    readonly destination?: string[];
    readonly headers?: { name?: string; value?: string }[];
  };
  readonly delivery?: { readonly timestamp?: string; readonly recipients?: string[] };
  readonly bounce?: {
    readonly bounceType?: string;
    readonly bounceSubType?: string;
    readonly timestamp?: string;
    readonly bouncedRecipients?: { emailAddress?: string; diagnosticCode?: string }[];
  };
  readonly complaint?: {
    readonly timestamp?: string;
    readonly complainedRecipients?: { emailAddress?: string }[];
    readonly complaintFeedbackType?: string;
  };
  readonly reject?: { readonly reason?: string };
}

const TYPES: Record<string, MailEventType> = { Delivery: 'delivery', Bounce: 'bounce', Complaint: 'complaint', Reject: 'reject' };

/** The SES event inside an EventBridge event, an SNS notification or as it is. */
function unwrap(body: unknown): SesEvent | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (b.detail && typeof b.detail === 'object') return b.detail;
  if (typeof b.Message === 'string') {
    try {
      return JSON.parse(b.Message) as SesEvent;
    } catch {
      return null;
    }
  }
  return b;
}

/** The MailEvent of an SES event, or null when it is no event of the four kinds recorded. */
export function parseSesEvent(body: unknown): MailEvent | null {
  const e = unwrap(body);
  const type = TYPES[e?.eventType ?? e?.notificationType ?? ''];
  if (!e || !type || !e.mail?.messageId) return null;
  const header = e.mail.headers?.find((h) => h.name?.toLowerCase() === 'x-kokona-notice-id')?.value ?? null;
  const base = { type, noticeId: header, messageId: e.mail.messageId };
  switch (type) {
    case 'delivery':
      return {
        ...base,
        at: e.delivery?.timestamp ?? e.mail.timestamp ?? '',
        recipients: e.delivery?.recipients ?? e.mail.destination ?? [],
      };
    case 'bounce': {
      const r = e.bounce?.bouncedRecipients ?? [];
      const diagnostic = r.map((x) => x.diagnosticCode).find(Boolean);
      return {
        ...base,
        at: e.bounce?.timestamp ?? e.mail.timestamp ?? '',
        recipients: r.map((x) => x.emailAddress ?? '').filter(Boolean),
        bounceType: e.bounce?.bounceType ?? 'Undetermined',
        ...(e.bounce?.bounceSubType ? { bounceSubType: e.bounce.bounceSubType } : {}),
        ...(diagnostic ? { diagnostic: diagnostic.slice(0, 500) } : {}),
      };
    }
    case 'complaint':
      return {
        ...base,
        at: e.complaint?.timestamp ?? e.mail.timestamp ?? '',
        recipients: (e.complaint?.complainedRecipients ?? []).map((x) => x.emailAddress ?? '').filter(Boolean),
        ...(e.complaint?.complaintFeedbackType ? { diagnostic: e.complaint.complaintFeedbackType } : {}),
      };
    case 'reject':
      return {
        ...base,
        at: e.mail.timestamp ?? '',
        recipients: e.mail.destination ?? [],
        ...(e.reject?.reason ? { diagnostic: e.reject.reason } : {}),
      };
  }
}
