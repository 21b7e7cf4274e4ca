/**
 * Cancellation (Art 18; C1–C10 in docs/RULES.md): every refusal, and its precedence when several apply
 * (C4: NOT_FOUND → VALIDATION_FAILED / NOT_A_MONTH_END → UNIT_NOT_ACTIVE → UNIT_CANCELLATION_PENDING →
 * CANCELLATION_DEADLINE_PASSED → VALIDATION_FAILED beyond the next term), as tables. Units are built the
 * way the system builds them (accept, addLine, cancel, the daily run).
 */
import { describe, expect, it } from 'vitest';
import { accept, newApplication } from '#domain/applications.ts';
import { date, type LocalDate } from '#domain/calendar.ts';
import { cancel, checkCancellation, earliestCancellableEnd, latestCancellableEnd, type CancellationRequest } from '#domain/cancellation.ts';
import { buildConfig } from '#domain/config.ts';
import { addLine } from '#domain/contracts.ts';
import { DomainError } from '#domain/errors.ts';
import { balance } from '#domain/invoices.ts';
import { advanceUnit, dueDates } from '#domain/lifecycle.ts';
import { recordPayment } from '#domain/payments.ts';
import type { Unit } from '#domain/unit.ts';

const CFG = buildConfig();
const d = (s: string): LocalDate => date(s);

const contractor = {
  kind: 'corporation',
  name: '株式会社アクメ',
  corporateNumber: '8700110005901',
  accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
  agent: null,
};

/** RULES §12 example 1 (kokona, 10 accounts, start 2024-02-15, term to 2025-02-28), accepted 2024-02-01. */
const accepted = accept(
  { ...newApplication('acme', { plan: 'kokona', accounts: 10, contractor }, d('2024-02-01')), receivedSeq: 1, version: 1 },
  d('2024-02-15'),
  d('2024-02-01'),
  CFG,
).unit;

/** The daily runs up to `through`; invoices paid the day they are issued unless `unpaid`. */
function lived(u: Unit, through: string, opts: { unpaid?: boolean } = {}): Unit {
  let cur = u;
  for (;;) {
    const next = dueDates(cur, cur.processedThrough, CFG).find((x) => x <= through);
    cur = advanceUnit(cur, next ?? d(through), CFG).unit;
    if (!opts.unpaid)
      for (const inv of cur.invoices)
        if (balance(inv) > 0)
          cur = recordPayment(cur, inv.id, { amount: balance(inv), paidOn: cur.processedThrough! }, cur.processedThrough!, CFG).unit;
    if (!next) return cur;
  }
}

const active = (today: string) => lived(accepted, today);
/** With an additional line acme-2 of 3 accounts started 2024-07-10 (example 2), as of `today`. */
const withLine = (today: string) =>
  lived(
    addLine(lived(accepted, '2024-07-10'), { id: 'acme-2', accounts: 3, startDate: d('2024-07-10') }, d('2024-07-10'), CFG).unit,
    today,
  );
/** With an additional line acme-3 that starts on 2024-09-01 (not started before). */
const withFutureLine = (today: string) =>
  lived(
    addLine(lived(accepted, '2024-07-10'), { id: 'acme-3', accounts: 2, startDate: d('2024-09-01') }, d('2024-07-10'), CFG).unit,
    today,
  );
const cancelled = (today: string, req: CancellationRequest = { end: 'term_end' }) => cancel(active(today), req, d(today), CFG).unit;
const terminated = lived(accepted, '2024-07-01', { unpaid: true }); // unpaid since 2024-04-30: suspended 05-30, terminated 06-29

function refusal(u: Unit, req: CancellationRequest, today: string): { code: string; details: Record<string, unknown> } | null {
  try {
    checkCancellation(u, req, d(today));
    return null;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { code: e.code, details: e.details };
  }
}

