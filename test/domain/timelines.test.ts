/**
 * The timelines of the dated rules (shared/domain/timelines.ts), each as a table whose rows are the
 * worked examples of the terms (docs/RULES.md: the first term and its renewal, additions, the
 * cancellation deadline, the dunning dates) and the decisions they hinge on. Units are built the way the system builds them (accept, addLine, cancel, the daily run), and every
 * table also checks the other direction: the daily run does on a date what the timeline says, and the
 * agenda (`dueDates`) wakes the unit on each of those dates.
 */
import { describe, expect, it } from 'vitest';
import { accept, newApplication } from '#domain/applications.ts';
import { date, type LocalDate } from '#domain/calendar.ts';
import { cancel } from '#domain/cancellation.ts';
import { buildConfig, type Config } from '#domain/config.ts';
import { addLine } from '#domain/contracts.ts';
import type { OutboxItem } from '#domain/effects.ts';
import { balance } from '#domain/invoices.ts';
import { advanceUnit, dueDates } from '#domain/lifecycle.ts';
import { recordPayment } from '#domain/payments.ts';
import {
  cancellationEndTimeline,
  dataRetrievalTimeline,
  desktopDeletionTimeline,
  dunningTimeline,
  renewalReminderTimeline,
  renewalTimeline,
  terminationTimeline,
  timeline,
  type DatedAction,
} from '#domain/timelines.ts';
import type { Unit } from '#domain/unit.ts';

const CFG = buildConfig();
const d = (s: string): LocalDate => date(s);

/** Example 1's unit: kokona, 10 accounts, applied and accepted on `applied`, started on `start`, caught up to `through`. */
function unit(opts: { start?: string; through?: string; plan?: string; config?: Config } = {}): {
  unit: Unit;
  outbox: readonly OutboxItem[];
} {
  const start = d(opts.start ?? '2024-02-15');
  const config = opts.config ?? CFG;
  const contractor = {
    kind: 'corporation',
    name: '株式会社アクメ',
    corporateNumber: '8700110005901',
    accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
    agent: null,
  };
  const received: Unit = {
    ...newApplication('acme', { plan: opts.plan ?? 'kokona', accounts: 10, contractor }, d('2024-02-01')),
    receivedSeq: 1,
    version: 1,
  };
  const accepted = accept(received, start, d('2024-02-01'), config);
  return { unit: advanceUnit(accepted.unit, d(opts.through ?? opts.start ?? '2024-02-15'), config).unit, outbox: accepted.outbox };
}

/** The daily runs up to `through`, paying every invoice in full the day it is issued (a customer who pays). */
function paying(u: Unit, through: string, config: Config = CFG): Unit {
  let cur = u;
  for (;;) {
    const next = dueDates(cur, cur.processedThrough, config).find((x) => x <= through);
    cur = advanceUnit(cur, next ?? d(through), config).unit;
    for (const inv of cur.invoices)
      if (balance(inv) > 0)
        cur = recordPayment(cur, inv.id, { amount: balance(inv), paidOn: cur.processedThrough! }, cur.processedThrough!, config).unit;
    if (!next) return cur;
  }
}

/** Brings `u` to `through` (paying its invoices) and applies `f` on that day. */
function on(u: Unit, through: string, f: (u: Unit, today: LocalDate) => { unit: Unit }, config: Config = CFG): Unit {
  return f(paying(u, through, config), d(through)).unit;
}

/** `date rule detail` of actions, for readable tables. */
function show(actions: readonly DatedAction[]): string[] {
  return actions.map((a) => {
    switch (a.rule) {
      case 'renewal':
        return `${a.date} renew ${a.lineId} (term ${a.termEnd})`;
      case 'renewal_reminder':
        return `${a.date} renewal_reminder (deadline ${a.deadline})`;
      case 'cancellation_end':
        return `${a.date} end ${a.lineId ?? 'unit'} (last day ${a.end})`;
      case 'dunning':
        return `${a.date} ${a.step} ${a.invoiceId}`;
      case 'termination':
        return `${a.date} ${a.step} (terminated on ${a.terminationOn})`;
      case 'data_retrieval':
        return `${a.date} data_retrieval ${a.reason} ${a.lineId ?? 'unit'} (end ${a.end})`;
      case 'desktop_deletion':
        return `${a.date} delete desktops ${a.lineId}`;
      default:
        return `${a.date} ${a.rule}`;
    }
  });
}

