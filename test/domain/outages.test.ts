/**
 * Outages and compensation in the domain (Art 33–35; RULES §10, §12 example 5; DETAILS O1–O6, H2, X5):
 * the threshold and the whole days, which causes compensate, who is eligible at knownAt (a snapshot of
 * each unit's history, stamped with the instants the daily run or a request gave it), the annual fee
 * of the lines in service then, and reconcile() for corrections (void, never edit; paid out stays).
 */
import { describe, expect, it } from 'vitest';
import { accept, newApplication } from '#domain/applications.ts';
import { addDays, date, jstInstant, parseInstant, type Instant, type LocalDate } from '#domain/calendar.ts';
import { buildConfig, type Config } from '#domain/config.ts';
import { cancel } from '#domain/cancellation.ts';
import { addLine } from '#domain/contracts.ts';
import { invoiceId } from '#domain/invoices.ts';
import { advanceUnit, stampTransitions } from '#domain/lifecycle.ts';
import {
  compensability,
  compensationFor,
  duration,
  inScope,
  linesAt,
  OUTAGE_CAUSES,
  reconcile,
  statusAt,
  verdict,
  type CompensationRecord,
  type Outage,
  type OutageCause,
  type OutageScope,
} from '#domain/outages.ts';
import { recordPayment } from '#domain/payments.ts';
import type { Unit } from '#domain/unit.ts';

const CFG = buildConfig();
const d = (s: string): LocalDate => date(s);
const t = (s: string): Instant => {
  const i = parseInstant(s);
  if (i === null) throw new Error(`bad instant ${s}`);
  return i;
};
const HOUR = 3_600_000;

/** A unit accepted on `acceptedOn` (at 10:00) to start on `start`, brought up to `through` by the daily run (00:05 stamps). */
function unit(
  id: string,
  start: string,
  opts: { accounts?: number; plan?: string; acceptedOn?: string; through?: string; config?: Config } = {},
): Unit {
  const config = opts.config ?? CFG;
  const acceptedOn = d(opts.acceptedOn ?? addDays(d(start), -5));
  const contractor = {
    kind: 'corporation',
    name: `株式会社${id}`,
    corporateNumber: '8700110005901',
    accountManager: { name: `担当 ${id}`, email: `${id}@example.jp` },
    agent: null,
  };
  const received: Unit = {
    ...newApplication(id, { plan: opts.plan ?? 'kokona', accounts: opts.accounts ?? 10, contractor }, acceptedOn),
    receivedSeq: 1,
    version: 1,
  };
  const accepted = accept(received, d(start), acceptedOn, config);
  const u = stampTransitions(received, accepted.unit, jstInstant(acceptedOn, 10));
  return advanceUnit(u, d(opts.through ?? start), config).unit;
}

const outage = (over: Partial<Outage> & { knownAt: Instant }): Outage => ({
  id: 'o1',
  endedAt: null,
  scope: 'all',
  cause: 'operator_fault',
  grossNegligence: false,
  description: '',
  thresholdNoticeOn: null,
  settled: false,
  audit: [],
  version: 1,
  ...over,
});

const KNOWN = '2025-05-01T09:00:00+09:00';
const after = (hours: number) => (t(KNOWN) + Math.round(hours * HOUR)) as Instant;

/** What reconcile writes for a unit with no records yet: the amount, or null when nothing is owed. */
function owed(u: Unit, o: Outage, config: Config = CFG): CompensationRecord | null {
  const r = reconcile(u, o, [], d('2025-05-06'), config);
  expect(r.voided).toEqual([]);
  return r.added[0] ?? null;
}