describe('each refusal of a cancellation (Art 18)', () => {
  const rows: [string, Unit, CancellationRequest, string, string][] = [
    ['a line that does not exist', active('2024-06-01'), { end: 'term_end', line: 'nope' }, '2024-06-01', 'NOT_FOUND'],
    ['`end` neither term_end nor a date', active('2024-06-01'), { end: 'soon' }, '2024-06-01', 'VALIDATION_FAILED'],
    ['`end` an impossible date', active('2024-06-01'), { end: '2025-02-30' }, '2024-06-01', 'VALIDATION_FAILED'],
    ['`end` not a month end (Art 18-4)', active('2024-06-01'), { end: '2025-02-15' }, '2024-06-01', 'NOT_A_MONTH_END'],
    ['a unit not yet started (pending)', accepted, { end: 'term_end' }, '2024-02-10', 'UNIT_NOT_ACTIVE'],
    ['a unit terminated for non-payment', terminated, { end: '2024-12-31' }, '2024-07-01', 'UNIT_NOT_ACTIVE'],
    ['a line that has not started yet', withFutureLine('2024-08-01'), { end: 'term_end', line: 'acme-3' }, '2024-08-01', 'UNIT_NOT_ACTIVE'],
    ['C6: a second request for the unit', cancelled('2024-06-01'), { end: 'term_end' }, '2024-06-02', 'UNIT_CANCELLATION_PENDING'],
    [
      'a line of a unit that is already cancelled',
      cancel(withLine('2024-08-01'), { end: 'term_end' }, d('2024-08-01'), CFG).unit,
      { end: 'term_end', line: 'acme-2' },
      '2024-08-01',
      'UNIT_CANCELLATION_PENDING',
    ],
    [
      'C6: a second request for the same line',
      cancel(withLine('2024-08-01'), { end: 'term_end', line: 'acme-2' }, d('2024-08-01'), CFG).unit,
      { end: '2024-12-31', line: 'acme-2' },
      '2024-08-02',
      'UNIT_CANCELLATION_PENDING',
    ],
    [
      'ex 4: received 2025-02-01 for term_end (deadline 2025-01-31)',
      active('2025-02-01'),
      { end: 'term_end' },
      '2025-02-01',
      'CANCELLATION_DEADLINE_PASSED',
    ],
    [
      'a month end whose deadline passed (end of this month)',
      active('2024-06-10'),
      { end: '2024-06-30' },
      '2024-06-10',
      'CANCELLATION_DEADLINE_PASSED',
    ],
    [
      'C1: beyond the current term while its deadline is ahead',
      active('2024-06-01'),
      { end: '2025-03-31' },
      '2024-06-01',
      'VALIDATION_FAILED',
    ],
    [
      'C2: beyond the next term once the current deadline passed',
      active('2025-02-01'),
      { end: '2026-03-31' },
      '2025-02-01',
      'VALIDATION_FAILED',
    ],
  ];
  it.each(rows)('%s → %s', (_, u, req, today, code) => {
    expect(refusal(u, req, today)?.code).toBe(code);
    expect(() => cancel(u, req, d(today), CFG)).toThrow(DomainError);
  });

  it('C3: the deadline refusal carries the deadline and the earliest end still possible', () => {
    expect(refusal(active('2025-02-01'), { end: 'term_end' }, '2025-02-01')).toEqual({
      code: 'CANCELLATION_DEADLINE_PASSED',
      details: { deadline: '2025-01-31', earliest: '2025-03-31' },
    });
  });

  it('C1: the refusal beyond the term names the latest end', () => {
    expect(refusal(active('2024-06-01'), { end: '2025-03-31' }, '2024-06-01')?.details).toMatchObject({
      field: 'end',
      latest: '2025-02-28',
    });
  });
});

describe('precedence when several refusals apply (C4)', () => {
  const rows: [string, Unit, CancellationRequest, string, string][] = [
    ['unknown line and a malformed end → NOT_FOUND', active('2024-06-01'), { end: 'soon', line: 'nope' }, '2024-06-01', 'NOT_FOUND'],
    ['unknown line of a terminated unit → NOT_FOUND', terminated, { end: 'term_end', line: 'nope' }, '2024-07-01', 'NOT_FOUND'],
    ['malformed end on a terminated unit → VALIDATION_FAILED', terminated, { end: 'soon' }, '2024-07-01', 'VALIDATION_FAILED'],
    ['not a month end on a terminated unit → NOT_A_MONTH_END', terminated, { end: '2024-12-15' }, '2024-07-01', 'NOT_A_MONTH_END'],
    [
      'not a month end on a cancelled unit → NOT_A_MONTH_END',
      cancelled('2024-06-01'),
      { end: '2024-12-15' },
      '2024-06-02',
      'NOT_A_MONTH_END',
    ],
    ['a terminated unit with a passed deadline → UNIT_NOT_ACTIVE', terminated, { end: '2024-07-31' }, '2024-07-01', 'UNIT_NOT_ACTIVE'],
    [
      'already cancelled and a passed deadline → UNIT_CANCELLATION_PENDING',
      cancelled('2024-06-01'),
      { end: '2024-06-30' },
      '2024-06-10',
      'UNIT_CANCELLATION_PENDING',
    ],
    [
      'already cancelled and beyond the term → UNIT_CANCELLATION_PENDING',
      cancelled('2024-06-01'),
      { end: '2026-02-28' },
      '2024-06-02',
      'UNIT_CANCELLATION_PENDING',
    ],
    [
      'a passed deadline and beyond the term → CANCELLATION_DEADLINE_PASSED',
      active('2025-02-01'),
      { end: '2025-02-28' },
      '2025-02-01',
      'CANCELLATION_DEADLINE_PASSED',
    ],
  ];
  it.each(rows)('%s', (_, u, req, today, code) => {
    expect(refusal(u, req, today)?.code).toBe(code);
  });

  it('a refused request changes nothing (the unit is returned untouched only by an accepted one)', () => {
    const u = active('2025-02-01');
    const before = JSON.stringify(u);
    expect(() => cancel(u, { end: 'term_end' }, d('2025-02-01'), CFG)).toThrow(DomainError);
    expect(JSON.stringify(u)).toBe(before);
  });
});