/** What the daily run actually sent or ordered from `from` to `to`, as `date type` strings. */
function happened(u: Unit, to: string, config: Config = CFG): string[] {
  return advanceUnit(u, d(to), config).outbox.map((o) =>
    o.kind === 'notice' ? `${o.date} ${o.type}` : `${o.date} desktop:${o.action}:${o.lineId}`,
  );
}

/** Every action of the timeline is a date the agenda wakes the unit on. */
function expectAgendaCovers(u: Unit, config: Config = CFG) {
  const due = new Set(dueDates(u, u.processedThrough, config));
  for (const a of timeline(u, config)) if (u.processedThrough === null || a.date > u.processedThrough) expect(due.has(a.date)).toBe(true);
}

describe('renewal timeline (Art 14; RULES §12 examples 1–4)', () => {
  const ex1 = unit({ through: '2024-03-01' }).unit;
  const withEx2 = on(ex1, '2024-07-10', (u, t) => addLine(u, { id: 'acme-2', accounts: 3, startDate: t }, t, CFG));
  const withEx3 = on(ex1, '2025-02-03', (u, t) => addLine(u, { id: 'acme-3', accounts: 2, startDate: t }, t, CFG));
  const cancelled = on(ex1, '2025-01-31', (u, t) => cancel(u, { end: 'term_end' }, t, CFG));
  const rows: [string, Unit, string[]][] = [
    ['ex 1: the basic line renews on 2025-03-01 (term 2024-02-15 … 2025-02-28)', ex1, ['2025-03-01 renew acme (term 2025-02-28)']],
    [
      'ex 2: the addition from 2024-07-10 is coterminous: both renew on 2025-03-01',
      withEx2,
      ['2025-03-01 renew acme (term 2025-02-28)', '2025-03-01 renew acme-2 (term 2025-02-28)'],
    ],
    [
      'ex 3: the addition started in the term’s last month runs to 2026-02-28',
      withEx3,
      ['2025-03-01 renew acme (term 2025-02-28)', '2026-03-01 renew acme-3 (term 2026-02-28)'],
    ],
    ['ex 4: cancelled on 2025-01-31 for term_end: no renewal', cancelled, []],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(renewalTimeline(u))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run renews exactly then: `renewed` on 2025-03-01, nothing for the cancelled unit', () => {
    expect(happened(paying(ex1, '2025-02-28'), '2025-03-01').filter((s) => s.includes('renewed'))).toEqual(['2025-03-01 renewed']);
    expect(happened(paying(cancelled, '2025-02-28'), '2025-03-01').filter((s) => s.includes('renewed'))).toEqual([]);
  });
});

describe('renewal reminder timeline (Art 14, 18; RULES §9, §12 example 1; R4)', () => {
  const ex1 = unit({ through: '2024-03-01' }).unit;
  const rows: [string, Unit, string[]][] = [
    [
      'ex 1: deadline 2025-01-31 → reminders 2025-01-01 and 2025-01-24',
      ex1,
      ['2025-01-01 renewal_reminder (deadline 2025-01-31)', '2025-01-24 renewal_reminder (deadline 2025-01-31)'],
    ],
    [
      'after the renewal: the next term’s deadline 2026-01-31',
      paying(ex1, '2025-03-01'),
      ['2026-01-01 renewal_reminder (deadline 2026-01-31)', '2026-01-24 renewal_reminder (deadline 2026-01-31)'],
    ],
    ['R4: none for a unit with an accepted cancellation', on(ex1, '2024-12-01', (u, t) => cancel(u, { end: 'term_end' }, t, CFG)), []],
    ['none before the start (pending unit)', unit({ start: '2024-02-15', through: '2024-02-10' }).unit, []],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(renewalReminderTimeline(u, CFG))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run sends them on those dates and on no other', () => {
    expect(happened(paying(ex1, '2024-12-31'), '2025-01-31').filter((s) => s.includes('renewal_reminder'))).toEqual([
      '2025-01-01 renewal_reminder',
      '2025-01-24 renewal_reminder',
    ]);
  });
});

