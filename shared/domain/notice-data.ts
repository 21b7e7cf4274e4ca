/**
 * What each notice carries (RULES §2, §11; DETAILS X6): one interface per notice type, exactly the data
 * its mail shows, computed where the rule fires (deadlines, the renewed term, the interest-free date,
 * the issue dates of the invoices it names). The templates (shared/notices) only lay it out.
 */
import type { LocalDate } from './calendar.ts';
import type { DesktopAction } from './effects.ts';
import type { Invoice } from './invoices.ts';
import type { OutageScope } from './outages.ts';

/** What `unitNotice` adds to every notice about a unit: the contractor's name and the plan's display name. */
export interface UnitNoticeBase {
  readonly contractorName: string;
  readonly plan: string;
}

/** A notice about the whole contract (its accounts in service) or about one additional contract (its accounts). */
export type NoticeTarget =
  { readonly kind: 'unit'; readonly accounts: number } | { readonly kind: 'line'; readonly line: string; readonly accounts: number };

/** An invoice a notice names: its id, issue date and whether it is a late-interest invoice. */
export interface InvoiceMention {
  readonly id: string;
  readonly issueDate: LocalDate;
  readonly lateInterest: boolean;
}

export interface ApplicationAcceptedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly startDate: LocalDate;
  /** The first user names of the kit (at most MAIL_USER_NAMES; none for plans without desktops). */
  readonly userNames: readonly string[];
  readonly userNamesTotal: number;
  /** W3: the one-time kit link (plans with desktops). */
  readonly kit?: { readonly url: string; readonly expiresOn: LocalDate };
}

export interface ApplicationRejectedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly reason: string;
}

export interface ApplicationDeferredData extends UnitNoticeBase {
  readonly accounts: number;
  readonly reason: string;
  readonly expectedOn: LocalDate;
}

export interface ContactChangedData extends UnitNoticeBase {
  readonly previous: string;
  readonly current: string;
  readonly changedOn: LocalDate;
}

export interface RenewalReminderData extends UnitNoticeBase {
  readonly accounts: number;
  readonly termEnd: LocalDate;
  /** The cancellation deadline of the term (Art 18). */
  readonly deadline: LocalDate;
  /** The term it renews for (Art 14). */
  readonly renewedTerm: { readonly from: LocalDate; readonly to: LocalDate };
  /** Tax-exclusive. */
  readonly renewalFee: number;
}

export interface RenewedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly termFrom: LocalDate;
  readonly termTo: LocalDate;
  /** Tax-exclusive. */
  readonly annualFee: number;
  /** The cancellation deadline of the renewed term. */
  readonly nextDeadline: LocalDate;
}

export interface CancellationAcceptedData extends UnitNoticeBase {
  readonly endDate: LocalDate;
  readonly target: NoticeTarget;
}

export interface DataRetrievalReminderData extends UnitNoticeBase {
  readonly endDate: LocalDate;
  /** termination: the end is a termination for non-payment (Q4). */
  readonly reason: 'cancellation' | 'termination';
  readonly target: NoticeTarget;
}

export interface InvoiceIssuedData extends UnitNoticeBase {
  readonly invoice: Invoice;
  /** Late-interest lines: the issue date of the invoice each one is about, by its id. */
  readonly sourceIssueDates: Readonly<Record<string, LocalDate>>;
}

export interface PaymentOverdueData extends UnitNoticeBase {
  readonly invoice: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly total: number;
  readonly balance: number;
  /** The last day a payment bears no late interest (Art 31, L8); null for a late-interest invoice (no interest on interest). */
  readonly interestFreeUntil: LocalDate | null;
  readonly lateInterest: boolean;
}

export interface SuspensionWarningData extends UnitNoticeBase {
  readonly invoices: readonly InvoiceMention[];
  readonly suspensionOn: LocalDate;
}

export interface SuspendedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly suspendedOn: LocalDate;
  readonly terminationOn: LocalDate;
}

