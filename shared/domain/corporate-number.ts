/**
 * 法人番号 (corporate number): 13 digits, the first is a check digit over the 12 base digits.
 * RULES §1: with P1..P12 numbered from the RIGHT, Q_n = 1 for odd n, 2 for even n;
 * check = 9 − (Σ P_n·Q_n mod 9).
 */
export function corporateCheckDigit(base12: string): number {
  if (!/^\d{12}$/.test(base12)) throw new Error('base must be 12 digits');
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const p = Number(base12[12 - n]);
    sum += p * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** True when `s` is 13 digits with a valid check digit (DETAILS P3: anything else is invalid). */
export function isValidCorporateNumber(s: unknown): s is string {
  return typeof s === 'string' && /^\d{13}$/.test(s) && Number(s[0]) === corporateCheckDigit(s.slice(1));
}

/** Builds a valid corporate number from 12 base digits. */
export function withCheckDigit(base12: string): string {
  return `${corporateCheckDigit(base12)}${base12}`;
}

/** Qualified-invoice issuer registration number: `T` + a valid 13-digit corporate number. */
export function isValidRegistrationNumber(s: unknown): boolean {
  return typeof s === 'string' && /^T\d{13}$/.test(s) && isValidCorporateNumber(s.slice(1));
}
