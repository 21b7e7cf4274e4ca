/**
 * Request schemas at the edge (zod 4): shapes only; rules live in shared/domain. Also the source of the
 * OpenAPI document (scripts/openapi.ts reads them with zod's toJSONSchema at build time).
 *
 * Written with zod/mini (functions, not method chains), which tree-shakes: the api bundle carries only
 * the checks these schemas use (the classic build was ~99 KB of it). A schema here is the same zod core
 * schema the classic chain built (`.max(n)` ≡ `.check(z.maxLength(n))`, `.optional()` ≡ `z.optional()`,
 * `.meta(m)` ≡ `.register(z.globalRegistry, m)`), so answers and docs/openapi.json are unchanged.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { jstDate, parseInstant, parseLocalDate, requestDateRange, withinRequestRange, type LocalDate } from '#domain/calendar.ts';
import { requestContext } from './request-context.ts';
import { UNIT_STATUSES } from '#domain/unit.ts';
import { isKanaName } from '#domain/kana.ts';

// The English messages the API returns in `details.issues` (zod/mini loads no locale by itself; the
// classic build set this one the same way, only when no other is set).
if (!z.config().localeError) z.config(en());

/** Metadata for the OpenAPI document (classic zod's `.meta(m)`). */
function meta<S extends z.ZodMiniType>(schema: S, m: z.core.GlobalMeta): S {
  z.globalRegistry.add(schema, m);
  return schema;
}

export const Ref = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'ref: 1–64 of [A-Za-z0-9_-]'));

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

export const LocalDateSchema = meta(
  z.string().check(
    z.maxLength(10),
    z.superRefine((s, ctx) => {
      const d = parseLocalDate(s);
      if (d === null) ctx.addIssue({ code: 'custom', message: 'a calendar date YYYY-MM-DD' });
      else inRange(d, ctx, 'the date');
    }),
  ),
  { format: 'date', example: '2024-02-15' },
);

/** An ISO-8601 instant with a real offset (±14:00; none = Japan time), near the business date. */
export const InstantSchema = meta(
  z.string().check(
    z.maxLength(40),
    z.superRefine((s, ctx) => {
      const t = parseInstant(s);
      if (t === null)
        ctx.addIssue({
          code: 'custom',
          message: 'an ISO-8601 timestamp YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm] with an offset within ±14:00',
        });
      else inRange(jstDate(t), ctx, 'the instant');
    }),
  ),
  { example: '2024-04-05T10:00:00+09:00' },
);

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
  const checked = z.string().check(
    z.maxLength(max * 4), // cheap bound before normalising (a code point is at most 2 UTF-16 units; NFC may expand)
    z.superRefine((s, ctx) => {
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
    }),
  );
  return meta(
    z.pipe(
      checked,
      z.transform((s: string) => (opts.multiline ? s.replace(/\r\n?/g, '\n') : s).normalize('NFC').trim()),
    ),
    {
      description: `text: NFC, trimmed, ${min}–${max} characters${opts.multiline ? ', line feeds allowed' : ', one line'}, no control/format/private-use characters`,
    },
  );
}

/** A name of a person or an organisation (printed on invoices and mails). */
export const NameText = text(200);
/** A reason given by an operator (rejection, deferral): may span lines. */
export const ReasonText = text(1000, { multiline: true });
/** A description (outage, maintenance): may span lines, may be empty. */
export const DescriptionText = text(2000, { multiline: true, min: 0 });
/** An identifier-like token (plan, contractor kind, outage cause): judged by the rules, shaped here. */
export const Token = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, '1–64 of [A-Za-z0-9_.-]'));
// ── pagination ───────────────────────────────────────────────────────────────────────────────────
/** Every list route: `limit` (1–200, default 50) and the opaque `next` cursor of the previous page. */
export const PageQuery = {
  limit: meta(
    z.optional(
      z.string().check(
        z.regex(/^[1-9]\d{0,2}$/, 'an integer 1–200'),
        z.refine((s) => Number(s) <= 200, 'an integer 1–200'),
      ),
    ),
    { description: 'Items per page, 1–200 (default 50)' },
  ),
  next: meta(z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,512}$/, 'the opaque cursor of a previous answer'))), {
    description: 'The `next` of the previous page (opaque)',
  }),
};