describe('threshold and whole days (Art 35-1, 35-2; DETAILS O4)', () => {
  const u = unit('acme', '2024-02-15', { through: '2024-03-01' }); // 10 kokona accounts: annual 720,000

  it.each([
    [119.9, 119.9, 4, false, null],
    [120 - 1 / 3600, 119.9997, 4, false, null], // one second short
    [120, 120, 5, true, 9_863], // exactly 120.0 h is compensable (≥)
    [121.5, 121.5, 5, true, 9_863],
    [143.9, 143.9, 5, true, 9_863], // 5 whole days
    [144, 144, 6, true, 11_835], // floor(6 × 720,000 / 365)
    [240, 240, 10, true, 19_726],
  ])('%s h → hours %s, %s days, compensable %s, amount %s', (h, hours, days, compensable, amount) => {
    const o = outage({ knownAt: t(KNOWN), endedAt: after(h) });
    expect(duration(o.knownAt, o.endedAt!)).toMatchObject({ hours, days });
    expect(verdict(o, CFG).compensable).toBe(compensable);
    const r = owed(u, o);
    expect(r?.amount ?? null).toBe(amount);
    if (r)
      expect(r).toMatchObject({ hours, days, annualFee: 720_000, status: 'pending_payout', unit: 'acme', outage: 'o1', id: 'o1.acme.1' });
  });

  it('the threshold is config (outageThresholdHours)', () => {
    const config = buildConfig({ outageThresholdHours: 48 });
    const o = outage({ knownAt: t(KNOWN), endedAt: after(50) });
    expect(verdict(o, config).compensable).toBe(true);
    expect(owed(u, o, config)).toMatchObject({ days: 2, amount: Math.floor((2 * 720_000) / 365) });
  });

  it('RULES §12 example 5: operator_fault, all, 2025-05-01 09:00 → 2025-05-06 10:30 = 121.5 h → 5 days; 10 kokona accounts → 9,863', () => {
    const o = outage({ knownAt: t('2025-05-01T09:00:00+09:00'), endedAt: t('2025-05-06T10:30:00+09:00') });
    expect(compensationFor(u, o, CFG)).toEqual({ hours: 121.5, days: 5, annualFee: 720_000, amount: 9_863 });
    expect(Math.floor((5 * 720_000) / 365)).toBe(9_863);
  });

  it('the annual fee is tax-exclusive and uses the plan price: a self unit of 8 accounts → 12 × 8 × 1,500', () => {
    const s = unit('selfy', '2024-02-15', { plan: 'self', accounts: 8 });
    const o = outage({ knownAt: t(KNOWN), endedAt: after(121.5) });
    expect(compensationFor(s, o, CFG)).toMatchObject({ annualFee: 144_000, amount: Math.floor((5 * 144_000) / 365) });
  });
});

describe('causes (Art 33, 34, 45; RULES §10; DETAILS O6)', () => {
  const expected: Record<OutageCause, [boolean, boolean]> = {
    operator_fault: [true, true],
    maintenance: [false, true],
    disaster: [false, true],
    public_interest: [false, true],
    overload_emergency: [false, true], // O6
    customer_side: [false, false],
    workspaces_provider: [false, false],
  };
  const u = unit('acme', '2024-02-15');

  it('covers every cause', () => expect(Object.keys(expected).sort()).toEqual([...OUTAGE_CAUSES].sort()));

  for (const cause of OUTAGE_CAUSES) {
    for (const gross of [false, true]) {
      const want = expected[cause][gross ? 1 : 0];
      it(`${cause}${gross ? ' with' : ' without'} gross negligence → ${want ? 'compensated' : 'not compensated'}`, () => {
        expect(compensability(cause, gross).compensable).toBe(want);
        if (!want) expect(compensability(cause, gross).reason).toMatch(/\S/);
        const o = outage({ knownAt: t(KNOWN), endedAt: after(130), cause, grossNegligence: gross });
        expect(verdict(o, CFG).compensable).toBe(want);
        expect(owed(u, o)?.amount ?? null).toBe(want ? 9_863 : null);
      });
    }
  }
});

