/** Request schemas at the edge (zod 4): shapes only; rules live in shared/domain. Also the source of the OpenAPI document. */
import { z } from 'zod';
import { parseLocalDate } from '#domain/calendar.ts';
import { isKanaName } from '#domain/kana.ts';

export const Ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ref: 1–64 of [A-Za-z0-9_-]');
export const LocalDateSchema = z
  .string()
  .refine((s) => parseLocalDate(s) !== null, 'a calendar date YYYY-MM-DD')
  .meta({ format: 'date', example: '2024-02-15' });
const Email = z.email();
const Person = z.strictObject({ name: z.string().min(1).max(200), email: Email });
/** MONEY-IN B3b: a name in katakana, half- or full-width (the bank's spelling of the payer's name). */
export const NameKana = z
  .string()
  .max(48)
  .refine(isKanaName, 'katakana (half- or full-width), as the bank writes the remitter name')
  .meta({ example: 'ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ' });
const Agent = z.strictObject({ name: z.string().min(1).max(200), email: Email, nameKana: NameKana.optional() });

export const ApplicationBody = z.strictObject({
  ref: Ref.optional(),
  plan: z.string().min(1),
  accounts: z.number().int().min(1),
  contractor: z.strictObject({
    kind: z.string().min(1),
    name: z.string().min(1).max(200),
    /** Missing or malformed numbers are a rule refusal (INVALID_CORPORATE_NUMBER, DETAILS P3), not a shape error. */
    corporateNumber: z.string().optional(),
    nameKana: NameKana.optional(),
    accountManager: Person,
    agent: Agent.nullable().default(null),
  }),
});
export type ApplicationBody = z.infer<typeof ApplicationBody>;

export const AcceptBody = z.strictObject({ startDate: LocalDateSchema });
export const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export const DeferBody = z.strictObject({ reason: z.string().trim().min(1).max(1000), expectedOn: LocalDateSchema });
export const ApplicationStatusQuery = z.strictObject({ status: z.enum(['received', 'deferred', 'accepted', 'rejected']).optional() });
export const IdParam = z.strictObject({ id: Ref });

export const ErrorBody = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

export const AddLineBody = z.strictObject({ ref: Ref.optional(), accounts: z.number().int().min(1), startDate: LocalDateSchema });
/**
 * `end`: "term_end" or a month-end date. Its format is judged by the rules after the unit and line are
 * found (DETAILS C4: NOT_FOUND → VALIDATION_FAILED / NOT_A_MONTH_END), so here it is only a string.
 */
export const CancellationBody = z.strictObject({
  end: z.string().min(1).meta({ description: '"term_end" or a month-end date YYYY-MM-DD' }),
  line: z.string().min(1).optional(),
});
export const ContactBody = z.strictObject({ name: z.string().min(1).max(200), email: Email });
export const UnitsQuery = z.strictObject({
  status: z.enum(['pending', 'active', 'suspended', 'cancelled', 'terminated', 'rejected', 'deferred']).optional(),
  deadlineBefore: LocalDateSchema.optional(),
});

export const InvoiceIdParam = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)$/, 'an invoice id <unit>.<issueDate>.<kind>'),
});
export const PaymentBody = z.strictObject({
  amount: z.number().int().min(1),
  paidOn: LocalDateSchema.optional(),
});
export const IdempotencyKeyHeader = z.string().regex(/^[\x21-\x7e]{1,128}$/, '1–128 printable ASCII characters');
export const InvoicesQuery = z.strictObject({ status: z.enum(['open', 'overdue', 'paid']).optional(), unit: Ref.optional() });

export const OutageScopeSchema = z.union([z.literal('all'), z.strictObject({ plan: z.string().min(1) }), z.strictObject({ units: z.array(z.string()) })]);
/** `cause` is checked by the use case (an unknown cause is VALIDATION_FAILED, O7). */
export const OutageBody = z.strictObject({
  ref: Ref.optional(),
  knownAt: z.string().min(1),
  scope: OutageScopeSchema,
  cause: z.string().min(1),
  grossNegligence: z.boolean().optional(),
  description: z.string().max(2000).optional(),
});
export const OutagePatchBody = z
  .strictObject({
    endedAt: z.string().min(1).optional(),
    cause: z.string().min(1).optional(),
    scope: OutageScopeSchema.optional(),
    grossNegligence: z.boolean().optional(),
    description: z.string().max(2000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'at least one field');
export const OutagesQuery = z.strictObject({ open: z.enum(['true', 'false']).optional() });
export const CompensationIdParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}\.\d{1,4}$/, '<outage>.<unit>.<n>') });
export const MaintenanceBody = z.strictObject({
  ref: Ref.optional(),
  startsAt: z.string().min(1),
  endsAt: z.string().min(1),
  scope: OutageScopeSchema,
  description: z.string().max(2000).optional(),
});

// ── money in (MONEY-IN) ──────────────────────────────────────────────────────────────────────────
export const DepositStatusSchema = z.enum(['matched', 'partial', 'unmatched', 'credit', 'cancelled', 'pending']);
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'items per page (1–200, default 50)' }),
  next: z.string().min(1).max(2000).optional().meta({ description: 'the opaque cursor of the previous page' }),
};
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
    counterparty: z.string().trim().min(1).max(200).optional(),
    ...PageQuery,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, 'from must not be after to')
  .refine((q) => q.min === undefined || q.max === undefined || q.min <= q.max, 'min must not exceed max');
export const ArchiveKeyParam = z.strictObject({ key: z.string().regex(/^[A-Za-z0-9_-]{1,64}\.\d{4}-\d{2}-\d{2}\.(fees|late_interest)\.(pdf|eml)$/, 'an archive key <invoice id>.pdf|eml') });
