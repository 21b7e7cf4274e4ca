/** Config keys of money in (bank.*, archive.retentionYears): validated like the rest, unknown keys refused. */
import { describe, expect, it } from 'vitest';
import { validConfig } from '#domain/config.ts';
import { nthVirtualAccount } from '#domain/deposits.ts';

describe('bank and archive config', () => {
  it('has working defaults', () => {
    const c = validConfig({});
    expect(c.bank.virtualAccounts).toEqual({ from: '3000000', to: '3999999' });
    expect(c.archive.retentionYears).toBe(10);
  });
  it.each([
    [{ bank: { code: '1' } }, /bank.code must be the 4-digit/],
    [{ bank: { branchCode: '12a' } }, /bank.branchCode/],
    [{ bank: { accountNumber: '123' } }, /bank.accountNumber must be a 7-digit/],
    [{ bank: { virtualAccounts: { from: '5000000', to: '4000000' } } }, /from ≤ to/],
    [{ bank: { accountNumber: '3000005' } }, /outside bank.virtualAccounts/],
    [{ bank: { holderKana: '' } }, /bank.holderKana is required/],
    [{ bank: { virtualAccounts: { from: '3000000', to: '3000009', step: 1 } } }, /unknown key bank.virtualAccounts.step/],
    [{ bank: { swift: 'X' } }, /unknown key bank.swift/],
    [{ archive: { retentionYears: 0 } }, /archive.retentionYears/],
    [{ archive: { years: 5 } }, /unknown key archive.years/],
  ])('refuses %j', (override, msg) => expect(() => validConfig(override)).toThrow(msg));
  it('hands out the range in order and says when it is used up', () => {
    const c = validConfig({ bank: { virtualAccounts: { from: '0000098', to: '0000099' } } });
    expect([1, 2, 3].map((n) => nthVirtualAccount(c, n))).toEqual(['0000098', '0000099', null]);
  });
});
