/**
 * A stored outbox item checked at the storage boundary (the outbox repositories): a notice's data must
 * have the shape of its type (notice-data.ts). Notices written before the data was typed (untyped
 * `data`) are upgraded on the way in — the legacy path: the fields the rule now computes (the renewed
 * term, the next deadline, the interest-free date, the issue dates of the invoices it names, the target)
 * are derived from the old fields, once, here. Anything else that does not fit is a MalformedNoticeError.
 */
import { addDays, parseLocalDate } from './calendar.ts';
import type { DesktopJob, Notice, OutboxItem } from './effects.ts';
import { GRACE_DAYS } from './interest.ts';
import { invoiceIdParts } from './invoices.ts';
import type { NoticeType } from './notice-data.ts';
import { cancellationDeadline, renewal } from './terms.ts';

export class MalformedNoticeError extends Error {
  constructor(
    readonly id: unknown,
    reason: string,
  ) {
    super(`stored outbox item ${String(id)} is malformed: ${reason}`);
    this.name = 'MalformedNoticeError';
  }
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

type Kind = 'string' | 'number' | 'date' | 'boolean' | 'record' | 'array' | 'string?' | 'string|null' | 'date|null' | 'scope';

const UNIT: Record<string, Kind> = { contractorName: 'string', plan: 'string' };

/** The fields each type's data must have (nested shapes are checked by their kind only). */
const SHAPES: { readonly [K in NoticeType]: Record<string, Kind> } = {
  application_accepted: { ...UNIT, accounts: 'number', startDate: 'date', userNames: 'array', userNamesTotal: 'number' },
  application_rejected: { ...UNIT, accounts: 'number', reason: 'string' },
  application_deferred: { ...UNIT, accounts: 'number', reason: 'string', expectedOn: 'date' },
  contact_changed: { ...UNIT, previous: 'string', current: 'string', changedOn: 'date' },
  renewal_reminder: { ...UNIT, accounts: 'number', termEnd: 'date', deadline: 'date', renewedTerm: 'record', renewalFee: 'number' },
  renewed: { ...UNIT, accounts: 'number', termFrom: 'date', termTo: 'date', annualFee: 'number', nextDeadline: 'date' },
  cancellation_accepted: { ...UNIT, endDate: 'date', target: 'record' },
  data_retrieval_reminder: { ...UNIT, endDate: 'date', reason: 'string', target: 'record' },
  invoice_issued: { ...UNIT, invoice: 'record', sourceIssueDates: 'record' },
  payment_overdue: {
    ...UNIT,
    invoice: 'string',
    issueDate: 'date',
    dueDate: 'date',
    total: 'number',
    balance: 'number',
    interestFreeUntil: 'date|null',
    lateInterest: 'boolean',
  },
  suspension_warning: { ...UNIT, invoices: 'array', suspensionOn: 'date' },
  suspended: { ...UNIT, accounts: 'number', suspendedOn: 'date', terminationOn: 'date' },
  service_resumed: { ...UNIT, accounts: 'number', resumedOn: 'date' },
  termination_notice: { ...UNIT, accounts: 'number', terminationOn: 'date' },
  terminated: { ...UNIT, accounts: 'number', terminatedOn: 'date' },
  outage_threshold_reached: {
    outage: 'string',
    knownAt: 'string',
    hours: 'number',
    cause: 'string',
    scope: 'scope',
    description: 'string',
  },
  compensation_statement: {
    ...UNIT,
    outage: 'string',
    knownAt: 'string',
    endedAt: 'string',
    hours: 'number',
    days: 'number',
    annualFee: 'number',
    amount: 'number',
    record: 'string',
  },
  maintenance_notice: { ...UNIT, maintenance: 'string', startsAt: 'string', endsAt: 'string', description: 'string' },
  notice_bounced: {
    noticeId: 'string',
    noticeType: 'string',
    noticeUnit: 'string|null',
    noticeDate: 'date',
    recipient: 'string',
    bounceSubType: 'string|null',
    diagnostic: 'string|null',
    bouncedAt: 'string',
  },
  deposit_cancelled: { deposit: 'string', valueDate: 'date', inquiry: 'string', remitter: 'string', amount: 'number', payments: 'array' },
  account_kit: { kitUrl: 'string', kitExpiresOn: 'date', accounts: 'number' },
  desktop_job_failed: { job: 'string', action: 'string', code: 'string', message: 'string', userName: 'string?' },
};

function fits(v: unknown, k: Kind): boolean {
  switch (k) {
    case 'string':
      return typeof v === 'string';
    case 'string?':
      return v === undefined || typeof v === 'string';
    case 'string|null':
      return v === null || typeof v === 'string';
    case 'scope':
      return v === 'all' || isRecord(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return parseLocalDate(v) !== null;
    case 'date|null':
      return v === null || parseLocalDate(v) !== null;
    case 'record':
      return isRecord(v);
    case 'array':
      return Array.isArray(v);
  }
}

const lineTarget = (d: Raw) =>
  typeof d.line === 'string' && d.line !== ''
    ? { kind: 'line', line: d.line, accounts: d.accounts }
    : { kind: 'unit', accounts: d.accounts };

/** Notices stored before the data was typed: the new fields derived from the old ones (each only when absent). */
const LEGACY: { readonly [K in NoticeType]?: (d: Raw) => Raw } = {
  application_accepted: (d) => ({
    userNames: [],
    ...d,
    userNamesTotal: d.userNamesTotal ?? d.accounts,
    ...(typeof d.kitUrl === 'string' && d.kit === undefined ? { kit: { url: d.kitUrl, expiresOn: d.kitExpiresOn } } : {}),
  }),
  renewal_reminder: (d) => {
    const termEnd = parseLocalDate(d.termEnd);
    return termEnd ? { deadline: cancellationDeadline(termEnd), renewedTerm: renewal(termEnd), ...d } : d;
  },
  renewed: (d) => {
    const to = parseLocalDate(d.termTo);
    return to ? { nextDeadline: cancellationDeadline(to), ...d } : d;
  },
  cancellation_accepted: (d) => (d.target === undefined ? { ...d, target: lineTarget(d) } : d),
  data_retrieval_reminder: (d) => (d.target === undefined ? { reason: 'cancellation', ...d, target: lineTarget(d) } : d),
  invoice_issued: (d) => {
    if (d.sourceIssueDates !== undefined || !isRecord(d.invoice) || !Array.isArray(d.invoice.lines)) return d;
    const sources: Record<string, string> = {};
    for (const l of d.invoice.lines) {
      const id = isRecord(l) && typeof l.invoice === 'string' ? l.invoice : null;
      const issued = id && invoiceIdParts(id)?.issueDate;
      if (id && issued) sources[id] = issued;
    }
    return { ...d, sourceIssueDates: sources };
  },
  payment_overdue: (d) => {
    if (d.lateInterest !== undefined || typeof d.invoice !== 'string') return d;
    const late = invoiceIdParts(d.invoice)?.kind === 'late_interest';
    const due = parseLocalDate(d.dueDate);
    return { ...d, lateInterest: late, interestFreeUntil: late || !due ? null : addDays(due, GRACE_DAYS) };
  },
  suspension_warning: (d) =>
    Array.isArray(d.invoices) && d.invoices.every((i) => typeof i === 'string')
      ? {
          ...d,
          invoices: d.invoices.map((id: string) => {
            const parts = invoiceIdParts(id);
            if (!parts) throw new MalformedNoticeError(id, 'an invoice id without its issue date');
            return { id, issueDate: parts.issueDate, lateInterest: parts.kind === 'late_interest' };
          }),
        }
      : d,
  maintenance_notice: (d) => ({ description: '', ...d }),
  outage_threshold_reached: (d) => ({ description: '', ...d }),
};

/** A stored outbox item: desktop jobs as they are, notices with data of their type (legacy data upgraded). */
export function decodeOutboxItem(raw: unknown): OutboxItem {
  if (!isRecord(raw)) throw new MalformedNoticeError(undefined, 'not an object');
  if (raw.kind === 'desktop') return raw as unknown as DesktopJob;
  if (raw.kind !== 'notice') throw new MalformedNoticeError(raw.id, `kind ${String(raw.kind)}`);
  return decodeNotice(raw);
}

export function decodeNotice(raw: unknown): Notice {
  if (!isRecord(raw)) throw new MalformedNoticeError(undefined, 'not an object');
  const type = raw.type;
  if (typeof type !== 'string' || !(type in SHAPES)) throw new MalformedNoticeError(raw.id, `unknown notice type ${String(type)}`);
  const t = type as NoticeType;
  if (typeof raw.id !== 'string' || !parseLocalDate(raw.date) || typeof raw.role !== 'string' || !isRecord(raw.to))
    throw new MalformedNoticeError(raw.id, 'no id, date, role or recipient');
  if (!isRecord(raw.data)) throw new MalformedNoticeError(raw.id, 'no data');
  const upgrade = LEGACY[t];
  const data = upgrade ? upgrade(raw.data) : raw.data;
  for (const [field, kind] of Object.entries(SHAPES[t])) {
    if (!fits(data[field], kind)) throw new MalformedNoticeError(raw.id, `${t}: data.${field} is not a ${kind}`);
  }
  // Checked against its type's shape above: this is the notice of type t.
  return { ...raw, data } as unknown as Notice;
}
