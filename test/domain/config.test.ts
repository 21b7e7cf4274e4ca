import { describe, expect, it } from 'vitest';
import { buildConfig, configProblems, DEFAULT_CONFIG, validConfig } from '#domain/config.ts';

describe('config (RULES.md config; DETAILS G1, I5)', () => {
  it('the defaults are valid, and an override is deep-merged with arrays replaced (G1)', () => {
    expect(configProblems(DEFAULT_CONFIG)).toEqual([]);
    const c = validConfig({ plans: { kokona: { monthlyPrice: 5500 } }, renewalReminderDays: [14] });
    expect(c.plans.kokona).toMatchObject({ monthlyPrice: 5500, minAccounts: 5, desktops: true });
    expect(c.plans.self?.monthlyPrice).toBe(1500);
    expect(c.renewalReminderDays).toEqual([14]);
  });

  it('a plan added through config becomes orderable with house defaults (G1)', () => {
    expect(validConfig({ plans: { pro: { monthlyPrice: 9000, minAccounts: 3 } } }).plans.pro).toMatchObject({
      monthlyPrice: 9000,
      minAccounts: 3,
      desktops: false,
    });
  });

  it.each([
    [{ taxRatePercent: -1 }, 'taxRatePercent'],
    [{ taxRatePercent: '10' }, 'taxRatePercent'],
    [{ plans: { kokona: { monthlyPrice: 6000.5 } } }, 'plans.kokona.monthlyPrice'],
    [{ plans: { kokona: { minAccounts: 0 } } }, 'plans.kokona.minAccounts'],
    [{ issuer: { registrationNumber: 'T7700110005901' } }, 'issuer.registrationNumber'],
    [{ issuer: { registrationNumber: '8700110005901' } }, 'issuer.registrationNumber'],
    [{ paymentDue: { monthsAfter: 1, day: 0 } }, 'paymentDue'],
    [{ renewalReminderDays: [30, -7] }, 'renewalReminderDays'],
    [{ suspensionNoticeDays: 40 }, 'suspensionNoticeDays'],
    [{ mail: { sendRatePerSecond: 0 } }, 'mail.sendRatePerSecond'],
    [{ mail: { from: 'nobody' } }, 'mail.from'],
  ])('refuses %j naming %s', (override, key) => {
    expect(configProblems(buildConfig(override)).join('\n')).toContain(key);
    expect(() => validConfig(override)).toThrow(key);
  });

  it.each([{ days: 30 }, { monthsAfter: 2, day: 10 }, { monthsAfter: 0, day: 'end' }])('accepts paymentDue %j (I5)', (paymentDue) => {
    expect(configProblems(buildConfig({ paymentDue }))).toEqual([]);
  });

  it.each([
    [{ taxRate: 8 }, 'taxRate'],
    [{ paymentDue: { weeks: 2 } }, 'paymentDue.weeks'],
    [{ plans: { kokona: { price: 1 } } }, 'plans.kokona.price'],
    [{ mail: { sender: 'x@y' } }, 'mail.sender'],
  ])('refuses the unknown key of %j', (override, key) => {
    expect(() => validConfig(override)).toThrow(`unknown key ${key}`);
  });

  it('refuses a config that is not an object', () => {
    expect(() => validConfig([1])).toThrow('JSON object');
  });
});