describe('eligibility at knownAt (DETAILS O1, O2, H2, X5)', () => {
  const END = (known: string) => (t(known) + 130 * HOUR) as Instant;
  const at = (u: Unit, known: string) => compensationFor(u, outage({ knownAt: t(known), endedAt: END(known) }), CFG);

  it('O2: a unit starts at the 00:05 daily run of its start date: known at 00:03 excludes it, at 00:06 includes it', () => {
    const u = unit('late', '2025-05-01', { accounts: 5 });
    expect(u.history.at(-1)).toEqual({ date: '2025-05-01', status: 'active', at: jstInstant(d('2025-05-01'), 0, 5) });
    expect(statusAt(u, t('2025-05-01T00:03:00+09:00'))).toBe('pending');
    expect(at(u, '2025-05-01T00:03:00+09:00')).toBeNull();
    expect(at(u, '2025-05-01T00:06:00+09:00')).toMatchObject({ annualFee: 360_000, days: 5, amount: Math.floor((5 * 360_000) / 365) });
    expect(at(u, '2025-04-30T23:00:00+09:00')).toBeNull(); // not yet started (O1)
  });

  it('X2, O2: a unit accepted at 12:00 to start that day starts at the request: known at 10:00 excludes it, at 12:30 includes it', () => {
    const acceptedAt = t('2025-05-01T12:00:00+09:00');
    const contractor = {
      kind: 'corporation',
      name: '株式会社now',
      corporateNumber: '8700110005901',
      accountManager: { name: '担当', email: 'now@example.jp' },
      agent: null,
    };
    const received: Unit = {
      ...newApplication('now', { plan: 'kokona', accounts: 5, contractor }, d('2025-04-28')),
      receivedSeq: 1,
      version: 1,
    };
    const r = accept(received, d('2025-05-01'), d('2025-05-01'), CFG);
    const u = stampTransitions(received, r.unit, acceptedAt);
    expect(at(u, '2025-05-01T10:00:00+09:00')).toBeNull();
    expect(at(u, '2025-05-01T12:30:00+09:00')).toMatchObject({ annualFee: 360_000 });
  });

  /** A unit whose first invoice (2024-03-01, due 04-30) is unpaid: suspended on 2024-05-30 at 00:05. */
  const dunned = (through: string) => unit('dun', '2024-02-15', { through });

  it('a unit suspended at knownAt is not affected; one suspended during the outage is compensated in full (O1)', () => {
    const u = dunned('2024-06-10');
    expect(statusAt(u, t('2024-05-30T00:04:00+09:00'))).toBe('active');
    expect(statusAt(u, t('2024-05-30T00:06:00+09:00'))).toBe('suspended');
    expect(at(u, '2024-05-30T09:00:00+09:00')).toBeNull(); // suspended at knownAt
    expect(at(u, '2024-05-29T09:00:00+09:00')).toMatchObject({ annualFee: 720_000, amount: 9_863 }); // suspended during it
  });

  it('a unit suspended at knownAt and resumed during the outage gets nothing (O1)', () => {
    let u = dunned('2024-06-05');
    const r = recordPayment(
      u,
      invoiceId('dun', d('2024-03-01'), 'fees'),
      { amount: 792_000, paidOn: d('2024-06-05') },
      d('2024-06-05'),
      CFG,
    );
    u = stampTransitions(u, r.unit, t('2024-06-05T11:00:00+09:00'));
    expect(u.status).toBe('active');
    expect(statusAt(u, t('2024-06-05T11:30:00+09:00'))).toBe('active');
    expect(at(u, '2024-06-03T09:00:00+09:00')).toBeNull(); // suspended at knownAt, resumed on 06-05 during the outage
    expect(at(u, '2024-06-05T12:00:00+09:00')).toMatchObject({ amount: 9_863 }); // known after the resumption
  });

  /** Started 2024-02-15 (paid), cancelled on 2024-04-10 for 2024-05-31. */
  const cancelled = () => {
    let u = unit('can', '2024-02-15', { through: '2024-03-01' });
    u = recordPayment(
      u,
      invoiceId('can', d('2024-03-01'), 'fees'),
      { amount: 792_000, paidOn: d('2024-03-10') },
      d('2024-03-10'),
      CFG,
    ).unit;
    u = advanceUnit(u, d('2024-04-10'), CFG).unit;
    u = cancel(u, { end: '2024-05-31' }, d('2024-04-10'), CFG).unit;
    return advanceUnit(u, d('2024-06-10'), CFG).unit;
  };

  it('H2: a unit cancelled on D (its last day of service) is included for an outage known on D, excluded from D+1', () => {
    const u = cancelled();
    expect(u).toMatchObject({ status: 'cancelled', endedOn: '2024-05-31' });
    expect(at(u, '2024-05-31T09:00:00+09:00')).toMatchObject({ annualFee: 720_000, amount: 9_863 });
    expect(at(u, '2024-05-31T23:59:00+09:00')).toMatchObject({ amount: 9_863 });
    expect(at(u, '2024-06-01T00:00:00+09:00')).toBeNull(); // cancelled the day before knownAt
    expect(at(u, '2024-06-01T09:00:00+09:00')).toBeNull();
    expect(at(u, '2024-05-29T09:00:00+09:00')).toMatchObject({ amount: 9_863 }); // cancelled during the outage: in full (O1)
  });

  it('X5: judged against the history as of knownAt, whatever the unit is now (backdated knownAt)', () => {
    const u = dunned('2024-07-10'); // terminated 2024-06-29 by now
    expect(u.status).toBe('terminated');
    expect(at(u, '2024-05-20T09:00:00+09:00')).toMatchObject({ amount: 9_863 }); // active then
    expect(at(u, '2024-06-29T09:00:00+09:00')).toBeNull(); // suspended, then terminated that day
    expect(statusAt(u, t('2024-07-01T09:00:00+09:00'))).toBe('terminated');
    expect(at(u, '2024-07-01T09:00:00+09:00')).toBeNull();
  });

  it('the annual fee counts the lines in service at knownAt: a line added during the outage is not counted; one started before is', () => {
    let u = unit('lines', '2024-02-15', { through: '2024-03-01' });
    u = recordPayment(
      u,
      invoiceId('lines', d('2024-03-01'), 'fees'),
      { amount: 792_000, paidOn: d('2024-03-10') },
      d('2024-03-10'),
      CFG,
    ).unit;
    u = advanceUnit(u, d('2024-04-20'), CFG).unit;
    u = addLine(u, { id: 'lines-add', accounts: 3, startDate: d('2024-05-03') }, d('2024-04-20'), CFG).unit;
    u = advanceUnit(u, d('2024-05-10'), CFG).unit;
    expect(u.lines[1]).toMatchObject({ started: true, startedAt: jstInstant(d('2024-05-03'), 0, 5) });
    // Known 05-01, the addition starts on 05-03 during the outage: only the basic 10 accounts.
    expect(linesAt(u, t('2024-05-01T09:00:00+09:00')).map((l) => l.id)).toEqual(['lines']);
    expect(at(u, '2024-05-01T09:00:00+09:00')).toMatchObject({ annualFee: 720_000, amount: 9_863 });
    // Known 05-03 at 09:00, after the addition started: 13 accounts.
    expect(at(u, '2024-05-03T09:00:00+09:00')).toMatchObject({ annualFee: 936_000, amount: Math.floor((5 * 936_000) / 365) });
    // Known 05-03 at 00:04, before the 00:05 run that started it.
    expect(at(u, '2024-05-03T00:04:00+09:00')).toMatchObject({ annualFee: 720_000 });
  });

  it('a line that ended before knownAt is not counted (line-level cancellation)', () => {
    let u = unit('red', '2024-02-15', { through: '2024-03-01' });
    u = recordPayment(
      u,
      invoiceId('red', d('2024-03-01'), 'fees'),
      { amount: 792_000, paidOn: d('2024-03-10') },
      d('2024-03-10'),
      CFG,
    ).unit;
    u = advanceUnit(u, d('2024-03-12'), CFG).unit;
    u = addLine(u, { id: 'red-add', accounts: 4, startDate: d('2024-03-12') }, d('2024-03-12'), CFG).unit;
    u = advanceUnit(u, d('2024-04-15'), CFG).unit;
    u = cancel(u, { end: '2024-05-31', line: 'red-add' }, d('2024-04-15'), CFG).unit;
    u = advanceUnit(u, d('2024-06-10'), CFG).unit;
    expect(u.lines[1]).toMatchObject({ endedOn: '2024-05-31' });
    expect(at(u, '2024-05-31T09:00:00+09:00')).toMatchObject({ annualFee: 12 * 14 * 6_000 });
    expect(at(u, '2024-06-01T09:00:00+09:00')).toMatchObject({ annualFee: 720_000 });
  });
});

