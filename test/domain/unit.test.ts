/** A stored unit is decoded at the store boundary (decodeUnit): a clear error for a malformed item, never a blind cast. */
import { describe, expect, it } from 'vitest';
import { newApplication } from '#domain/applications.ts';
import { date } from '#domain/calendar.ts';
import { decodeUnit, MalformedUnitError, type Unit } from '#domain/unit.ts';

const contractor = {
  kind: 'corporation',
  name: '株式会社アクメ',
  corporateNumber: '8700110005901',
  accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
  agent: null,
};
const unit: Unit = {
  ...newApplication('acme', { plan: 'kokona', accounts: 10, contractor }, date('2024-01-25')),
  receivedSeq: 1,
  version: 1,
};

describe('decodeUnit', () => {
  it('returns a stored unit as it was written', () => {
    expect(decodeUnit(JSON.parse(JSON.stringify(unit)))).toEqual(unit);
  });

  it('gives a unit written before invoices, cancellations and suspensions were stored their empty values', () => {
    const { invoices: _i, cancellation: _c, endedOn: _e, suspendedOn: _s, ...old } = unit;
    expect(decodeUnit(old)).toEqual(unit);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'acme', /not an object/],
    ['no id', { ...unit, id: '' }, /no id/],
    ['an unknown status', { ...unit, status: 'paused' }, /status paused/],
    ['lines that are not a list', { ...unit, lines: {} }, /lines/],
    ['no version', { ...unit, version: undefined }, /version/],
    ['invoices that are not a list', { ...unit, invoices: 'none' }, /invoices/],
  ])('refuses %s with a MalformedUnitError naming the unit', (_, raw, message) => {
    expect(() => decodeUnit(raw)).toThrow(MalformedUnitError);
    expect(() => decodeUnit(raw)).toThrow(message);
  });
});