describe('cancellation end timeline (Art 18; RULES §12 example 4; S5a, H2)', () => {
  const ex1 = unit({ through: '2024-03-01' }).unit;
  const unitCancel = on(ex1, '2025-01-31', (u, t) => cancel(u, { end: 'term_end' }, t, CFG));
  const withLine = on(ex1, '2024-07-10', (u, t) => addLine(u, { id: 'acme-2', accounts: 3, startDate: t }, t, CFG));
  const lineCancel = on(withLine, '2024-08-15', (u, t) => cancel(u, { end: '2024-09-30', line: 'acme-2' }, t, CFG));
  const rows: [string, Unit, string[]][] = [
    [
      'ex 4: received 2025-01-31 for term_end: the last day is 2025-02-28, recorded on 2025-03-01',
      unitCancel,
      ['2025-03-01 end unit (last day 2025-02-28)'],
    ],
    ['a line cancelled alone to 2024-09-30 (deadline 2024-08-31)', lineCancel, ['2024-10-01 end acme-2 (last day 2024-09-30)']],
    ['nothing without a cancellation', ex1, []],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(cancellationEndTimeline(u))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run of 2025-03-01 records the end dated 2025-02-28 (H2) and orders the deletion that day', () => {
    const after = advanceUnit(paying(unitCancel, '2025-02-28'), d('2025-03-01'), CFG);
    expect(after.unit.status).toBe('cancelled');
    expect(after.unit.endedOn).toBe('2025-02-28');
    expect(after.outbox.filter((o) => o.kind === 'desktop').map((o) => `${o.date} ${o.kind === 'desktop' ? o.action : ''}`)).toEqual([
      '2025-03-01 delete',
    ]);
  });
});

/** Example 1's unit with its first invoice (issued 2024-03-01, due 2024-04-30) left unpaid. */
const unpaid = unit({ through: '2024-04-30' }).unit;

describe('dunning timeline (Art 23; RULES §7: due d = 2024-04-30)', () => {
  const suspended = advanceUnit(unpaid, d('2024-05-30'), CFG).unit;
  const rows: [string, Unit, string[]][] = [
    [
      'active: d+1 overdue notice, d+20 warning, d+30 suspension',
      unpaid,
      [
        '2024-05-01 payment_overdue acme.2024-03-01.fees',
        '2024-05-20 suspension_warning acme.2024-03-01.fees',
        '2024-05-30 suspend acme.2024-03-01.fees',
      ],
    ],
    [
      'suspended: only the overdue notice remains on the list (D2: no warning once suspended)',
      suspended,
      ['2024-05-01 payment_overdue acme.2024-03-01.fees'],
    ],
    [
      'a self-plan unit is dunned the same way',
      unit({ through: '2024-04-30', plan: 'self' }).unit,
      [
        '2024-05-01 payment_overdue acme.2024-03-01.fees',
        '2024-05-20 suspension_warning acme.2024-03-01.fees',
        '2024-05-30 suspend acme.2024-03-01.fees',
      ],
    ],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(dunningTimeline(u, CFG))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run does exactly that, on exactly those dates', () => {
    expect(happened(unpaid, '2024-05-30').filter((s) => !s.includes('desktop'))).toEqual([
      '2024-05-01 payment_overdue',
      '2024-05-20 suspension_warning',
      '2024-05-30 suspended',
    ]);
  });
});

