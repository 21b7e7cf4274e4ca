/** A2: the archive's search — 取引年月日 range, 金額 range, 取引先 (partial match), AND of all given; paged. */
import { DomainError } from '#domain/errors.ts';
import { toHalfWidthKana } from '#domain/kana.ts';
import type { ArchivedDocument, ArchiveQuery } from '#use-cases/ports.ts';

/** Partial match that ignores width, case and spaces (株式会社Ａ and 株式会社A are the same 取引先). */
const fold = (s: string) => toHalfWidthKana(s).replace(/\s+/g, '');

export function matches(e: ArchivedDocument, q: ArchiveQuery): boolean {
  if (q.from && e.date < q.from) return false;
  if (q.to && e.date > q.to) return false;
  if (q.min !== undefined && e.amount < q.min) return false;
  if (q.max !== undefined && e.amount > q.max) return false;
  if (q.counterparty && !fold(e.counterparty).includes(fold(q.counterparty))) return false;
  return true;
}

/** Ordered by date, then key; the cursor is the last key of the page (base64url). */
export function pageOf(
  hits: ArchivedDocument[],
  page: { limit: number; next?: string },
): { items: ArchivedDocument[]; next: string | null } {
  const sorted = hits.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let start = 0;
  if (page.next) {
    let after: { d: string; k: string };
    try {
      after = JSON.parse(Buffer.from(page.next, 'base64url').toString('utf8')) as { d: string; k: string };
      if (typeof after.d !== 'string' || typeof after.k !== 'string') throw new Error();
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'next is not a cursor this list returned', { field: 'next' });
    }
    start = sorted.findIndex((e) => e.date > after.d || (e.date === after.d && e.key > after.k));
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + page.limit);
  const last = items.at(-1);
  return {
    items,
    next:
      last && start + page.limit < sorted.length ? Buffer.from(JSON.stringify({ d: last.date, k: last.key })).toString('base64url') : null,
  };
}
