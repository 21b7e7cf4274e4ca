/**
 * The route table of the HTTP API and the OpenAPI 3.1 document built from it with zod 4's
 * `z.toJSONSchema`. One table serves three readers: the CDK ApiStack (one IAM-authorised API
 * Gateway route per entry), `GET /openapi.json` (served by the api function) and docs/openapi.json
 * (scripts/openapi.ts; test/functions/openapi.test.ts checks it is current and that it lists every
 * route of functions/api/handler.ts).
 *
 * Error statuses follow DETAILS X3: 400 malformed JSON or body shape, 401 credentials, 404 unknown
 * resource, 409 state conflicts, 422 rule refusals of well-formed input. Bodies are always
 * `{ code, message, details }`; 403 and 429 come from API Gateway itself (`{ message }`).
 */
import * as z from 'zod';
import type { ErrorCode } from '#domain/errors.ts';
import { UNIT_STATUSES } from '#domain/unit.ts';
import {
  AccountsQuery,
  DesktopJobsQuery,
  JobIdParam,
  KitTokenParam,
  AcceptBody,
  AddLineBody,
  ApplicationBody,
  ApplicationStatusQuery,
  CancellationBody,
  ContactBody,
  DeferBody,
  ErrorBody,
  CompensationIdParam,
  IdempotencyKeyHeader,
  IdParam,
  InvoiceIdParam,
  NoticeIdParam,
  InvoicesQuery,
  LocalDateSchema,
  MaintenanceBody,
  OutageBody,
  OutagePatchBody,
  OutageScopeSchema,
  OutagesQuery,
  PaymentBody,
  RejectBody,
  UnitsQuery,
  ArchiveKeyParam,
  ArchiveQuery,
  DepositIdParam,
  DepositsQuery,
  MatchBody,
  AuditQuerySchema,
  ClockAdvanceBody,
} from './schemas.ts';

// ── response schemas ──────────────────────────────────────────────────────────────────────────────

const APPLICATION_STATUSES = ['received', 'deferred', 'accepted', 'rejected'] as const;

const PersonView = z.strictObject({ name: z.string(), email: z.string() });
const AgentView = z.strictObject({ name: z.string(), email: z.string(), nameKana: z.string().optional() });
const CancellationView = z
  .strictObject({ end: LocalDateSchema, requestedOn: LocalDateSchema })
  .meta({ description: 'An accepted cancellation (Art 18): service ends at the end of `end`' });
const RenewalView = z.strictObject({ from: LocalDateSchema, to: LocalDateSchema }).meta({ description: 'The next renewal term (Art 14)' });

/** The JSON of a unit as the API returns it (functions/api/views.ts `unitView`). */
export const UnitView = z
  .strictObject({
    id: z.string(),
    plan: z.string(),
    planName: z.string(),
    accounts: z.number().int(),
    status: z.enum(UNIT_STATUSES),
    contractor: z.strictObject({
      kind: z.string(),
      name: z.string(),
      corporateNumber: z.string(),
      nameKana: z.string().optional().meta({ description: 'MONEY-IN B3b: the registered remitter name' }),
      accountManager: PersonView,
      agent: AgentView.nullable(),
    }),
    application: z.strictObject({
      status: z.enum(APPLICATION_STATUSES),
      reason: z.string().optional(),
      expectedOn: z.optional(LocalDateSchema),
      decidedOn: z.optional(LocalDateSchema),
      receivedOn: LocalDateSchema,
      /** Global order of receipt (Art 6-1, DETAILS P9). */
      receipt: z.number().int(),
    }),
    startDate: z.nullable(LocalDateSchema),
    endedOn: z.nullable(LocalDateSchema),
    cancellation: CancellationView.nullable(),
    termEnd: z.nullable(LocalDateSchema),
    /** The next cancellation deadline (Art 18) of a unit in service without a cancellation. */
    nextDeadline: z.nullable(LocalDateSchema),
    nextRenewal: RenewalView.nullable(),
    lines: z.array(
      z.strictObject({
        id: z.string(),
        kind: z.enum(['basic', 'additional']),
        accounts: z.number().int(),
        startDate: LocalDateSchema,
        started: z.boolean(),
        termEnd: z.nullable(LocalDateSchema),
        firstTermEnd: z.nullable(LocalDateSchema),
        endedOn: z.nullable(LocalDateSchema),
        cancellation: CancellationView.nullable(),
        nextDeadline: z.nullable(LocalDateSchema),
        nextRenewal: RenewalView.nullable(),
        /** The line's first user name (all of them: GET /units/{id}/accounts; W10). */
        firstUserName: z.string().nullable(),
      }),
    ),
    history: z.array(z.strictObject({ date: LocalDateSchema, status: z.enum(UNIT_STATUSES) })),
    virtualAccount: z.string().nullable().meta({ description: "the payer's virtual account (MONEY-IN B3a), assigned at acceptance" }),
  })
  .meta({ description: 'A unit (= its application): contract lines, desktops, deadlines and status history' });

/** A page of a list: `next` is the cursor of the next page (pass it as `?next=`), null on the last page. */
const nextCursor = z.string().nullable().meta({ description: 'The opaque cursor of the next page (query `next`); null on the last page' });
export const UnitList = z.strictObject({ items: z.array(UnitView), next: nextCursor });

const INVOICE_KINDS = ['fees', 'late_interest'] as const;
const INVOICE_STATUSES = ['open', 'overdue', 'paid'] as const;
const Yen = z.number().int().meta({ description: 'yen' });

/** An invoice as the API returns it (shared/use-cases/billing.ts `invoiceView`; Art 27–31). */
export const InvoiceView = z
  .strictObject({
    id: z.string().meta({ description: '<unit>.<issueDate>.<kind>' }),
    unitId: z.string(),
    issueDate: LocalDateSchema,
    kind: z.enum(INVOICE_KINDS),
    dueDate: LocalDateSchema,
    lines: z.array(
      z.strictObject({
        line: z.string(),
        type: z.enum(['first_term', 'renewal', 'late_interest']),
        from: LocalDateSchema,
        to: LocalDateSchema,
        months: z.number().int().nullable(),
        accounts: z.number().int().nullable(),
        unitPrice: Yen.nullable(),
        amount: Yen,
        taxable: z.boolean(),
        description: z.string(),
        /** late_interest: the invoice whose late payment bore it (DETAILS L4). */
        invoice: z.string().optional(),
      }),
    ),
    taxRatePercent: z.number(),
    taxableSubtotal: Yen,
    tax: Yen,
    nonTaxable: Yen,
    total: Yen,
    payer: z.enum(['contractor', 'agent']),
    recipient: z.strictObject({ name: z.string(), attention: z.string(), email: z.string() }),
    issuer: z.strictObject({ name: z.string(), registrationNumber: z.string(), address: z.string() }),
    payments: z.array(
      z.strictObject({
        amount: Yen,
        paidOn: LocalDateSchema,
        recordedOn: LocalDateSchema,
        deposit: z.string().optional().meta({ description: 'the deposit that made it (MONEY-IN B4)' }),
        voidedOn: z.optional(LocalDateSchema).meta({ description: 'voided by a bank cancellation (B5): no longer counts' }),
      }),
    ),
    payTo: z
      .strictObject({
        bankCode: z.string(),
        bankName: z.string(),
        branchCode: z.string(),
        branchName: z.string(),
        accountType: z.literal('普通'),
        accountNumber: z.string(),
        holderKana: z.string(),
        dedicated: z.boolean(),
      })
      .optional()
      .meta({ description: "振込先 (MONEY-IN V1): the payer's virtual account" }),
    voidedOn: z.optional(LocalDateSchema).meta({ description: 'a late-interest invoice voided by a bank cancellation (B5)' }),
    paidOn: z.nullable(LocalDateSchema),
    /** Late interest fixed at full payment (Art 31, DETAILS L1). */
    interest: Yen,
    ref: z.string().meta({ description: '<issueDate>/<kind>, as notices name it' }),
    balance: Yen,
    status: z.enum(INVOICE_STATUSES),
  })
  .meta({ description: 'An invoice (適格請求書) with its payments, balance and status' });

