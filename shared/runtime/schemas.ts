/** Request schemas at the edge (zod 4): shapes only; rules live in shared/domain. Also the source of the OpenAPI document. */
import * as z from 'zod';
import { jstDate, parseInstant, parseLocalDate, requestDateRange, withinRequestRange, type LocalDate } from '#domain/calendar.ts';
import { requestContext } from './request-context.ts';
import { UNIT_STATUSES } from '#domain/unit.ts';
import { isKanaName } from '#domain/kana.ts';

export const Ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ref: 1–64 of [A-Za-z0-9_-]');

/** Dates and instants a request names must lie near the business date (REQUEST_DATE_RANGE, README). */
function inRange(d: LocalDate, ctx: z.core.$RefinementCtx<string>, what: string): void {
  const today = requestContext()?.today;
  if (!today || withinRequestRange(d, today)) return;
  const { from, to } = requestDateRange(today);
  ctx.addIssue({
    code: 'custom',
    message: `${what} must lie between ${from} and ${to} (10 years either side of the business date ${today})`,
  });
}

export const LocalDateSchema = z
  .string()
  .max(10)
  .superRefine((s, ctx) => {
    const d = parseLocalDate(s);
    if (d === null) ctx.addIssue({ code: 'custom', message: 'a calendar date YYYY-MM-DD' });
    else inRange(d, ctx, 'the date');
  })
  .meta({ format: 'date', example: '2024-02-15' });

/** An ISO-8601 instant with a real offset (±14:00; none = Japan time), near the business date. */
export const InstantSchema = z
  .string()
  .max(40)
  .superRefine((s, ctx) => {
    const t = parseInstant(s);
    if (t === null)
      ctx.addIssue({ code: 'custom', message: 'an ISO-8601 timestamp YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm] with an offset within ±14:00' });
    else inRange(jstDate(t), ctx, 'the instant');
  })
  .meta({ example: '2024-04-05T10:00:00+09:00' });

// ── the text vocabulary ──────────────────────────────────────────────────────────────────────────
// Every free text a request carries (names, reasons, descriptions) is NFC-normalised and trimmed,
// then refused when empty, too long (in code points) or when it holds a character that has no place
// on a qualified invoice or in a mail: control characters (C0, C1, DEL; a line feed only in
// multi-line text), format characters (zero-width, bidi controls, BOM, soft hyphen), lone
// surrogates, private-use and unassigned code points, line/paragraph separators.

const FORBIDDEN_SINGLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const FORBIDDEN_MULTI = /[\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?![\n])\p{Cc}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describe(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Free text of at most `max` code points. `multiline`: a line feed is allowed (CRLF and CR become LF);
 * otherwise the text is one line.
 */
export function text(max: number, opts: { multiline?: boolean; min?: number } = {}) {
  const min = opts.min ?? 1;
  return z
    .string()
    .max(max * 4) // cheap bound before normalising (a code point is at most 2 UTF-16 units; NFC may expand)
    .superRefine((s, ctx) => {
      const lone = LONE_SURROGATE.exec(s);
      if (lone) return void ctx.addIssue({ code: 'custom', message: `a lone surrogate (${describe(lone[0])}) is not text` });
      const t = (opts.multiline ? s.replace(/\r\n?/g, '\n') : s).normalize('NFC').trim();
      const bad = (opts.multiline ? FORBIDDEN_MULTI : FORBIDDEN_SINGLE).exec(t);
      if (bad)
        return void ctx.addIssue({
          code: 'custom',
          message: `character ${describe(bad[0])} is not allowed (control, format, private-use or unassigned)`,
        });
      const n = [...t].length;
      if (n < min) ctx.addIssue({ code: 'custom', message: min === 1 ? 'must not be empty or blank' : `at least ${min} characters` });
      if (n > max) ctx.addIssue({ code: 'custom', message: `at most ${max} characters` });
    })
    .transform((s) => (opts.multiline ? s.replace(/\r\n?/g, '\n') : s).normalize('NFC').trim())
    .meta({
      description: `text: NFC, trimmed, ${min}–${max} characters${opts.multiline ? ', line feeds allowed' : ', one line'}, no control/format/private-use characters`,
    });
}

/** A name of a person or an organisation (printed on invoices and mails). */
export const NameText = text(200);
/** A reason given by an operator (rejection, deferral): may span lines. */
export const ReasonText = text(1000, { multiline: true });
/** A description (outage, maintenance): may span lines, may be empty. */
export const DescriptionText = text(2000, { multiline: true, min: 0 });
/** An identifier-like token (plan, contractor kind, outage cause): judged by the rules, shaped here. */
export const Token = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, '1–64 of [A-Za-z0-9_.-]');
// ── pagination ───────────────────────────────────────────────────────────────────────────────────
/** Every list route: `limit` (1–200, default 50) and the opaque `next` cursor of the previous page. */
export const PageQuery = {
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'an integer 1–200')
    .refine((s) => Number(s) <= 200, 'an integer 1–200')
    .optional()
    .meta({ description: 'Items per page, 1–200 (default 50)' }),
  next: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/, 'the opaque cursor of a previous answer')
    .optional()
    .meta({ description: 'The `next` of the previous page (opaque)' }),
};

