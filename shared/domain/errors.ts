/** Stable error codes of RULES.md / DETAILS.md X3. The domain never knows HTTP. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CLOCK_NOT_SETTABLE'
  | 'INELIGIBLE_APPLICANT'
  | 'INVALID_CORPORATE_NUMBER'
  | 'BELOW_MIN_ACCOUNTS'
  | 'EARLIER_APPLICATION_PENDING'
  | 'APPLICANT_DELINQUENT'
  | 'UNIT_NOT_ACTIVE'
  | 'UNIT_CANCELLATION_PENDING'
  | 'NOT_A_MONTH_END'
  | 'CANCELLATION_DEADLINE_PASSED'
  | 'PAYMENT_EXCEEDS_BALANCE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'BANK_FILE_INVALID'
  | 'ARCHIVE_WRITE_ONCE'
  | 'NOT_IMPLEMENTED'
  | 'GONE'
  /** A write lost the race for its unit or invoice after every retry: retry later (409, Retry-After). */
  | 'CONCURRENT_MODIFICATION'
  /** The path exists, the method does not (405, Allow). */
  | 'METHOD_NOT_ALLOWED'
  /** A body that is not `application/json` in UTF-8 (415). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** A body over the size limit (413). */
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_ACCOUNTS'
  | 'KIT_NOT_READY'
  | 'JOB_NOT_FAILED'
  | 'RATE_LIMITED';

/**
 * The kinds of refusal and the HTTP status each answers with (DETAILS X3) — the one place a status is
 * decided: invalid = malformed input (400), rule = a rule refuses well-formed input (422), conflict = the
 * state does not allow it (409). The domain names the kind; the HTTP edge only reads `status`.
 */
export const ERROR_STATUS = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  method: 405,
  'too-large': 413,
  'media-type': 415,
  rule: 422,
  'rate-limited': 429,
  'not-implemented': 501,
} as const;
export type ErrorKind = keyof typeof ERROR_STATUS;

/** The kind of every code. VALIDATION_FAILED is `invalid` for a malformed body and `rule` for a semantic check (`invalid()`). */
const KIND: Record<ErrorCode, ErrorKind> = {
  VALIDATION_FAILED: 'invalid',
  NOT_FOUND: 'not-found',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  CLOCK_NOT_SETTABLE: 'conflict',
  INELIGIBLE_APPLICANT: 'rule',
  INVALID_CORPORATE_NUMBER: 'rule',
  BELOW_MIN_ACCOUNTS: 'rule',
  NOT_A_MONTH_END: 'rule',
  EARLIER_APPLICATION_PENDING: 'conflict',
  APPLICANT_DELINQUENT: 'conflict',
  UNIT_NOT_ACTIVE: 'conflict',
  UNIT_CANCELLATION_PENDING: 'conflict',
  CANCELLATION_DEADLINE_PASSED: 'conflict',
  PAYMENT_EXCEEDS_BALANCE: 'conflict',
  IDEMPOTENCY_KEY_REUSED: 'conflict',
  BANK_FILE_INVALID: 'invalid',
  ARCHIVE_WRITE_ONCE: 'conflict',
  NOT_IMPLEMENTED: 'not-implemented',
  GONE: 'gone',
  CONCURRENT_MODIFICATION: 'conflict',
  METHOD_NOT_ALLOWED: 'method',
  UNSUPPORTED_MEDIA_TYPE: 'media-type',
  PAYLOAD_TOO_LARGE: 'too-large',
  TOO_MANY_ACCOUNTS: 'rule',
  KIT_NOT_READY: 'conflict',
  JOB_NOT_FAILED: 'conflict',
  RATE_LIMITED: 'rate-limited',
};

export class DomainError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Only for VALIDATION_FAILED: `rule` for a semantic check of well-formed input (422, X3). */
    kind?: 'rule',
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = code === 'VALIDATION_FAILED' && kind ? kind : KIND[code];
  }

  /** The HTTP status of this refusal (X3). */
  get status(): (typeof ERROR_STATUS)[ErrorKind] {
    return ERROR_STATUS[this.kind];
  }
}

/** A malformed request (shape, JSON): VALIDATION_FAILED, 400. */
export const malformed = (message: string, details: Record<string, unknown> = {}) => new DomainError('VALIDATION_FAILED', message, details);
/** A semantic check of well-formed input: VALIDATION_FAILED, 422. */
export const invalid = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError('VALIDATION_FAILED', message, details, 'rule');
export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} not found`, { id });