export const InvoiceSummaryView = z.strictObject({
  id: z.string(),
  unitId: z.string(),
  issueDate: LocalDateSchema,
  kind: z.enum(INVOICE_KINDS),
  dueDate: LocalDateSchema,
  total: Yen,
  balance: Yen,
  paidOn: z.nullable(LocalDateSchema),
  status: z.enum(INVOICE_STATUSES),
});
export const InvoiceList = z.strictObject({ items: z.array(InvoiceSummaryView), next: nextCursor });

/** What a unit owes (GET /units/{id}/balance). */
export const BalanceView = z.strictObject({
  unit: z.string(),
  asOf: LocalDateSchema,
  outstanding: Yen,
  overdue: Yen,
  invoices: z.array(
    z.strictObject({
      id: z.string(),
      ref: z.string(),
      dueDate: LocalDateSchema,
      total: Yen,
      balance: Yen,
      status: z.enum(INVOICE_STATUSES),
    }),
  ),
});

const JstTimestamp = z.string().meta({ description: 'an instant in JST, ISO-8601 with +09:00', example: '2025-03-01T09:30:00+09:00' });

/** A compensation record (Art 35; DETAILS O5): `<outage>.<unit>.<n>`. */
export const CompensationView = z.strictObject({
  id: z.string(),
  outage: z.string(),
  unit: z.string(),
  hours: z.number(),
  days: z.number().int(),
  annualFee: Yen,
  amount: Yen,
  status: z.enum(['pending_payout', 'paid_out', 'void']),
  createdOn: LocalDateSchema,
  paidOutOn: z.optional(LocalDateSchema),
  voidedOn: z.optional(LocalDateSchema),
});

/** An outage as the API returns it (shared/use-cases/outages.ts `outageView`; Art 33–35, DETAILS O). */
export const OutageView = z
  .strictObject({
    id: z.string(),
    knownAt: JstTimestamp,
    endedAt: JstTimestamp.nullable(),
    scope: OutageScopeSchema,
    cause: z.enum([
      'operator_fault',
      'maintenance',
      'disaster',
      'public_interest',
      'overload_emergency',
      'customer_side',
      'workspaces_provider',
    ]),
    grossNegligence: z.boolean(),
    description: z.string(),
    /** Date of the outage_threshold_reached notice, once sent (DETAILS O3). */
    thresholdNoticeOn: z.nullable(LocalDateSchema),
    settled: z.boolean(),
    audit: z.array(z.strictObject({ at: JstTimestamp, change: z.record(z.string(), z.unknown()) })),
    version: z.number().int(),
    open: z.boolean(),
    compensable: z.boolean(),
    /** Why it is not compensable (null when it is, or may still be). */
    reason: z.string().nullable(),
    /** Records of the last settlement (empty in lists). */
    compensations: z.array(CompensationView),
  })
  .meta({ description: 'An outage with its audit trail, verdict and compensation records' });
export const OutageList = z.strictObject({ items: z.array(OutageView), next: nextCursor });

export const MaintenanceView = z.strictObject({
  id: z.string(),
  announcedOn: LocalDateSchema,
  startsAt: JstTimestamp,
  endsAt: JstTimestamp,
  /** maintenance_notice mails queued (Art 34-2, DETAILS M1). */
  recipients: z.number().int(),
  /** Their notice ids, when at most 100. */
  noticeIds: z.array(z.string()).optional(),
});

export const NoticeView = z
  .strictObject({
    id: z.string(),
    type: z.string(),
    unitId: z.string().nullable(),
    lineId: z.string().optional(),
    date: LocalDateSchema,
    role: z.enum(['account_manager', 'agent', 'operator', 'previous_account_manager']),
    /** The address it was sent to (Art 39: the registered address at the time). */
    to: z.string(),
    /** Set on a resend: the notice it sends again. */
    resendOf: z.string().optional(),
    /** pending: waiting for the mailer; done: SES accepted it (sent). */
    state: z.enum(['pending', 'done', 'failed']),
    attempts: z.number().int(),
    /** When SES accepted it (ISO instant; null while pending). */
    sentAt: z.string().nullable(),
    messageId: z.string().nullable(),
    delivery: z.strictObject({
      /** The worst SES reported: bounced/rejected > complained > delivered/soft_bounced > sent. */
      status: z.enum(['pending', 'sent', 'delivered', 'soft_bounced', 'complained', 'bounced', 'rejected']),
      events: z.array(
        z.strictObject({
          type: z.enum(['delivery', 'bounce', 'complaint', 'reject']),
          at: z.string(),
          bounceType: z.string().optional(),
          bounceSubType: z.string().optional(),
          diagnostic: z.string().optional(),
        }),
      ),
    }),
  })
  .meta({ description: 'A notice with its delivery evidence (SES events, by X-Kokona-Notice-Id)' });
/** One entry of the audit trail (GET /audit). */
export const AuditEntryView = z
  .strictObject({
    at: JstTimestamp,
    actor: z.strictObject({ id: z.string(), role: z.enum(['operator', 'viewer', 'agent', 'system', 'customer']) }),
    action: z.string(),
    unit: z.string().optional(),
    target: z.string().optional(),
    requestId: z.string().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ description: 'Who did what and when: principal and role, action, unit, target, request id, before/after' });
export const AuditPage = z.strictObject({ items: z.array(AuditEntryView), next: z.string().nullable() });

export const ClockView = z.strictObject({
  today: LocalDateSchema,
  now: JstTimestamp,
  /** True on a local stack with a test clock (POST /clock/advance). */
  settable: z.boolean(),
});
export const ClockAdvanceView = z.strictObject({
  today: LocalDateSchema,
  now: JstTimestamp,
  settable: z.boolean(),
  from: LocalDateSchema,
  to: LocalDateSchema,
  /** The dates whose daily run ran. */
  dates: z.array(LocalDateSchema),
});

