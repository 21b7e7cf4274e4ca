/** Money is integer yen. No floating point in amounts. */
export type Yen = number & { readonly __brand: 'Yen' };

export function yen(n: number): Yen {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer yen amount: ${n}`);
  return n as Yen;
}

/** Formats as 1,234 (for notices). */
export function formatYen(n: Yen): string {
  return n.toLocaleString('ja-JP');
}
