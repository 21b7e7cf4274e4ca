/** Error kinds carry their status (DETAILS X3): the HTTP edge reads `status`, it decides nothing. */
import { describe, expect, it } from 'vitest';
import { DomainError, invalid, malformed, notFound, type ErrorCode } from '#domain/errors.ts';

describe('DomainError status (X3)', () => {
  it.each<[ErrorCode, number]>([
    ['NOT_FOUND', 404],
    ['UNAUTHORIZED', 401],
    ['INELIGIBLE_APPLICANT', 422],
    ['INVALID_CORPORATE_NUMBER', 422],
    ['BELOW_MIN_ACCOUNTS', 422],
    ['NOT_A_MONTH_END', 422],
    ['EARLIER_APPLICATION_PENDING', 409],
    ['APPLICANT_DELINQUENT', 409],
    ['UNIT_NOT_ACTIVE', 409],
    ['UNIT_CANCELLATION_PENDING', 409],
    ['CANCELLATION_DEADLINE_PASSED', 409],
    ['PAYMENT_EXCEEDS_BALANCE', 409],
    ['IDEMPOTENCY_KEY_REUSED', 409],
    ['GONE', 410],
    ['NOT_IMPLEMENTED', 501],
  ])('%s → %i', (code, status) => {
    expect(new DomainError(code, 'x').status).toBe(status);
  });

  it('VALIDATION_FAILED: 400 for a malformed request, 422 for a semantic check of well-formed input', () => {
    expect(malformed('bad JSON').status).toBe(400);
    expect(new DomainError('VALIDATION_FAILED', 'shape').status).toBe(400);
    expect(invalid('startDate must not be before today').status).toBe(422);
    expect(invalid('x').code).toBe('VALIDATION_FAILED');
    expect(notFound('unit', 'u1')).toMatchObject({ code: 'NOT_FOUND', status: 404, details: { id: 'u1' } });
  });
});