/** A notice as the customer received it (GET /units/{id}/notices; the console renders it). */
export const RenderedNoticeView = z.strictObject({
  id: z.string(),
  type: z.string(),
  date: LocalDateSchema,
  role: z.string(),
  to: z.strictObject({ name: z.string(), email: z.string() }),
  state: z.enum(['pending', 'done', 'failed']),
  attempts: z.number().int(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});
export const NoticeList = z.strictObject({ items: z.array(RenderedNoticeView) });

export const DesktopList = z.strictObject({
  items: z.array(z.strictObject({ userName: z.string(), workspaceId: z.string().nullable(), state: z.string().nullable() })),
});

const DueKind = z.enum(['renewal', 'cancellation_deadline', 'invoice_due', 'suspension', 'termination']);
export const DashboardView = z.strictObject({
  today: LocalDateSchema,
  counts: z.strictObject({ units: z.number().int(), active: z.number().int(), suspended: z.number().int(), pending: z.number().int() }),
  run: z.strictObject({ date: z.nullable(LocalDateSchema), counts: z.record(z.string(), z.number().int()) }),
  due: z.array(z.strictObject({ date: LocalDateSchema, kind: DueKind, unit: z.string(), name: z.string(), amount: Yen.optional() })),
  overdue: z.array(
    z.strictObject({ id: z.string(), unit: z.string(), name: z.string(), dueDate: LocalDateSchema, balance: Yen, days: z.number().int() }),
  ),
  overdueTotal: Yen,
  overdueByAge: z.array(z.strictObject({ label: z.string(), amount: Yen, count: z.number().int() })),
  outages: z.array(
    z.strictObject({
      id: z.string(),
      cause: z.string(),
      knownAt: JstTimestamp,
      hours: z.number().int(),
      pastThreshold: z.boolean(),
      nearThreshold: z.boolean(),
    }),
  ),
  failedJobs: z.array(z.strictObject({ id: z.string(), kind: z.string(), unit: z.string().nullable(), attempts: z.number().int() })),
  bounced: z.array(z.strictObject({ id: z.string(), to: z.string(), at: z.string() })),
  months: z.array(
    z.strictObject({
      month: z.string().meta({ description: 'YYYY-MM' }),
      renewals: z.number().int(),
      deadlines: z.number().int(),
      billed: Yen,
    }),
  ),
});

export const AccountKitView = z.strictObject({
  unit: z.string(),
  registrationCode: z.string(),
  clientDownload: z.string(),
  accounts: z.array(z.strictObject({ userName: z.string(), initialPassword: z.string() })),
  note: z.string(),
});
export const KitReissueView = z.strictObject({ unit: z.string(), expiresOn: LocalDateSchema, mailedTo: z.string() });
export const AccountList = z.strictObject({
  items: z.array(
    z.strictObject({
      userName: z.string(),
      line: z.string(),
      workspaceId: z.string().nullable(),
      userCreated: z.boolean(),
      passwordAwaitingKit: z.boolean(),
      deleted: z.boolean(),
    }),
  ),
  next: z.string().nullable(),
});
export const FailedJobList = z.strictObject({
  items: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      unit: z.string(),
      line: z.string(),
      date: LocalDateSchema,
      failure: z.object({
        code: z.string(),
        message: z.string(),
        userName: z.string().optional(),
        at: z.string(),
        retries: z.number().int(),
      }),
      retries: z.number().int(),
    }),
  ),
  next: z.string().nullable(),
});
export const DriftReportView = z.object({
  id: z.string(),
  at: z.string(),
  date: LocalDateSchema,
  trigger: z.enum(['schedule', 'operator']),
  drift: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  repaired: z.record(z.string(), z.number().int()),
  items: z.array(z.record(z.string(), z.unknown())),
  orphansSince: z.record(z.string(), z.string()),
});

/** What API Gateway answers before the function runs (403 bad signature, 429 throttled). */
const GatewayError = z.object({ message: z.string() });

// ── the route table ──────────────────────────────────────────────────────────────────────────────

export type ApiErrorCode = ErrorCode | 'INTERNAL';
type ErrorStatus = 400 | 401 | 404 | 409 | 410 | 422;
/** Answers every route may give besides its own: 405 (another method), 413/415 (bodies), 409 on lost races. */
interface ErrorCase {
  readonly code: ApiErrorCode;
  readonly when: string;
}

const BinaryBody = z.string().meta({ format: 'binary' });
const DepositPaymentView = z.strictObject({ invoiceId: z.string(), unitId: z.string(), amount: Yen, balanceBefore: Yen.optional() });
const DepositStatus = z.enum(['pending', 'matched', 'partial', 'unmatched', 'credit', 'cancelled']);
export const DepositView = z
  .strictObject({
    id: z.string(),
    identity: z.string(),
    reference: z.string(),
    bankCode: z.string(),
    branchCode: z.string(),
    accountNumber: z.string(),
    valueDate: LocalDateSchema,
    inquiry: z.string(),
    amount: Yen,
    remitter: z.string(),
    remitterNormalised: z.string(),
    remitterBank: z.string(),
    remitterBranch: z.string(),
    edi: z.string(),
    file: z.string(),
    record: z.number().int(),
    importedOn: LocalDateSchema,
    status: DepositStatus,
    planned: z.array(DepositPaymentView).optional(),
    payer: z.string().nullable(),
    matchedBy: z.enum(['virtual_account', 'name', 'operator']).nullable(),
    payments: z.array(DepositPaymentView),
    credit: Yen,
    cancelledOn: z.optional(LocalDateSchema),
    version: z.number().int(),
  })
  .meta({ description: 'A deposit from a bank file (MONEY-IN B2–B6)' });
const DepositList = z.strictObject({ items: z.array(DepositView), next: z.string().nullable() });
const ImportResultView = z.strictObject({
  file: z.string().meta({ description: 'SHA-256 of the file' }),
  kind: z.enum(['01', '03']),
  records: z.number().int(),
  counts: z.strictObject({
    deposits: z.number().int(),
    matched: z.number().int(),
    partial: z.number().int(),
    unmatched: z.number().int(),
    credit: z.number().int(),
    duplicates: z.number().int(),
    cancellations: z.number().int(),
    ignored: z.number().int(),
  }),
  deposits: z.array(
    z.strictObject({
      record: z.number().int(),
      deposit: z.string().nullable(),
      result: z.enum(['recorded', 'duplicate', 'cancelled', 'cancellation_unmatched']),
      status: DepositStatus.nullable(),
      payer: z.string().nullable(),
      amount: Yen,
      remitter: z.string(),
      payments: z.array(DepositPaymentView),
      credit: Yen,
    }),
  ),
});
const ArchivedView = z.strictObject({
  key: z.string(),
  invoiceId: z.string(),
  kind: z.enum(['pdf', 'eml']),
  contentType: z.string(),
  date: LocalDateSchema,
  amount: Yen,
  counterparty: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  archivedAt: z.string(),
  corrects: z.string().optional(),
  href: z.string(),
});
const ArchiveList = z.strictObject({ items: z.array(ArchivedView), next: z.string().nullable() });

/**
 * Any zod schema: the request schemas (shared/runtime/schemas.ts) are zod/mini, the response schemas
 * here classic zod; both are zod core schemas, which toJSONSchema reads alike.
 */
type Schema = z.core.$ZodType;
type ObjectSchema = z.core.$ZodObject;

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** API Gateway / OpenAPI path syntax (`{id}`), as in functions/api/handler.ts. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'applications' | 'units' | 'invoices' | 'outages' | 'notices' | 'desktops' | 'money' | 'console' | 'meta';
  /** The one route without operator auth (W3: the kit link's token is the credential). */
  readonly public?: boolean;
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  readonly headers?: ObjectSchema;
  readonly body?: Schema;
  /** A body that is not JSON (the bank file as the bank sent it). */
  readonly bodyContentType?: string;
  readonly response: {
    readonly status: 200 | 201 | 202;
    readonly description: string;
    readonly schema: Schema;
    readonly location?: string;
    readonly contentType?: string;
  };
  readonly errors: Partial<Record<ErrorStatus, readonly ErrorCase[]>>;
}