describe('termination timeline (Art 24; RULES §7: suspended S = 2024-05-30)', () => {
  const suspended = advanceUnit(unpaid, d('2024-05-30'), CFG).unit;
  const rows: [string, Unit, string[]][] = [
    [
      'S+20 termination_notice, S+30 termination',
      suspended,
      ['2024-06-19 termination_notice (terminated on 2024-06-29)', '2024-06-29 terminate (terminated on 2024-06-29)'],
    ],
    ['none while active (not yet suspended)', unpaid, []],
    ['none once terminated', advanceUnit(suspended, d('2024-06-29'), CFG).unit, []],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(terminationTimeline(u, CFG))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run sends the notice and terminates on those dates (service ends that day)', () => {
    expect(happened(suspended, '2024-06-29').filter((s) => s.includes('termination') || s.includes('terminated'))).toEqual([
      '2024-06-19 termination_notice',
      '2024-06-29 terminated',
    ]);
    expect(advanceUnit(suspended, d('2024-06-29'), CFG).unit.endedOn).toBe('2024-06-29');
  });
});

describe('data-retrieval timeline (Art 45-7; RULES §8; Q1–Q5)', () => {
  const ex1 = unit({ through: '2024-03-01' }).unit;
  const early = on(ex1, '2024-12-01', (u, t) => cancel(u, { end: 'term_end' }, t, CFG));
  const late = on(ex1, '2025-01-31', (u, t) => cancel(u, { end: 'term_end' }, t, CFG));
  const self = on(unit({ through: '2024-03-01', plan: 'self' }).unit, '2024-12-01', (u, t) => cancel(u, { end: 'term_end' }, t, CFG));
  const suspended = advanceUnit(unpaid, d('2024-05-30'), CFG).unit;
  const rows: [string, Unit, string[]][] = [
    [
      'cancelled 2024-12-01 for 2025-02-28: E−30 and E−7',
      early,
      ['2025-01-29 data_retrieval cancellation unit (end 2025-02-28)', '2025-02-21 data_retrieval cancellation unit (end 2025-02-28)'],
    ],
    [
      'ex 4, received 2025-01-31: E−30 (2025-01-29) was already past (Q3)',
      late,
      ['2025-02-21 data_retrieval cancellation unit (end 2025-02-28)'],
    ],
    ['Q1: none for plan self', self, []],
    [
      'termination 2024-06-29, known on 2024-06-19 (Q4): only E−7',
      suspended,
      ['2024-06-22 data_retrieval termination unit (end 2024-06-29)'],
    ],
  ];
  it.each(rows)('%s', (_, u, expected) => {
    expect(show(dataRetrievalTimeline(u, CFG))).toEqual(expected);
    expectAgendaCovers(u);
  });

  it('the daily run sends them on those dates', () => {
    expect(happened(paying(early, '2025-01-01'), '2025-02-28').filter((s) => s.includes('data_retrieval'))).toEqual([
      '2025-01-29 data_retrieval_reminder',
      '2025-02-21 data_retrieval_reminder',
    ]);
    expect(happened(suspended, '2024-06-29').filter((s) => s.includes('data_retrieval'))).toEqual(['2024-06-22 data_retrieval_reminder']);
  });
});

describe('desktop deletion timeline (Art 45-7; RULES §8, §12 example 4; K3)', () => {
  const ex1 = unit({ through: '2024-03-01' }).unit;
  const ended = paying(
    on(ex1, '2025-01-31', (u, t) => cancel(u, { end: 'term_end' }, t, CFG)),
    '2025-03-01',
  );
  const terminated = advanceUnit(unpaid, d('2024-06-29'), CFG).unit;
  const delay3 = buildConfig({ desktopDeletionDelayDays: 3 });
  const rows: [string, Unit, Config, string[]][] = [
    ['ex 4: ended 2025-02-28 → deleted 2025-03-01', ended, CFG, ['2025-03-01 delete desktops acme']],
    ['K3: terminated 2024-06-29 → deleted 2024-06-30', terminated, CFG, ['2024-06-30 delete desktops acme']],
    ['desktopDeletionDelayDays 3 → 2025-03-03', ended, delay3, ['2025-03-03 delete desktops acme']],
    ['none while the line is in service', ex1, CFG, []],
  ];
  it.each(rows)('%s', (_, u, config, expected) => {
    expect(show(desktopDeletionTimeline(u, config))).toEqual(expected);
  });

  it('the daily run orders the deletion on that date', () => {
    expect(happened(terminated, '2024-07-01')).toEqual(['2024-06-30 desktop:delete:acme']);
  });
});