export interface ServiceResumedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly resumedOn: LocalDate;
}

export interface TerminationNoticeData extends UnitNoticeBase {
  readonly accounts: number;
  readonly terminationOn: LocalDate;
}

export interface TerminatedData extends UnitNoticeBase {
  readonly accounts: number;
  readonly terminatedOn: LocalDate;
}

export interface OutageThresholdReachedData {
  readonly outage: string;
  /** ISO instant with its offset. */
  readonly knownAt: string;
  readonly hours: number;
  readonly cause: string;
  readonly scope: OutageScope;
  readonly description: string;
}

export interface CompensationStatementData extends UnitNoticeBase {
  readonly outage: string;
  /** ISO instants with their offset. */
  readonly knownAt: string;
  readonly endedAt: string;
  readonly hours: number;
  readonly days: number;
  /** Tax-exclusive. */
  readonly annualFee: number;
  readonly amount: number;
  /** The compensation record's id. */
  readonly record: string;
}

export interface MaintenanceNoticeData extends UnitNoticeBase {
  readonly maintenance: string;
  /** ISO instants with their offset. */
  readonly startsAt: string;
  readonly endsAt: string;
  /** Empty: none given. */
  readonly description: string;
}

export interface NoticeBouncedData {
  readonly noticeId: string;
  readonly noticeType: string;
  readonly noticeUnit: string | null;
  readonly noticeDate: LocalDate;
  readonly recipient: string;
  readonly bounceSubType: string | null;
  readonly diagnostic: string | null;
  /** ISO instant. */
  readonly bouncedAt: string;
}

export interface DepositCancelledData {
  readonly deposit: string;
  readonly valueDate: LocalDate;
  readonly inquiry: string;
  readonly remitter: string;
  readonly amount: number;
  /** The payments voided with it (none when it was not yet matched). */
  readonly payments: readonly { readonly invoiceId: string; readonly amount: number }[];
}

export interface AccountKitData {
  readonly kitUrl: string;
  readonly kitExpiresOn: LocalDate;
  readonly accounts: number;
}

export interface DesktopJobFailedData {
  readonly job: string;
  readonly action: DesktopAction;
  readonly code: string;
  readonly message: string;
  readonly userName?: string;
}

/** The data of each notice type (the keys are the notice types of RULES.md). */
export interface NoticeDataMap {
  application_accepted: ApplicationAcceptedData;
  application_rejected: ApplicationRejectedData;
  application_deferred: ApplicationDeferredData;
  contact_changed: ContactChangedData;
  renewal_reminder: RenewalReminderData;
  renewed: RenewedData;
  cancellation_accepted: CancellationAcceptedData;
  data_retrieval_reminder: DataRetrievalReminderData;
  invoice_issued: InvoiceIssuedData;
  payment_overdue: PaymentOverdueData;
  suspension_warning: SuspensionWarningData;
  suspended: SuspendedData;
  service_resumed: ServiceResumedData;
  termination_notice: TerminationNoticeData;
  terminated: TerminatedData;
  outage_threshold_reached: OutageThresholdReachedData;
  compensation_statement: CompensationStatementData;
  maintenance_notice: MaintenanceNoticeData;
  /** To the operator: a notice under the terms hard-bounced (its delivery events, shared/domain/mail-events.ts). */
  notice_bounced: NoticeBouncedData;
  deposit_cancelled: DepositCancelledData;
  account_kit: AccountKitData;
  desktop_job_failed: DesktopJobFailedData;
}

/** Every notice of RULES.md. */
export type NoticeType = keyof NoticeDataMap;

export type NoticeDataOf<T extends NoticeType> = NoticeDataMap[T];

/** The notice types about a unit whose data `unitNotice` completes with the contractor and plan. */
export type UnitNoticeType = { [K in NoticeType]: NoticeDataMap[K] extends UnitNoticeBase ? K : never }[NoticeType];
