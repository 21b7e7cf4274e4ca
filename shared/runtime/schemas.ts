/** Request schemas at the edge (zod 4): shapes only; rules live in shared/domain. Also the source of the OpenAPI document. */
import { z } from 'zod';
import { parseLocalDate } from '#domain/calendar.ts';

export const Ref = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ref: 1–64 of [A-Za-z0-9_-]');
export const LocalDateSchema = z
  .string()
  .refine((s) => parseLocalDate(s) !== null, 'a calendar date YYYY-MM-DD')
  .meta({ format: 'date', example: '2024-02-15' });
const Email = z.email();
const Person = z.strictObject({ name: z.string().min(1).max(200), email: Email });

export const ApplicationBody = z.strictObject({
  ref: Ref.optional(),
  plan: z.string().min(1),
  accounts: z.number().int().min(1),
  contractor: z.strictObject({
    kind: z.string().min(1),
    name: z.string().min(1).max(200),
    /** Missing or malformed numbers are a rule refusal (INVALID_CORPORATE_NUMBER, DETAILS P3), not a shape error. */
    corporateNumber: z.string().optional(),
    accountManager: Person,
    agent: Person.nullable().default(null),
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
  /** Search: part of the contractor's name, the unit ref, or the corporate number. */
  q: z.string().trim().min(1).max(100).optional(),
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

const LimitParam = z
  .string()
  .regex(/^[1-9][0-9]{0,2}$/, 'an integer 1–200')
  .refine((s) => Number(s) <= 200, 'an integer 1–200')
  .meta({ description: 'page size, 1–200 (default 50)' });
const InstantParam = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant with offset')
  .meta({ example: '2025-03-01T00:00:00+09:00' });
export const AuditQuerySchema = z.strictObject({
  unit: Ref.optional(),
  actor: z.string().min(1).max(200).optional(),
  from: InstantParam.optional(),
  to: InstantParam.optional(),
  limit: LimitParam.optional(),
  next: z.string().min(1).max(2000).meta({ description: 'the opaque cursor of the previous page' }).optional(),
});
export const ClockAdvanceBody = z.strictObject({ to: LocalDateSchema });
