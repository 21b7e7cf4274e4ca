/**
 * Cursor pagination of every list route: query `limit` (1–200, default 50) and `next`, the opaque
 * cursor of the previous answer; the answer is `{ items, next }` with `next: null` on the last page.
 * The cursor is base64url of the last item's key and position in the list's order, so a page
 * continues after that item even when items before it left the list meanwhile.
 */
import { DomainError } from '#domain/errors.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

interface Cursor {
  readonly k: string;
  readonly i: number;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

function decode(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c?.k === 'string' && Number.isSafeInteger(c.i) && c.i >= 0) return c;
  } catch {
    /* refused below */
  }
  throw new DomainError('VALIDATION_FAILED', 'next is not a cursor this API gave', { fields: ['next'] });
}

export function page<T>(
  items: readonly T[],
  key: (t: T) => string,
  q: { readonly limit?: string; readonly next?: string },
): { items: T[]; next: string | null } {
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Number(q.limit));
  let from = 0;
  if (q.next !== undefined) {
    const c = decode(q.next);
    const at = items.findIndex((t) => key(t) === c.k);
    from = at >= 0 ? at + 1 : Math.min(c.i + 1, items.length);
  }
  const slice = items.slice(from, from + limit);
  const last = from + slice.length - 1;
  return { items: slice, next: from + limit < items.length && slice.length > 0 ? encode({ k: key(slice.at(-1)!), i: last }) : null };
}