const Email = z.email().max(254);
const Person = z.strictObject({ name: NameText, email: Email });
/** MONEY-IN B3b: a name in katakana, half- or full-width (the bank's spelling of the payer's name). */
export const NameKana = z
  .string()
  .max(48)
  .refine(isKanaName, 'katakana (half- or full-width), as the bank writes the remitter name')
  .meta({ example: 'ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ' });
const Agent = z.strictObject({ name: NameText, email: Email, nameKana: NameKana.optional() });

export const ApplicationBody = z.strictObject({
  ref: Ref.optional(),
  plan: Token,
  accounts: z.number().int().min(1).max(1_000_000),
  contractor: z.strictObject({
    kind: Token,
    name: NameText,
    /** Missing or malformed numbers are a rule refusal (INVALID_CORPORATE_NUMBER, DETAILS P3), not a shape error. */
    corporateNumber: z.string().max(64).optional(),
    nameKana: NameKana.optional(),
    accountManager: Person,
    agent: Agent.nullable().default(null),
  }),
});
export type ApplicationBody = z.infer<typeof ApplicationBody>;

export const AcceptBody = z.strictObject({ startDate: LocalDateSchema });
export const RejectBody = z.strictObject({ reason: ReasonText });
export const DeferBody = z.strictObject({ reason: ReasonText, expectedOn: LocalDateSchema });
export const ApplicationStatusQuery = z.strictObject({
  status: z.enum(['received', 'deferred', 'accepted', 'rejected']).optional(),
  ...PageQuery,
});
export const IdParam = z.strictObject({ id: Ref });

export const ErrorBody = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

export const AddLineBody = z.strictObject({
  ref: Ref.optional(),
  accounts: z.number().int().min(1).max(1_000_000),
  startDate: LocalDateSchema,
});
/**
 * `end`: "term_end" or a month-end date. Its format is judged by the rules after the unit and line are
 * found (DETAILS C4: NOT_FOUND → VALIDATION_FAILED / NOT_A_MONTH_END), so here it is only a string.
 */
export const CancellationBody = z.strictObject({
  end: z.string().min(1).max(32).meta({ description: '"term_end" or a month-end date YYYY-MM-DD' }),
  line: z.string().min(1).max(64).optional(),
});
export const ContactBody = z.strictObject({ name: NameText, email: Email });
export const UnitsQuery = z.strictObject({
  status: z.enum(UNIT_STATUSES).optional(),
  deadlineBefore: LocalDateSchema.optional(),
  /** Search: part of the contractor's name, the unit ref, or the corporate number. */
  q: z.string().trim().min(1).max(100).optional(),
  ...PageQuery,
});

export const InvoiceIdParam = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)$/, 'an invoice id <unit>.<issueDate>.<kind>'),
});
export const PaymentBody = z.strictObject({
  amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  paidOn: LocalDateSchema.optional(),
});
export const IdempotencyKeyHeader = z.string().regex(/^[\x21-\x7e]{1,128}$/, '1–128 printable ASCII characters');
export const InvoicesQuery = z.strictObject({ status: z.enum(['open', 'overdue', 'paid']).optional(), unit: Ref.optional(), ...PageQuery });

/** At most this many units in a `{ units: [...] }` scope (larger sets: a plan or "all"). */
export const MAX_SCOPE_UNITS = 1000;
export const OutageScopeSchema = z.union([
  z.literal('all'),
  z.strictObject({ plan: Token }),
  z.strictObject({
    units: z
      .array(Ref)
      .max(MAX_SCOPE_UNITS)
      .refine((u) => new Set(u).size === u.length, 'a unit is named twice'),
  }),
]);
/** `cause` is checked by the use case (an unknown cause is VALIDATION_FAILED, O7). */
export const OutageBody = z.strictObject({
  ref: Ref.optional(),
  knownAt: InstantSchema,
  scope: OutageScopeSchema,
  cause: Token,
  grossNegligence: z.boolean().optional(),
  description: DescriptionText.optional(),
  /**
   * The event language's O7: unknown units of a `{ units }` scope are ignored. Without it (the API's
   * default) unknown units are refused with their list (422), so a typo cannot silently shrink a scope.
   */
  ignoreUnknownUnits: z.boolean().optional(),
});
export const OutagePatchBody = z
  .strictObject({
    endedAt: InstantSchema.optional(),
    cause: Token.optional(),
    scope: OutageScopeSchema.optional(),
    grossNegligence: z.boolean().optional(),
    description: DescriptionText.optional(),
    ignoreUnknownUnits: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'ignoreUnknownUnits'), 'at least one field');