const unauthorized: readonly ErrorCase[] = [
  { code: 'UNAUTHORIZED', when: "no valid token: a Cognito JWT on AWS, a local user's bearer token on the embedded stack" },
];
const notFound: readonly ErrorCase[] = [
  { code: 'NOT_FOUND', when: 'no unit or application has this id (or the id is not 1–64 of [A-Za-z0-9_-])' },
];
const notActive = (when: string): ErrorCase => ({ code: 'UNIT_NOT_ACTIVE', when });
const cancellationPending = (when: string): ErrorCase => ({ code: 'UNIT_CANCELLATION_PENDING', when });
const invoiceNotFound: readonly ErrorCase[] = [
  {
    code: 'NOT_FOUND',
    when: 'the unit of the invoice id does not exist, or it has no such invoice (id: <unit>.<issueDate>.<fees|late_interest>)',
  },
];
const refTaken: ErrorCase = { code: 'VALIDATION_FAILED', when: 'ref is already used by a unit or a line (DETAILS P5)' };
const queryShape: ErrorCase = {
  code: 'VALIDATION_FAILED',
  when: 'the query string does not match the schema (limit 1–200, an unknown status, a malformed date, from after to, min above max, a cursor this list did not return)',
};
const bodyShape: ErrorCase = { code: 'VALIDATION_FAILED', when: 'the body is not JSON or does not match the schema (details.issues)' };
const notPending: ErrorCase = {
  code: 'VALIDATION_FAILED',
  when: 'the application is no longer pending: already accepted or rejected (DETAILS P7)',
};

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/applications',
    operationId: 'submitApplication',
    summary: 'Submit an application (Art 5, 11, 12); refusals in the order of DETAILS P2',
    tag: 'applications',
    body: ApplicationBody,
    response: {
      status: 201,
      description: 'The application was received: a unit in status `pending`',
      schema: UnitView,
      location: '/units/{id}',
    },
    errors: {
      400: [bodyShape, { code: 'VALIDATION_FAILED', when: 'unknown plan, or accounts not an integer ≥ 1 (DETAILS P2, P4)' }],
      401: unauthorized,
      422: [
        { code: 'INELIGIBLE_APPLICANT', when: 'contractor.kind is neither corporation nor public_body (Art 11, DETAILS P1)' },
        {
          code: 'INVALID_CORPORATE_NUMBER',
          when: 'the corporate number is missing, not 13 digits or has a wrong check digit (DETAILS P3)',
        },
        { code: 'BELOW_MIN_ACCOUNTS', when: "fewer accounts than the plan's minimum (Art 12)" },
        refTaken,
      ],
    },
  },
  {
    method: 'GET',
    path: '/applications',
    operationId: 'listApplications',
    summary: 'List applications in order of receipt, optionally by application status',
    tag: 'applications',
    query: ApplicationStatusQuery,
    response: { status: 200, description: 'The applications', schema: UnitList },
    errors: { 400: [{ code: 'VALIDATION_FAILED', when: 'an unknown query parameter or status' }], 401: unauthorized },
  },
  {
    method: 'POST',
    path: '/applications/{id}/accept',
    operationId: 'acceptApplication',
    summary: 'Accept an application with a start date (Art 6, 7); refusals in the order of DETAILS P10',
    tag: 'applications',
    params: IdParam,
    body: AcceptBody,
    response: {
      status: 200,
      description: 'Accepted: the unit starts on startDate (at once when it is today, DETAILS X2)',
      schema: UnitView,
    },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      404: notFound,
      409: [
        {
          code: 'EARLIER_APPLICATION_PENDING',
          when: 'an application received earlier is still pending (Art 6-1: accepted in order of receipt)',
        },
        {
          code: 'APPLICANT_DELINQUENT',
          when: 'the applicant has an overdue invoice or a unit terminated for non-payment (Art 6-2(2), DETAILS P12)',
        },
      ],
      422: [notPending, { code: 'VALIDATION_FAILED', when: 'startDate is before today (DETAILS P11)' }],
    },
  },
  {
    method: 'POST',
    path: '/applications/{id}/reject',
    operationId: 'rejectApplication',
    summary: 'Reject an application with a reason (Art 6-2, 6-3)',
    tag: 'applications',
    params: IdParam,
    body: RejectBody,
    response: { status: 200, description: 'Rejected; the account manager is notified', schema: UnitView },
    errors: { 400: [bodyShape], 401: unauthorized, 404: notFound, 422: [notPending] },
  },
  {
    method: 'POST',
    path: '/applications/{id}/defer',
    operationId: 'deferApplication',
    summary: 'Defer an application (承諾延期) with a reason and an expected date (Art 6-2, 6-3, DETAILS P8)',
    tag: 'applications',
    params: IdParam,
    body: DeferBody,
    response: { status: 200, description: 'Deferred; it no longer blocks later applications', schema: UnitView },
    errors: { 400: [bodyShape], 401: unauthorized, 404: notFound, 422: [notPending] },
  },
  {
    method: 'GET',
    path: '/units',
    operationId: 'listUnits',
    summary: 'List units by status, ordered by their next cancellation deadline (optionally those before a date)',
    tag: 'units',
    query: UnitsQuery,
    response: { status: 200, description: 'The units', schema: UnitList },
    errors: { 400: [{ code: 'VALIDATION_FAILED', when: 'an unknown query parameter, status or a malformed date' }], 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/units/{id}',
    operationId: 'getUnit',
    summary: 'A unit with its lines, desktops, deadlines and history',
    tag: 'units',
    params: IdParam,
    response: { status: 200, description: 'The unit', schema: UnitView },
    errors: { 401: unauthorized, 404: notFound },
  },
  {
    method: 'POST',
    path: '/units/{id}/lines',
    operationId: 'addLine',
    summary: 'Add an additional contract of accounts from a start date (Art 12, 13; DETAILS T4, T5)',
    tag: 'units',
    params: IdParam,
    body: AddLineBody,
    response: {
      status: 201,
      description: 'The unit with its new line (started at once when startDate is today, DETAILS X2)',
      schema: UnitView,
    },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      404: notFound,
      409: [
        notActive('the unit is accepted but not started, suspended or ended (DETAILS T4)'),
        cancellationPending('the unit has an accepted cancellation (Art 18)'),
      ],
      422: [{ code: 'VALIDATION_FAILED', when: 'startDate is before today (DETAILS T5)' }, refTaken],
    },
  },
  {
    method: 'POST',
    path: '/units/{id}/cancellations',
    operationId: 'cancelContract',
    summary: 'Cancel a unit or one additional line at a month end (Art 18); refusals in the order of DETAILS C4',
    tag: 'units',
    params: IdParam,
    body: CancellationBody,
    response: { status: 201, description: 'The cancellation is accepted; the account manager is notified (DETAILS C9)', schema: UnitView },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      404: [...notFound, { code: 'NOT_FOUND', when: '`line` names no additional line of this unit (DETAILS C7)' }],
      409: [
        notActive('the unit is not active or suspended, or the line has not started or has ended (DETAILS C5)'),
        cancellationPending('the unit or the line already has an accepted cancellation (DETAILS C6)'),
        {
          code: 'CANCELLATION_DEADLINE_PASSED',
          when: 'the deadline for that end has passed; details.earliest is the earliest month end still possible (Art 18, DETAILS C3)',
        },
      ],
      422: [
        {
          code: 'VALIDATION_FAILED',
          when: '`end` is neither "term_end" nor a date YYYY-MM-DD (judged after the unit and line are found, DETAILS C4)',
        },
        { code: 'NOT_A_MONTH_END', when: '`end` is a date but not the last day of a month (Art 18-4)' },
        { code: 'VALIDATION_FAILED', when: '`end` is after the last term end that can still be cancelled (DETAILS C1)' },
      ],
    },
  },
  {
    method: 'PATCH',
    path: '/units/{id}/contact',
    operationId: 'changeContact',
    summary: 'Change the account manager (Art 17); both the previous and the new address are notified (DETAILS M3)',
    tag: 'units',
    params: IdParam,
    body: ContactBody,
    response: { status: 200, description: 'The unit with its new account manager', schema: UnitView },
    errors: { 400: [bodyShape], 401: unauthorized, 404: notFound },
  },
  {
    method: 'GET',
    path: '/units/{id}/balance',
    operationId: 'getUnitBalance',
    summary: 'What a unit owes: outstanding and overdue totals and each unpaid invoice',
    tag: 'invoices',
    params: IdParam,
    response: { status: 200, description: 'The balance as of today', schema: BalanceView },
    errors: { 401: unauthorized, 404: notFound },
  },
  {
    method: 'GET',
    path: '/invoices',
    operationId: 'listInvoices',
    summary: 'List invoices by status (open, overdue, paid) by due date, or those of one unit',
    tag: 'invoices',
    query: InvoicesQuery,
    response: { status: 200, description: 'The invoices', schema: InvoiceList },
    errors: {
      400: [{ code: 'VALIDATION_FAILED', when: 'an unknown query parameter or status' }],
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: '`unit` names no unit' }],
    },
  },
  {
    method: 'GET',
    path: '/invoices/{id}',
    operationId: 'getInvoice',
    summary: 'An invoice with its lines, payments, balance and status',
    tag: 'invoices',
    params: InvoiceIdParam,
    response: { status: 200, description: 'The invoice', schema: InvoiceView },
    errors: { 401: unauthorized, 404: invoiceNotFound },
  },
  {
    method: 'POST',
    path: '/invoices/{id}/payments',
    operationId: 'recordPayment',
    summary:
      'Record a payment (Art 28–31); refusals in the order of DETAILS L6. The Idempotency-Key header is required: a retry with the same key and body returns the first result',
    tag: 'invoices',
    params: InvoiceIdParam,
    headers: z.object({ 'Idempotency-Key': IdempotencyKeyHeader }),
    body: PaymentBody,
    response: {
      status: 201,
      description: 'The invoice after the payment (the same result again for a retry with the same Idempotency-Key)',
      schema: InvoiceView,
    },
    errors: {
      400: [
        bodyShape,
        { code: 'VALIDATION_FAILED', when: 'the Idempotency-Key header is missing or not 1–128 printable ASCII characters' },
      ],
      401: unauthorized,
      404: invoiceNotFound,
      409: [
        {
          code: 'PAYMENT_EXCEEDS_BALANCE',
          when: 'the amount exceeds the balance (interest not yet invoiced excluded, DETAILS L9); also any payment on a paid invoice',
        },
        { code: 'IDEMPOTENCY_KEY_REUSED', when: 'this Idempotency-Key was used with a different request' },
      ],
      422: [{ code: 'VALIDATION_FAILED', when: 'paidOn is after today or before the issue date (DETAILS L5)' }],
    },
  },
  {
    method: 'GET',
    path: '/invoices/{id}/pdf',
    operationId: 'getInvoicePdf',
    summary: 'The invoice as a PDF (適格請求書, MONEY-IN V1–V4): the archived one when it was mailed, else rendered; deterministic bytes',
    tag: 'money',
    params: InvoiceIdParam,
    response: {
      status: 200,
      description: 'application/pdf (A4, Noto Sans JP embedded as a subset)',
      schema: BinaryBody,
      contentType: 'application/pdf',
    },
    errors: { 401: unauthorized, 404: invoiceNotFound },
  },
  {
    method: 'POST',
    path: '/bank-files',
    operationId: 'importBankFile',
    summary:
      'Import a 全銀 file (振込入金通知 01 or 入出金取引明細 03, CP932, with or without CRLF): checked whole (B1), deduplicated (B2), matched (B3–B5); no mail by itself (B7)',
    tag: 'money',
    body: BinaryBody,
    bodyContentType: 'application/octet-stream',
    response: { status: 200, description: "Counts and every deposit's outcome (B7)", schema: ImportResultView },
    errors: {
      400: [
        {
          code: 'BANK_FILE_INVALID',
          when: 'the file is refused whole: details.record (1-based) and details.reason — record length, order, trailer counts/sums, EBCDIC, a non-numeric field, a bad 和暦 date, a 勘定日 after today, an empty or too large body',
        },
      ],
      401: unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/deposits',
    operationId: 'listDeposits',
    summary: 'Deposits by status (unmatched: 仮受 for the operator; credit: unapplied money, B4.5), paged',
    tag: 'money',
    query: DepositsQuery,
    response: { status: 200, description: 'A page of deposits', schema: DepositList },
    errors: { 400: [queryShape], 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/deposits/{id}',
    operationId: 'getDeposit',
    summary: 'One deposit with its payer, payments and credit',
    tag: 'money',
    params: DepositIdParam,
    response: { status: 200, description: 'The deposit', schema: DepositView },
    errors: { 401: unauthorized, 404: [{ code: 'NOT_FOUND', when: 'no deposit has this id' }] },
  },
  {
    method: 'POST',
    path: '/deposits/{id}/match',
    operationId: 'matchDeposit',
    summary:
      'Match a deposit by hand (B6): pays the listed invoices of the unit in order, each up to its balance, keeps the rest as credit, learns the remitter name; audited',
    tag: 'money',
    params: DepositIdParam,
    body: MatchBody,
    response: { status: 200, description: 'The deposit after matching', schema: DepositView },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no such deposit, unit, or invoice of that unit' }],
      422: [
        {
          code: 'VALIDATION_FAILED',
          when: 'the deposit is not unmatched (send move: true to move a matched one), cancelled, or an invoice is already paid / issued after the 勘定日 / listed twice',
        },
      ],
    },
  },
  {
    method: 'GET',
    path: '/archive',
    operationId: 'searchArchive',
    summary: 'Search the write-once archive (A2): 取引年月日 from/to, 金額 min/max, 取引先 (partial), any combination (AND), paged',
    tag: 'money',
    query: ArchiveQuery,
    response: { status: 200, description: 'A page of archived documents, each with its SHA-256 and href', schema: ArchiveList },
    errors: { 400: [queryShape], 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/archive/{key}',
    operationId: 'getArchived',
    summary: 'Download an archived document (the PDF or the .eml exactly as mailed); header x-content-sha256',
    tag: 'money',
    params: ArchiveKeyParam,
    response: {
      status: 200,
      description: 'application/pdf or message/rfc822',
      schema: BinaryBody,
      contentType: 'application/octet-stream',
    },
    errors: { 401: unauthorized, 404: [{ code: 'NOT_FOUND', when: 'no archived document has this key' }] },
  },
  {
    method: 'POST',
    path: '/outages',
    operationId: 'recordOutage',
    summary: 'Record an outage from when the operator learned of it (Art 33, 35; DETAILS O1, O7)',
    tag: 'outages',
    body: OutageBody,
    response: { status: 201, description: 'The outage, open', schema: OutageView, location: '/outages/{id}' },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      422: [
        { code: 'VALIDATION_FAILED', when: 'unknown cause, or a ref already used by another outage (DETAILS O7)' },
        { code: 'VALIDATION_FAILED', when: 'knownAt is not an ISO-8601 timestamp, or is in the future' },
      ],
    },
  },
  {
    method: 'GET',
    path: '/outages',
    operationId: 'listOutages',
    summary: 'List outages, optionally only open (open=true) or ended (open=false) ones',
    tag: 'outages',
    query: OutagesQuery,
    response: { status: 200, description: 'The outages (without their compensation records)', schema: OutageList },
    errors: { 400: [{ code: 'VALIDATION_FAILED', when: 'an unknown query parameter, or open not true/false' }], 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/outages/{id}',
    operationId: 'getOutage',
    summary: 'An outage with its verdict and compensation records',
    tag: 'outages',
    params: IdParam,
    response: { status: 200, description: 'The outage', schema: OutageView },
    errors: { 401: unauthorized, 404: [{ code: 'NOT_FOUND', when: 'no outage has this id' }] },
  },
  {
    method: 'PATCH',
    path: '/outages/{id}',
    operationId: 'updateOutage',
    summary: 'End an outage (once) or correct it, with an audit entry; an ended outage is settled (Art 35)',
    tag: 'outages',
    params: IdParam,
    body: OutagePatchBody,
    response: { status: 200, description: 'The outage after the change', schema: OutageView },
    errors: {
      400: [bodyShape, { code: 'VALIDATION_FAILED', when: 'an empty body' }],
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no outage has this id' }],
      422: [
        { code: 'VALIDATION_FAILED', when: 'the outage has already ended (a second end, DETAILS O7), or an unknown cause' },
        { code: 'VALIDATION_FAILED', when: 'endedAt is not an ISO-8601 timestamp, is in the future or before knownAt' },
      ],
    },
  },
  {
    method: 'POST',
    path: '/compensations/{id}/payout',
    operationId: 'payOutCompensation',
    summary: 'Mark a compensation paid out (idempotent)',
    tag: 'outages',
    params: CompensationIdParam,
    response: { status: 200, description: 'The compensation record, paid out', schema: CompensationView },
    errors: {
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no compensation has this id (<outage>.<unit>.<n>)' }],
      422: [{ code: 'VALIDATION_FAILED', when: 'the compensation is void (a correction replaced it)' }],
    },
  },
  {
    method: 'POST',
    path: '/maintenances',
    operationId: 'announceMaintenance',
    summary: 'Announce maintenance: maintenance_notice to every account manager in scope (Art 34-2; DETAILS M1, M2)',
    tag: 'outages',
    body: MaintenanceBody,
    response: { status: 201, description: 'The announcement and how many notices it queued', schema: MaintenanceView },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      422: [
        {
          code: 'VALIDATION_FAILED',
          when: 'startsAt or endsAt is not an ISO-8601 timestamp, or startsAt is not before endsAt (DETAILS M2)',
        },
      ],
    },
  },
  {
    method: 'GET',
    path: '/notices/{id}',
    operationId: 'getNotice',
    summary: 'A notice: to whom and when it was sent, and what SES reported since (delivery, bounce, complaint, reject)',
    tag: 'notices',
    params: NoticeIdParam,
    response: { status: 200, description: 'The notice with its delivery evidence', schema: NoticeView },
    errors: {
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no notice has this id (ids are percent-encoded: `#` is `%23`), or it is past its retention' }],
    },
  },
  {
    method: 'POST',
    path: '/notices/{id}/resend',
    operationId: 'resendNotice',
    summary:
      'Send a notice again to the address registered for its role now (e.g. after a hard bounce and a contact change); idempotent per address',
    tag: 'notices',
    params: NoticeIdParam,
    response: { status: 201, description: 'The resend (a notice of its own, `resendOf` = the original)', schema: NoticeView },
    errors: {
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no notice has this id, or its unit is gone' }],
      422: [
        {
          code: 'VALIDATION_FAILED',
          when: 'the notice is not sent yet, or the address registered now is the one that hard-bounced it (details.reason = address_bounced)',
        },
      ],
    },
  },
  {
    method: 'GET',
    path: '/units/{id}/notices',
    operationId: 'listUnitNotices',
    summary: 'Every notice of a unit, rendered as the customer received it (subject, text, HTML), newest first',
    tag: 'units',
    params: IdParam,
    response: { status: 200, description: 'The notices', schema: NoticeList },
    errors: { 401: unauthorized, 404: notFound },
  },
  {
    method: 'GET',
    path: '/units/{id}/desktops',
    operationId: 'listUnitDesktops',
    summary: "The live state of a unit's desktops, asked of WorkSpaces now",
    tag: 'units',
    params: IdParam,
    response: { status: 200, description: 'One entry per account', schema: DesktopList },
    errors: { 401: unauthorized, 404: notFound },
  },
  {
    method: 'GET',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The audit trail, newest first: every change by the API, the console, the daily run and the workers (never editable)',
    tag: 'console',
    query: AuditQuerySchema,
    response: { status: 200, description: 'A page of entries; `next` is the cursor of the next page (null at the end)', schema: AuditPage },
    errors: {
      400: [
        {
          code: 'VALIDATION_FAILED',
          when: 'an unknown parameter, a limit outside 1–200, an instant without offset, or a cursor of another list',
        },
      ],
      401: unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/clock',
    operationId: 'getClock',
    summary: 'The business date (X4) and whether this stack has a test clock',
    tag: 'console',
    response: { status: 200, description: 'The business clock', schema: ClockView },
    errors: { 401: unauthorized },
  },
  {
    method: 'POST',
    path: '/clock/advance',
    operationId: 'advanceClock',
    summary: 'Local stacks only: move the business date forward; the daily run of every date in between runs (a test clock)',
    tag: 'console',
    body: ClockAdvanceBody,
    response: { status: 200, description: 'The new business date and the dates that ran', schema: ClockAdvanceView },
    errors: {
      400: [bodyShape],
      401: unauthorized,
      409: [{ code: 'CLOCK_NOT_SETTABLE', when: 'the stack follows the real date (AWS)' }],
      422: [{ code: 'VALIDATION_FAILED', when: '`to` is not after today, or more than two years ahead' }],
    },
  },
  {
    method: 'GET',
    path: '/dashboard',
    operationId: 'getDashboard',
    summary:
      'The 今日 page: what is due in 7 days, overdue invoices by age, open outages near the threshold, failed jobs, the next 12 months',
    tag: 'console',
    response: { status: 200, description: 'The dashboard of the business date', schema: DashboardView },
    errors: { 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/kit/{token}',
    operationId: 'fetchAccountKit',
    summary:
      'The account kit, once (W3): user names, initial passwords, registration code. No operator auth: the link token is the credential; rate-limited per address',
    tag: 'desktops',
    public: true,
    params: KitTokenParam,
    response: { status: 200, description: 'The kit; the stored passwords are wiped', schema: AccountKitView },
    errors: {
      409: [{ code: 'KIT_NOT_READY', when: 'the desktops are still being prepared (Retry-After; the link stays valid)' }],
      410: [{ code: 'GONE', when: 'the link was fetched already, expired, was replaced by a reissue, or never existed' }],
    },
  },
  {
    method: 'POST',
    path: '/units/{id}/kit',
    operationId: 'reissueAccountKit',
    summary:
      'Reissue the account kit (W3): new initial passwords, a new link mailed to the account manager; the old link stops working. Audited',
    tag: 'desktops',
    params: IdParam,
    response: { status: 202, description: 'The new link was mailed; new passwords are being set (a desktop job)', schema: KitReissueView },
    errors: {
      401: unauthorized,
      404: notFound,
      409: [notActive('the unit has no account in service (not a plan with desktops, not started, or ended)')],
      422: [{ code: 'VALIDATION_FAILED', when: 'the kit was reissued today already' }],
    },
  },
  {
    method: 'GET',
    path: '/units/{id}/accounts',
    operationId: 'listAccounts',
    summary: 'The accounts of a unit (W10): user names, desktop ids, whether the kit still holds a password; paged',
    tag: 'desktops',
    params: IdParam,
    query: AccountsQuery,
    response: { status: 200, description: 'One page of accounts', schema: AccountList },
    errors: { 400: [{ code: 'VALIDATION_FAILED', when: 'limit is not 1–200' }], 401: unauthorized, 404: notFound },
  },
  {
    method: 'GET',
    path: '/desktop-jobs',
    operationId: 'listFailedDesktopJobs',
    summary: 'Desktop jobs that failed for good (W5), with the AWS error code; never retried by themselves',
    tag: 'desktops',
    query: DesktopJobsQuery,
    response: { status: 200, description: 'One page of failed jobs', schema: FailedJobList },
    errors: { 400: [{ code: 'VALIDATION_FAILED', when: 'status is not `failed`, or limit is not 1–200' }], 401: unauthorized },
  },
  {
    method: 'POST',
    path: '/desktop-jobs/{id}/retry',
    operationId: 'retryDesktopJob',
    summary: 'Run a failed desktop job again once its cause is fixed (W5). Audited',
    tag: 'desktops',
    params: JobIdParam,
    response: {
      status: 202,
      description: 'The job is pending again',
      schema: z.strictObject({ id: z.string(), state: z.literal('pending') }),
    },
    errors: {
      401: unauthorized,
      404: [{ code: 'NOT_FOUND', when: 'no desktop job has this id (D#<unit>#<line>#<action>#<date>, URL-encoded)' }],
      409: [{ code: 'JOB_NOT_FAILED', when: 'the job is pending or done, not failed' }],
    },
  },
  {
    method: 'POST',
    path: '/desktops/reconcile',
    operationId: 'reconcileDesktops',
    summary: 'Compare desired and actual desktops now and repair what is ours (W9); foreign desktops are only reported',
    tag: 'desktops',
    response: { status: 200, description: 'The report of this run', schema: DriftReportView },
    errors: { 401: unauthorized },
  },
  {
    method: 'GET',
    path: '/desktops/drift',
    operationId: 'getDesktopDrift',
    summary: "The reconciler's latest report (W9)",
    tag: 'desktops',
    response: { status: 200, description: 'The latest report', schema: DriftReportView },
    errors: { 401: unauthorized, 404: [{ code: 'NOT_FOUND', when: 'the reconciler has not run yet' }] },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document',
    tag: 'meta',
    response: { status: 200, description: 'The OpenAPI 3.1 document of this API', schema: z.record(z.string(), z.unknown()) },
    errors: { 401: unauthorized },
  },
];

// ── the document ─────────────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<ErrorStatus, string> = {
  400: 'Malformed request (DETAILS X3)',
  401: 'Missing or invalid credentials',
  404: 'Not found',
  409: 'Refused by the state of the system',
  410: 'No longer available',
  422: 'Refused by a rule',
};

/** JSON Schema of a zod schema; named component schemas nested inside become `$ref`s. */
function jsonSchema(schema: Schema, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const nested = ctx.zodSchema as unknown as Schema;
      const name = nested === schema ? undefined : componentName(nested);
      if (!name) return;
      const out = ctx.jsonSchema as Json;
      for (const k of Object.keys(out)) delete out[k];
      out.$ref = `#/components/schemas/${name}`;
    },
  }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Named schemas: request bodies as clients send them (input), responses as the API writes them (output). */