describe('accepted cancellations (Art 18; C1, C2, C7, C8, C9, Q3)', () => {
  it('ex 4: received 2025-01-31 for term_end → ends 2025-02-28; cancellation_accepted and the E−7 reminder later', () => {
    const t = cancel(active('2025-01-31'), { end: 'term_end' }, d('2025-01-31'), CFG);
    expect(t.unit.cancellation).toEqual({ end: '2025-02-28', requestedOn: '2025-01-31' });
    expect(t.outbox.map((o) => (o.kind === 'notice' ? `${o.type} ${o.role}` : o.kind))).toEqual(['cancellation_accepted account_manager']);
  });

  it('C2: after the deadline, a month end inside the next term (2025-03-31)', () => {
    expect(cancel(active('2025-02-01'), { end: '2025-03-31' }, d('2025-02-01'), CFG).unit.cancellation?.end).toBe('2025-03-31');
  });

  it('C7: `line` equal to the unit id cancels the unit', () => {
    const t = cancel(active('2024-06-01'), { end: 'term_end', line: 'acme' }, d('2024-06-01'), CFG);
    expect(t.unit.cancellation?.end).toBe('2025-02-28');
  });

  it('C8: a line cancelled alone to its own term end; the notice names the line and its accounts', () => {
    const t = cancel(withLine('2024-08-01'), { end: 'term_end', line: 'acme-2' }, d('2024-08-01'), CFG);
    expect(t.unit.cancellation).toBeNull();
    expect(t.unit.lines.find((l) => l.id === 'acme-2')?.cancellation).toEqual({ end: '2025-02-28', requestedOn: '2024-08-01' });
    const n = t.outbox[0];
    expect(n?.kind === 'notice' && n.type === 'cancellation_accepted' && { lineId: n.lineId, target: n.data.target }).toEqual({
      lineId: 'acme-2',
      target: { kind: 'line', line: 'acme-2', accounts: 3 },
    });
  });

  it('Q3: a reminder dated the request day itself goes out with the acceptance', () => {
    // received 2025-01-29 for 2025-02-28: E−30 = 2025-01-29 is today, not past.
    const t = cancel(active('2025-01-29'), { end: 'term_end' }, d('2025-01-29'), CFG);
    expect(t.outbox.map((o) => (o.kind === 'notice' ? `${o.date} ${o.type}` : o.kind))).toEqual([
      '2025-01-29 cancellation_accepted',
      '2025-01-29 data_retrieval_reminder',
    ]);
    // … and the daily run of that day does not send it again.
    expect(
      advanceUnit(t.unit, d('2025-02-20'), CFG).outbox.filter((o) => o.kind === 'notice' && o.type === 'data_retrieval_reminder'),
    ).toEqual([]);
  });
});

describe('the earliest and latest ends (C1, C2, C3)', () => {
  it.each([
    ['2025-02-01', '2025-03-31'],
    ['2025-01-31', '2025-02-28'],
    ['2024-12-15', '2025-01-31'],
    ['2024-02-29', '2024-03-31'],
  ])('a request received %s can end at the earliest on %s', (today, earliest) => {
    expect(earliestCancellableEnd(d(today))).toBe(earliest);
  });

  it.each([
    ['2025-02-28', '2025-01-31', '2025-02-28'],
    ['2025-02-28', '2025-02-01', '2026-02-28'],
    ['2024-12-31', '2024-11-30', '2024-12-31'],
    ['2024-12-31', '2024-12-01', '2025-12-31'],
  ])('term end %s, received %s → the latest end is %s', (termEnd, today, latest) => {
    expect(latestCancellableEnd(d(termEnd), d(today))).toBe(latest);
  });
});
