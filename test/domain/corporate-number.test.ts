import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corporateCheckDigit, isValidCorporateNumber, isValidRegistrationNumber, withCheckDigit } from '#domain/corporate-number.ts';

describe('corporate number (RULES §1)', () => {
  it.each([
    ['8700110005901', true], // SIMULATION.md sample
    ['4011001000001', true],
    ['3011001000002', true],
    ['9011001000005', true],
    ['7700110005901', false],
    ['870011000590', false],
    ['87001100059011', false],
    ['870011000590a', false],
  ])('%s valid=%s', (n, ok) => expect(isValidCorporateNumber(n)).toBe(ok));

  it('check digit of a known number', () => expect(corporateCheckDigit('700110005901')).toBe(8));

  it('valid numbers round-trip and any other first digit is refused', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 9 }), (base, d) => {
        const n = withCheckDigit(base);
        expect(isValidCorporateNumber(n)).toBe(true);
        expect(n.slice(1)).toBe(base);
        if (String(d) !== n[0]) expect(isValidCorporateNumber(`${d}${base}`)).toBe(false);
      }),
    );
  });

  it('registration numbers are T + a valid corporate number', () => {
    expect(isValidRegistrationNumber('T8700110005901')).toBe(true);
    expect(isValidRegistrationNumber('8700110005901')).toBe(false);
    expect(isValidRegistrationNumber('T7700110005901')).toBe(false);
  });
});
