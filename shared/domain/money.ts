/** Money is integer yen. No floating point in amounts: rates are applied as exact fractions with BigInt. */
export type Yen = number & { readonly __brand: 'Yen' };

export function yen(n: number): Yen {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer yen amount: ${n}`);
  return n as Yen;
}

/** Formats as 1,234 (for notices). */
export function formatYen(n: Yen | number): string {
  return n.toLocaleString('ja-JP');
}

/** A decimal number (e.g. a tax rate of 10 or 7.5) as an exact fraction numerator / 10^scale. */
function exact(rate: number): { num: bigint; den: bigint } {
  const [int, frac = ''] = String(rate).split('.');
  if (!/^\d+$/.test(int ?? '') || !/^\d*$/.test(frac)) throw new Error(`not a non-negative decimal: ${rate}`);
  return { num: BigInt(`${int}${frac}`), den: 10n ** BigInt(frac.length) };
}

/** floor(amount × percent / 100), exactly (DETAILS I7: a non-integer rate is computed exactly, floored once). */
export function percentOfFloor(amount: number, percent: number): Yen {
  const { num, den } = exact(percent);
  return Number((BigInt(amount) * num) / (100n * den)) as Yen;
}