const Email = z.email().check(z.maxLength(254));
const Person = z.strictObject({ name: NameText, email: Email });
/** MONEY-IN B3b: a name in katakana, half- or full-width (the bank's spelling of the payer's name). */
export const NameKana = meta(
  z.string().check(z.maxLength(48), z.refine(isKanaName, 'katakana (half- or full-width), as the bank writes the remitter name')),
  { example: 'ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ' },
);
const Agent = z.strictObject({ name: NameText, email: Email, nameKana: z.optional(NameKana) });
/** A whole number of accounts (1 to a million). */
const Accounts = () => z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000));

export const ApplicationBody = z.strictObject({
  ref: z.optional(Ref),
  plan: Token,
  accounts: Accounts(),
  contractor: z.strictObject({
    kind: Token,
    name: NameText,
    /** Missing or malformed numbers are a rule refusal (INVALID_CORPORATE_NUMBER, DETAILS P3), not a shape error. */
    corporateNumber: z.optional(z.string().check(z.maxLength(64))),
    nameKana: z.optional(NameKana),
    accountManager: Person,
    agent: z._default(z.nullable(Agent), null),
  }),
});
export type ApplicationBody = z.infer<typeof ApplicationBody>;

export const AcceptBody = z.strictObject({ startDate: LocalDateSchema });
export const RejectBody = z.strictObject({ reason: ReasonText });
export const DeferBody = z.strictObject({ reason: ReasonText, expectedOn: LocalDateSchema });
export const ApplicationStatusQuery = z.strictObject({
  status: z.optional(z.enum(['received', 'deferred', 'accepted', 'rejected'])),
  ...PageQuery,
});
export const IdParam = z.strictObject({ id: Ref });

export const ErrorBody = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

export const AddLineBody = z.strictObject({
  ref: z.optional(Ref),
  accounts: Accounts(),
  startDate: LocalDateSchema,
});
/**
 * `end`: "term_end" or a month-end date. Its format is judged by the rules after the unit and line are
 * found (DETAILS C4: NOT_FOUND → VALIDATION_FAILED / NOT_A_MONTH_END), so here it is only a string.
 */
export const CancellationBody = z.strictObject({
  end: meta(z.string().check(z.minLength(1), z.maxLength(32)), { description: '"term_end" or a month-end date YYYY-MM-DD' }),
  line: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export const ContactBody = z.strictObject({ name: NameText, email: Email });
export const UnitsQuery = z.strictObject({
  status: z.optional(z.enum(UNIT_STATUSES)),
  deadlineBefore: z.optional(LocalDateSchema),
  /** Search: part of the contractor's name, the unit ref, or the corporate number. */
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  ...PageQuery,
});

export const InvoiceIdParam = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)$/, 'an invoice id <unit>.<issueDate>.<kind>')),
});
export const PaymentBody = z.strictObject({
  amount: z.number().check(z.int(), z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
  paidOn: z.optional(LocalDateSchema),
});
export const IdempotencyKeyHeader = z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, '1–128 printable ASCII characters'));
export const InvoicesQuery = z.strictObject({
  status: z.optional(z.enum(['open', 'overdue', 'paid'])),
  unit: z.optional(Ref),
  ...PageQuery,
});

/** At most this many units in a `{ units: [...] }` scope (larger sets: a plan or "all"). */
export const MAX_SCOPE_UNITS = 1000;
export const OutageScopeSchema = z.union([
  z.literal('all'),
  z.strictObject({ plan: Token }),
  z.strictObject({
    units: z.array(Ref).check(
      z.maxLength(MAX_SCOPE_UNITS),
      z.refine((u) => new Set(u).size === u.length, 'a unit is named twice'),
    ),
  }),
]);
/** `cause` is checked by the use case (an unknown cause is VALIDATION_FAILED, O7). */
export const OutageBody = z.strictObject({
  ref: z.optional(Ref),
  knownAt: InstantSchema,
  scope: OutageScopeSchema,
  cause: Token,
  grossNegligence: z.optional(z.boolean()),
  description: z.optional(DescriptionText),
  /**
   * The event language's O7: unknown units of a `{ units }` scope are ignored. Without it (the API's
   * default) unknown units are refused with their list (422), so a typo cannot silently shrink a scope.
   */
  ignoreUnknownUnits: z.optional(z.boolean()),
});
export const OutagePatchBody = z
  .strictObject({
    endedAt: z.optional(InstantSchema),
    cause: z.optional(Token),
    scope: z.optional(OutageScopeSchema),
    grossNegligence: z.optional(z.boolean()),
    description: z.optional(DescriptionText),
    ignoreUnknownUnits: z.optional(z.boolean()),
  })
  .check(z.refine((b) => Object.keys(b).some((k) => k !== 'ignoreUnknownUnits'), 'at least one field'));