const COMPONENTS: readonly { name: string; schema: Schema; io: 'input' | 'output' }[] = [
  { name: 'ApplicationBody', schema: ApplicationBody, io: 'input' },
  { name: 'AcceptBody', schema: AcceptBody, io: 'input' },
  { name: 'RejectBody', schema: RejectBody, io: 'input' },
  { name: 'DeferBody', schema: DeferBody, io: 'input' },
  { name: 'AddLineBody', schema: AddLineBody, io: 'input' },
  { name: 'CancellationBody', schema: CancellationBody, io: 'input' },
  { name: 'ContactBody', schema: ContactBody, io: 'input' },
  { name: 'Unit', schema: UnitView, io: 'output' },
  { name: 'UnitList', schema: UnitList, io: 'output' },
  { name: 'PaymentBody', schema: PaymentBody, io: 'input' },
  { name: 'Invoice', schema: InvoiceView, io: 'output' },
  { name: 'AuditEntry', schema: AuditEntryView, io: 'output' },
  { name: 'RenderedNotice', schema: RenderedNoticeView, io: 'output' },
  { name: 'Dashboard', schema: DashboardView, io: 'output' },
  { name: 'InvoiceSummary', schema: InvoiceSummaryView, io: 'output' },
  { name: 'InvoiceList', schema: InvoiceList, io: 'output' },
  { name: 'Balance', schema: BalanceView, io: 'output' },
  { name: 'OutageBody', schema: OutageBody, io: 'input' },
  { name: 'OutagePatchBody', schema: OutagePatchBody, io: 'input' },
  { name: 'MaintenanceBody', schema: MaintenanceBody, io: 'input' },
  { name: 'Outage', schema: OutageView, io: 'output' },
  { name: 'OutageList', schema: OutageList, io: 'output' },
  { name: 'Compensation', schema: CompensationView, io: 'output' },
  { name: 'Maintenance', schema: MaintenanceView, io: 'output' },
  { name: 'Notice', schema: NoticeView, io: 'output' },
  { name: 'MatchBody', schema: MatchBody, io: 'input' },
  { name: 'Deposit', schema: DepositView, io: 'output' },
  { name: 'Error', schema: ErrorBody, io: 'output' },
  { name: 'GatewayError', schema: GatewayError, io: 'output' },
];