export const OutagesQuery = z.strictObject({ open: z.enum(['true', 'false']).optional(), ...PageQuery });
export const CompensationIdParam = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}\.\d{1,4}$/, '<outage>.<unit>.<n>'),
});
export const MaintenanceBody = z.strictObject({
  ref: Ref.optional(),
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  scope: OutageScopeSchema,
  description: DescriptionText.optional(),
  ignoreUnknownUnits: z.boolean().optional(),
});

/** The local operator hook `POST /_local/daily` (npm run daily). */
export const DailyRunBody = z.strictObject({ date: z.string().max(10).optional() });

/**
 * A notice id (`N#<unit>#<type>#<date>#<role>[#…]`, resends `…#R<hash>`), percent-encoded in the path
 * (`#` is `%23`); decoded here whether or not the gateway decoded it.
 */
export const NoticeIdParam = z.strictObject({
  id: z
    .string()
    .min(3)
    .max(400)
    .transform((s, ctx) => {
      try {
        return s.includes('%') ? decodeURIComponent(s) : s;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a percent-encoded notice id' });
        return z.NEVER;
      }
    })
    .pipe(z.string().regex(/^N#[\x21-\x7e]{1,396}$/, 'a notice id N#<unit>#<type>#<date>#<role>…')),
});

// ── money in (MONEY-IN) ──────────────────────────────────────────────────────────────────────────
export const DepositStatusSchema = z.enum(['matched', 'partial', 'unmatched', 'credit', 'cancelled', 'pending']);
export const DepositsQuery = z.strictObject({ status: DepositStatusSchema.optional(), ...PageQuery });
export const DepositIdParam = z.strictObject({ id: z.string().regex(/^D\d{8}-\d{6,8}-[0-9a-f]{10}$/, 'a deposit id') });
export const MatchBody = z.strictObject({
  unit: Ref,
  invoices: z.array(InvoiceIdParam.shape.id).min(1).max(50),
  move: z.boolean().optional(),
});
export const ArchiveQuery = z
  .strictObject({
    from: LocalDateSchema.optional(),
    to: LocalDateSchema.optional(),
    min: z.coerce.number().int().min(0).optional(),
    max: z.coerce.number().int().min(0).optional(),
    counterparty: NameText.optional(),
    ...PageQuery,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to')
  .refine((q) => q.min === undefined || q.max === undefined || q.min <= q.max, 'min must not exceed max');
export const ArchiveKeyParam = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)\.(pdf|eml)$/, 'an archive key <invoice id>.pdf|eml'),
});
const InstantParam = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    'an ISO-8601 instant with offset',
  )
  .meta({ example: '2025-03-01T00:00:00+09:00' });
export const AuditQuerySchema = z.strictObject({
  unit: Ref.optional(),
  actor: z.string().min(1).max(200).optional(),
  from: InstantParam.optional(),
  to: InstantParam.optional(),
  ...PageQuery,
});
export const ClockAdvanceBody = z.strictObject({ to: LocalDateSchema });
/** W3: the kit token of the link (256 bits, base64url). Anything else is 410 like an unknown token. */
export const KitTokenParam = z.strictObject({ token: z.string().max(200) });
/** W5: a desktop job id (`D#<unit>#<line>#<action>#<date>`, URL-encoded in the path). */
const decoded = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};
export const JobIdParam = z.strictObject({
  id: z.preprocess(
    decoded,
    z
      .string()
      .regex(
        /^D#[A-Za-z0-9_-]{1,64}#[A-Za-z0-9_-]{1,64}#(create|suspend|resume|delete|kit)#\d{4}-\d{2}-\d{2}$/,
        'D#<unit>#<line>#<action>#<date>',
      ),
  ),
});
export const DesktopJobsQuery = z.strictObject({
  status: z.literal('failed'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  next: z.string().max(2000).optional(),
});
export const AccountsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  next: z.string().max(100).optional(),
});