export const OutagesQuery = z.strictObject({ open: z.optional(z.enum(['true', 'false'])), ...PageQuery });
export const CompensationIdParam = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}\.\d{1,4}$/, '<outage>.<unit>.<n>')),
});
export const MaintenanceBody = z.strictObject({
  ref: z.optional(Ref),
  startsAt: InstantSchema,
  endsAt: InstantSchema,
  scope: OutageScopeSchema,
  description: z.optional(DescriptionText),
  ignoreUnknownUnits: z.optional(z.boolean()),
});

/** The local operator hook `POST /_local/daily` (npm run daily). */
export const DailyRunBody = z.strictObject({ date: z.optional(z.string().check(z.maxLength(10))) });

/**
 * A notice id (`N#<unit>#<type>#<date>#<role>[#…]`, resends `…#R<hash>`), percent-encoded in the path
 * (`#` is `%23`); decoded here whether or not the gateway decoded it.
 */
export const NoticeIdParam = z.strictObject({
  id: z.pipe(
    z.pipe(
      z.string().check(z.minLength(3), z.maxLength(400)),
      z.transform((s: string, ctx) => {
        try {
          return s.includes('%') ? decodeURIComponent(s) : s;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'not a percent-encoded notice id', input: s });
          return z.NEVER;
        }
      }),
    ),
    z.string().check(z.regex(/^N#[\x21-\x7e]{1,396}$/, 'a notice id N#<unit>#<type>#<date>#<role>…')),
  ),
});

// ── money in (MONEY-IN) ──────────────────────────────────────────────────────────────────────────
export const DepositStatusSchema = z.enum(['matched', 'partial', 'unmatched', 'credit', 'cancelled', 'pending']);
export const DepositsQuery = z.strictObject({ status: z.optional(DepositStatusSchema), ...PageQuery });
export const DepositIdParam = z.strictObject({ id: z.string().check(z.regex(/^D\d{8}-\d{6,8}-[0-9a-f]{10}$/, 'a deposit id')) });
export const MatchBody = z.strictObject({
  unit: Ref,
  invoices: z.array(InvoiceIdParam.shape.id).check(z.minLength(1), z.maxLength(50)),
  move: z.optional(z.boolean()),
});
export const ArchiveQuery = z
  .strictObject({
    from: z.optional(LocalDateSchema),
    to: z.optional(LocalDateSchema),
    min: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
    max: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
    counterparty: z.optional(NameText),
    ...PageQuery,
  })
  .check(
    z.refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to'),
    z.refine((q) => q.min === undefined || q.max === undefined || q.min <= q.max, 'min must not exceed max'),
  );
export const ArchiveKeyParam = z.strictObject({
  key: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)\.(pdf|eml)$/, 'an archive key <invoice id>.pdf|eml')),
});
const InstantParam = meta(
  z
    .string()
    .check(
      z.refine(
        (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
        'an ISO-8601 instant with offset',
      ),
    ),
  { example: '2025-03-01T00:00:00+09:00' },
);
export const AuditQuerySchema = z.strictObject({
  unit: z.optional(Ref),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  from: z.optional(InstantParam),
  to: z.optional(InstantParam),
  ...PageQuery,
});
export const ClockAdvanceBody = z.strictObject({ to: LocalDateSchema });
/** W3: the kit token of the link (256 bits, base64url). Anything else is 410 like an unknown token. */
export const KitTokenParam = z.strictObject({ token: z.string().check(z.maxLength(200)) });
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
  // classic zod's z.preprocess(decoded, …): a pipe from a transform into the id's shape.
  id: z.pipe(
    z.transform(decoded),
    z
      .string()
      .check(
        z.regex(
          /^D#[A-Za-z0-9_-]{1,64}#[A-Za-z0-9_-]{1,64}#(create|suspend|resume|delete|kit)#\d{4}-\d{2}-\d{2}$/,
          'D#<unit>#<line>#<action>#<date>',
        ),
      ),
  ),
});
const PageLimit = () => z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50);
export const DesktopJobsQuery = z.strictObject({
  status: z.literal('failed'),
  limit: PageLimit(),
  next: z.optional(z.string().check(z.maxLength(2000))),
});
export const AccountsQuery = z.strictObject({
  limit: PageLimit(),
  next: z.optional(z.string().check(z.maxLength(100))),
});