describe('scope (RULES §10; DETAILS O7)', () => {
  const k = unit('kk', '2024-02-15');
  const s = unit('ss', '2024-02-15', { plan: 'self', accounts: 5 });
  it.each<[OutageScope, boolean, boolean]>([
    ['all', true, true],
    [{ plan: 'kokona' }, true, false],
    [{ plan: 'self' }, false, true],
    [{ units: ['ss', 'nobody'] }, false, true],
    [{ units: [] }, false, false],
  ])('%j → kokona %s, self %s', (scope, ink, ins) => {
    expect(inScope(k, scope)).toBe(ink);
    expect(inScope(s, scope)).toBe(ins);
    const o = outage({ knownAt: t(KNOWN), endedAt: after(130), scope });
    expect(compensationFor(k, o, CFG) !== null).toBe(ink);
  });
});

describe('reconcile(): settlements and corrections (void, never edit; paid_out never voided)', () => {
  const u = unit('acme', '2024-02-15');
  const ended = outage({ knownAt: t(KNOWN), endedAt: after(121.5) });
  const first = reconcile(u, ended, [], d('2025-05-06'), CFG).added;
  const rec = first[0]!;

  it('the settlement adds one record per eligible unit, pending_payout, dated the settlement', () => {
    expect(first).toEqual([
      {
        id: 'o1.acme.1',
        outage: 'o1',
        unit: 'acme',
        hours: 121.5,
        days: 5,
        annualFee: 720_000,
        amount: 9_863,
        status: 'pending_payout',
        createdOn: '2025-05-06',
      },
    ]);
  });

  it('settling again with nothing changed keeps the record (no void, no new record)', () => {
    expect(reconcile(u, ended, [rec], d('2025-05-07'), CFG)).toEqual({ voided: [], added: [] });
    expect(reconcile(u, { ...ended, description: 'corrected text' }, [rec], d('2025-05-07'), CFG)).toEqual({ voided: [], added: [] });
  });

  it('an open outage owes nothing yet', () => {
    expect(reconcile(u, { ...ended, endedAt: null }, [], d('2025-05-06'), CFG)).toEqual({ voided: [], added: [] });
  });

  it('the scope shrinks to exclude the unit → its record is voided, none added', () => {
    const r = reconcile(u, { ...ended, scope: { units: ['someone-else'] } }, [rec], d('2025-05-08'), CFG);
    expect(r.added).toEqual([]);
    expect(r.voided).toEqual([{ ...rec, status: 'void', voidedOn: '2025-05-08' }]); // the same amounts: voided, not edited
  });

  it('the cause becomes non-compensable → every pending record is voided', () => {
    for (const change of [
      { cause: 'disaster' as const },
      { cause: 'customer_side' as const },
      { cause: 'maintenance' as const, grossNegligence: false },
    ]) {
      const r = reconcile(u, { ...ended, ...change }, [rec], d('2025-05-08'), CFG);
      expect(r).toEqual({ voided: [{ ...rec, status: 'void', voidedOn: '2025-05-08' }], added: [] });
    }
  });

  it('a non-compensable outage made compensable (gross negligence found) → a record is added', () => {
    const r = reconcile(u, { ...ended, cause: 'disaster', grossNegligence: true }, [], d('2025-05-08'), CFG);
    expect(r.added).toEqual([expect.objectContaining({ id: 'o1.acme.1', amount: 9_863, createdOn: '2025-05-08' })]);
  });

  it('the amount changes → the old record is voided and a new one added (never edited), numbered after every existing record', () => {
    const longer = { ...ended, endedAt: after(150) };
    const r = reconcile(u, longer, [rec], d('2025-05-08'), CFG);
    expect(r.voided).toEqual([{ ...rec, status: 'void', voidedOn: '2025-05-08' }]);
    expect(r.added).toEqual([
      expect.objectContaining({ id: 'o1.acme.2', days: 6, amount: 11_835, status: 'pending_payout', createdOn: '2025-05-08' }),
    ]);
    // A voided record stays in the list and still counts for the numbering.
    const again = reconcile(u, ended, [{ ...rec, status: 'void', voidedOn: d('2025-05-08') }, r.added[0]!], d('2025-05-09'), CFG);
    expect(again.voided.map((x) => x.id)).toEqual(['o1.acme.2']);
    expect(again.added.map((x) => [x.id, x.amount])).toEqual([['o1.acme.3', 9_863]]);
  });

  it('a paid_out record is never voided: not by a non-compensable cause, not by a scope change, not by a new amount', () => {
    const paid: CompensationRecord = { ...rec, status: 'paid_out', paidOutOn: d('2025-05-07') };
    for (const o of [
      { ...ended, cause: 'disaster' as const },
      { ...ended, scope: { units: [] } },
      { ...ended, endedAt: after(150) },
    ]) {
      const r = reconcile(u, o, [paid], d('2025-05-08'), CFG);
      expect(r.voided).toEqual([]);
      expect(r.added).toEqual([]);
    }
  });

  it('a short outage (119.9 h) owes nothing; corrected to longer it would, and back again voids it', () => {
    const short = { ...ended, endedAt: after(119.9) };
    expect(reconcile(u, short, [], d('2025-05-06'), CFG)).toEqual({ voided: [], added: [] });
    expect(reconcile(u, short, [rec], d('2025-05-07'), CFG).voided).toEqual([{ ...rec, status: 'void', voidedOn: '2025-05-07' }]);
  });

  it('O5: an eligible unit gets a record even when the amount is 0 (a plan priced 0 by config)', () => {
    const config = buildConfig({ plans: { trial: { monthlyPrice: 0, minAccounts: 1 } } });
    const free = unit('free', '2024-02-15', { plan: 'trial', accounts: 3, config });
    expect(reconcile(free, ended, [], d('2025-05-06'), config).added).toEqual([
      expect.objectContaining({ id: 'o1.free.1', days: 5, annualFee: 0, amount: 0, status: 'pending_payout' }),
    ]);
  });

  it('a unit not eligible at knownAt gets no record, even in scope', () => {
    const late = unit('late', '2025-05-03');
    expect(reconcile(late, ended, [], d('2025-05-06'), CFG)).toEqual({ voided: [], added: [] });
  });
});
