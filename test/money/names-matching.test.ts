/** B3b name normalisation and B4 matching as tables (pure). */
import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import { allocate, outcome, type OpenInvoice } from '#domain/deposits.ts';
import { isKanaName, normaliseName } from '#domain/kana.ts';

describe('normaliseName (B3b)', () => {
  it.each([
    // abbreviation at the start, in the middle, at the end
    ['ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｻﾝﾌﾟﾙ(ｶ)ｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｻﾝﾌﾟﾙｼﾖｳｼﾞ(ｶ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｻﾝﾌﾟﾙｼﾖｳｼﾞ(ｶ)', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ﾕ)ﾔﾏﾀﾞｼﾖｳﾃﾝ', 'ﾔﾏﾀﾞｼﾖｳﾃﾝ'],
    ['ｼﾔ)ﾆﾎﾝｷﾖｳｶｲ', 'ﾆﾎﾝｷﾖｳｶｲ'],
    ['ｻﾞｲ)ﾐﾗｲｻﾞｲﾀﾞﾝ', 'ﾐﾗｲｻﾞｲﾀﾞﾝ'],
    ['ｶﾞｸ)ｻｸﾗｶﾞｸｴﾝ', 'ｻｸﾗｶﾞｸｴﾝ'],
    ['ﾌｸ)ﾋﾏﾜﾘｶｲ', 'ﾋﾏﾜﾘｶｲ'],
    ['ﾄｸﾋ)ｱｵｿﾞﾗ', 'ｱｵｿﾞﾗ'],
    ['ﾄﾞ)ﾃﾞｰﾀﾗﾎﾞ', 'ﾃﾞﾀﾗﾎﾞ'],
    // spelled out
    ['カブシキガイシャサンプル商事', 'ｻﾝﾌﾟﾙ商事'],
    ['ｶﾌﾞｼｷｶﾞｲｼﾔ ｻﾝﾌﾟﾙｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｻﾝﾌﾟﾙｼﾖｳｼﾞ ﾕｳｹﾞﾝｶﾞｲｼﾔ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｲﾂﾊﾟﾝｼﾔﾀﾞﾝﾎｳｼﾞﾝ ﾆﾎﾝｷﾖｳｶｲ', 'ﾆﾎﾝｷﾖｳｶｲ'],
    ['イッパンシャダンホウジン ニホンキョウカイ', 'ﾆﾎﾝｷﾖｳｶｲ'],
    // small kana written full size, full-width and hiragana input, upper case
    ['ｷｬﾂﾄｼｮｯﾌﾟ', 'ｷﾔﾂﾄｼﾖﾂﾌﾟ'],
    ['キャットショップ', 'ｷﾔﾂﾄｼﾖﾂﾌﾟ'],
    ['きゃっとしょっぷ', 'ｷﾔﾂﾄｼﾖﾂﾌﾟ'],
    ['ＡＢＣ　ｼﾖｳｼﾞ', 'ABCｼﾖｳｼﾞ'],
    ['abc ｼﾖｳｼﾞ', 'ABCｼﾖｳｼﾞ'],
    // spaces, long-vowel marks, ().-/
    ['ｻﾝ ﾌﾟﾙ  ｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['ｺｰﾋｰ.ｼﾖｯﾌﾟ/ﾄｳｷﾖｳ-1', 'ｺﾋｼﾖﾂﾌﾟﾄｳｷﾖｳ1'],
    ['コーヒー', 'ｺﾋ'],
    // a customer number in front
    ['123456 ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['0012-ｻﾝﾌﾟﾙｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ'],
    ['3Mｼﾞﾔﾊﾟﾝ', '3Mｼﾞﾔﾊﾟﾝ'], // digits that belong to the name stay
    // a name that is only an abbreviation keeps nothing
    ['(ｶ)', ''],
  ])('%s → %s', (input, want) => expect(normaliseName(input)).toBe(want));

  it('both sides meet: the registered kana and the bank spellings', () => {
    const registered = normaliseName('カブシキガイシャ　サンプルショウジ');
    for (const bank of ['ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ', 'ｻﾝﾌﾟﾙｼﾖｳｼﾞ(ｶ', '99 ｻﾝﾌﾟﾙ ｼﾖｳｼﾞ ｶﾌﾞｼｷｶﾞｲｼﾔ']) expect(normaliseName(bank)).toBe(registered);
  });

  it.each([
    ['ｶ)ｻﾝﾌﾟﾙ', true],
    ['サンプル商事', false],
    ['カブシキガイシャ　サンプル', true],
    ['sample', false],
    ['(ｶ)', false],
  ])('isKanaName(%s) = %s', (s, ok) => expect(isKanaName(s)).toBe(ok));
});

const inv = (id: string, due: string, bal: number, unitId = 'u1'): OpenInvoice => ({
  id,
  unitId,
  issueDate: date(`${due.slice(0, 8)}01`),
  dueDate: date(due),
  balance: bal,
});
const pays = (a: ReturnType<typeof allocate>) => a.payments.map((p) => `${p.invoiceId}:${p.amount}`);

describe('allocate (B4)', () => {
  const A = inv('A', '2024-03-31', 396000);
  const B = inv('B', '2024-04-30', 66000);
  const C = inv('C', '2024-05-31', 330000);
  const D = inv('D', '2024-06-30', 1589);
  it.each([
    ['1 exactly one balance (not the oldest)', 66000, [A, B, C], ['B:66000'], 0],
    ['1 two equal balances: the oldest', 66000, [inv('X', '2024-05-31', 66000), inv('Y', '2024-04-30', 66000)], ['Y:66000'], 0],
    ['2 exactly two balances', 396000 + 1589, [A, B, C, D], ['A:396000', 'D:1589'], 0],
    ['2 the smallest group wins over a larger one', 396000, [B, C, A], ['A:396000'], 0],
    [
      '2 ties of equal size: the oldest invoices',
      67589,
      [B, D, inv('E', '2024-07-31', 66000), inv('F', '2024-08-31', 1589)],
      ['B:66000', 'D:1589'],
      0,
    ],
    [
      '2 five invoices',
      5 * 1000,
      [1, 2, 3, 4, 5, 6].map((k) => inv(`I${k}`, `2024-0${k}-28`, 1000 + (k === 6 ? 7 : 0))),
      ['I1:1000', 'I2:1000', 'I3:1000', 'I4:1000', 'I5:1000'],
      0,
    ],
    ['3 less than the oldest balance: partial', 100000, [A, B], ['A:100000'], 0],
    ['3 a fee-short deposit (振込手数料 440 deducted): partial, the rest stays owed', 396000 - 440, [A], ['A:395560'], 0],
    ['4 more than one, no exact group: in due order, the next partly', 396000 + 10000, [A, B, C], ['A:396000', 'B:10000'], 0],
    ['5 more than everything: all, the rest is credit', 396000 + 66000 + 5000, [A, B], ['A:396000', 'B:66000'], 5000],
    ['5 nothing owed: all credit', 10000, [], [], 10000],
    ['an agent paying several units', 396000 * 2, [A, inv('A2', '2024-03-31', 396000, 'u2')], ['A:396000', 'A2:396000'], 0],
  ] as const)('%s', (_name, amount, invoices, want, credit) => {
    const a = allocate(amount, invoices);
    expect(pays(a)).toEqual(want);
    expect(a.credit).toBe(credit);
    expect(a.payments.reduce((s, p) => s + p.amount, 0) + a.credit).toBe(amount);
  });

  it('refuses a non-positive or fractional amount', () => {
    expect(() => allocate(0, [A])).toThrow(/positive integer/);
    expect(() => allocate(1.5, [A])).toThrow(/positive integer/);
  });

  it.each([
    [[{ amount: 5, balanceBefore: 5 }], 0, 'matched'],
    [[{ amount: 4, balanceBefore: 5 }], 0, 'partial'],
    [[{ amount: 5, balanceBefore: 5 }], 1, 'credit'],
    [[], 3, 'credit'],
  ] as const)('outcome %j credit %s → %s', (p, credit, want) => expect(outcome(p, credit)).toBe(want));
});