function componentName(schema: Schema): string | undefined {
  return COMPONENTS.find((c) => c.schema === schema)?.name;
}

function schemaOrRef(schema: Schema, io: 'input' | 'output'): Json {
  const name = componentName(schema);
  return name ? ref(name) : jsonSchema(schema, io);
}

function parameters(route: ApiRoute): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', route.params],
    ['query', route.query],
    ['header', route.headers],
  ] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj._zod.def.shape)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || !z.safeParse(field, undefined).success,
        schema: jsonSchema(field, 'input'),
      });
    }
  }
  return out;
}

function errorResponse(status: ErrorStatus, cases: readonly ErrorCase[]): Json {
  const codes = [...new Set(cases.map((c) => c.code))];
  return {
    description: `${STATUS_TEXT[status]}:\n${cases.map((c) => `- \`${c.code}\`: ${c.when}`).join('\n')}`,
    content: {
      'application/json': {
        schema: { allOf: [ref('Error'), { type: 'object', properties: { code: { type: 'string', enum: codes } } }] },
      },
    },
  };
}

const errorResponse500 = {
  description: 'Unexpected failure (logged; never caused by input, DETAILS X3): `INTERNAL`',
  content: {
    'application/json': {
      schema: { allOf: [ref('Error'), { type: 'object', properties: { code: { type: 'string', enum: ['INTERNAL'] } } }] },
    },
  },
};

const lostRace: ErrorCase = {
  code: 'CONCURRENT_MODIFICATION',
  when: 'other requests kept changing the same unit, invoice or outage through every retry (jittered back-off): nothing was changed; retry after Retry-After seconds',
};

const fixedError = (description: string, code: ApiErrorCode, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: {
    'application/json': { schema: { allOf: [ref('Error'), { type: 'object', properties: { code: { type: 'string', enum: [code] } } }] } },
  },
});

const gatewayResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('GatewayError') } } });

function operation(route: ApiRoute): Json {
  const responses: Json = {
    [route.response.status]: {
      description: route.response.description,
      ...(route.response.location
        ? { headers: { Location: { description: `The new resource: ${route.response.location}`, schema: { type: 'string' } } } }
        : {}),
      content: { [route.response.contentType ?? 'application/json']: { schema: schemaOrRef(route.response.schema, 'output') } },
    },
  };
  const contended = route.method !== 'GET' && route.operationId !== 'submitApplication' && route.operationId !== 'announceMaintenance';
  for (const status of [400, 401, 404, 409, 410, 422] as const) {
    const cases = [...(route.errors[status] ?? []), ...(status === 409 && contended ? [lostRace] : [])];
    if (cases.length) responses[status] = errorResponse(status, cases);
  }
  if (contended)
    (responses[409] as Json).headers = {
      'Retry-After': { description: 'With CONCURRENT_MODIFICATION: seconds to wait before retrying', schema: { type: 'integer' } },
    };
  responses[405] = { $ref: '#/components/responses/MethodNotAllowed' };
  if (route.body) {
    responses[413] = { $ref: '#/components/responses/PayloadTooLarge' };
    responses[415] = { $ref: '#/components/responses/UnsupportedMediaType' };
  }
  responses[403] = { $ref: '#/components/responses/Forbidden' };
  responses[429] = { $ref: '#/components/responses/TooManyRequests' };
  responses[500] = { $ref: '#/components/responses/InternalError' };
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { [route.bodyContentType ?? 'application/json']: { schema: schemaOrRef(route.body, 'input') } },
          },
        }
      : {}),
    responses,
    ...(route.public ? { security: [] } : {}),
  };
}

/** The OpenAPI 3.1 document of the HTTP API (deterministic: docs/openapi.json is compared to it). */
export function buildOpenApi(): Json {
  const paths: Record<string, Json> = {};
  for (const r of API_ROUTES) {
    paths[r.path] = { ...paths[r.path], [r.method.toLowerCase()]: operation(r) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ココナワーク back office API',
      version: '1.0.0',
      description:
        'Applications, units and their notices under the terms of service. On AWS every route requires a Cognito JWT ' +
        '(API Gateway JWT authorizer; people in the groups operator / viewer / agent, machine callers by client credentials ' +
        "with a scope kokona/<role>); the embedded stack (`npm start`) takes a local user's bearer token instead. " +
        'Errors are `{ code, message, details }` with the status of DETAILS X3; an unknown route answers 404 `NOT_FOUND`, a known path ' +
        'with another method 405 `METHOD_NOT_ALLOWED` (with Allow). Every answer carries `x-request-id` (a well-formed client ' +
        '`x-request-id` is echoed). Lists page with `limit` (1–200, default 50) and the opaque `next` of the previous page.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'AWS (ApiStack output ApiUrl)',
        variables: { apiId: { default: 'abcde12345' }, region: { default: 'ap-northeast-1' } },
      },
      { url: 'http://127.0.0.1:{port}', description: 'Embedded stack (npm start)', variables: { port: { default: '3000' } } },
    ],
    security: [{ cognito: [] }, { bearer: [] }],
    tags: [
      { name: 'applications', description: 'Art 5–7, 11, 12 (DETAILS P)' },
      { name: 'units', description: 'Units, additional lines, cancellations, contacts, desktops, history (Art 12–18; DETAILS T, C, H, M)' },
      { name: 'invoices', description: 'Invoices, payments and balances (Art 27–31; DETAILS I, L)' },
      { name: 'outages', description: 'Outages, compensation and maintenance (Art 33–35; DETAILS O, M)' },
      { name: 'notices', description: 'Notices and their delivery evidence (SES events)' },
      { name: 'console', description: 'The operator console: audit trail, business clock, dashboard' },
      { name: 'desktops', description: 'Account kits, desktop jobs and the reconciler (Art 45; docs/DESKTOPS.md W1–W10)' },
      {
        name: 'money',
        description: 'Bank files, deposits and their matching, the invoice PDF, the write-once archive (docs/MONEY-IN.md B, V, A)',
      },
      { name: 'meta', description: 'About the API' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(COMPONENTS.map((c) => [c.name, jsonSchema(c.schema, c.io)])),
      responses: {
        Forbidden: {
          description:
            "`FORBIDDEN`: the caller's role may not do this (viewer: no changes; agent: no decisions, payments, outages or audit) — see docs/ROLES.md",
          content: { 'application/json': { schema: ref('Error') } },
        },
        TooManyRequests: gatewayResponse('API Gateway: the stage throttle was exceeded'),
        InternalError: errorResponse500,
        MethodNotAllowed: fixedError(
          'The path exists but not with this method (HEAD, DELETE, PUT, OPTIONS, …): `METHOD_NOT_ALLOWED`; the Allow header lists the methods',
          'METHOD_NOT_ALLOWED',
          {
            Allow: { description: 'The methods of this path', schema: { type: 'string' } },
          },
        ),
        PayloadTooLarge: fixedError('The body is larger than 1 MiB: `PAYLOAD_TOO_LARGE`', 'PAYLOAD_TOO_LARGE'),
        UnsupportedMediaType: fixedError(
          'The body is not application/json, or its charset is not UTF-8: `UNSUPPORTED_MEDIA_TYPE` (invalid UTF-8 bytes are 400 `VALIDATION_FAILED`)',
          'UNSUPPORTED_MEDIA_TYPE',
        ),
      },
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito access or ID token, checked by the API Gateway JWT authorizer',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "Embedded stack only: a local user's token (.local/users.json, or .local/api-token for the operator)",
        },
      },
    },
  };
}

let cached: Json | undefined;
/** The document, built once per cold start (for `GET /openapi.json`). */
export function openApiDocument(): Json {
  cached ??= buildOpenApi();
  return cached;
}
