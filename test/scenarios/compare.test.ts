/** The stage mask of compare.ts (what an earlier stage does not judge), on small hand-made results. */
import { describe, expect, it } from 'vitest';
import { compareResults, type Stage } from './compare.ts';

const lifecycle = new Set<Stage>(['lifecycle']);

const unit = (status: string, history: [string, string][]) => ({
  unit: 'u1',
  plan: 'kokona',
  status,
  history: history.map(([date, s]) => ({ date, status: s })),
  lines: [{ line: 'u1', accounts: 5, startDate: '2024-02-15', termEnd: '2025-02-28', endedOn: null }],
});

const base = () => ({
  events: [
    { index: 0, ok: true },
    { index: 1, ok: true },
  ],
  invoices: [] as unknown[],
  notices: [{ date: '2024-02-13', unit: 'u1', type: 'application_accepted', to: 'account_manager' }] as unknown[],
  desktops: [{ date: '2024-02-15', unit: 'u1', line: 'u1', action: 'create', count: 5 }] as unknown[],
  units: [
    unit('active', [
      ['2024-02-13', 'pending'],
      ['2024-02-15', 'active'],
    ]),
  ],
  compensations: [] as unknown[],
});

describe('compareResults stage mask', () => {
  it('drops billing outputs from both sides when billing is not covered, and only then', () => {
    const expected = base();
    expected.invoices.push({ unit: 'u1', issueDate: '2024-03-01', kind: 'fees', total: 396000, lines: [] });
    expected.notices.push(
      { date: '2024-03-01', unit: 'u1', type: 'invoice_issued', to: 'account_manager' },
      { date: '2024-05-01', unit: 'u1', type: 'payment_overdue', to: 'agent' },
      { date: '2024-05-20', unit: 'u1', type: 'suspension_warning', to: 'agent' },
      { date: '2024-05-30', unit: 'u1', type: 'suspended', to: 'agent' },
      { date: '2024-06-02', unit: 'u1', type: 'service_resumed', to: 'account_manager' },
    );
    expected.desktops.push(
      { date: '2024-05-30', unit: 'u1', line: 'u1', action: 'suspend', count: 5 },
      { date: '2024-06-02', unit: 'u1', line: 'u1', action: 'resume', count: 5 },
    );
    expected.units = [
      unit('active', [
        ['2024-02-13', 'pending'],
        ['2024-02-15', 'active'],
        ['2024-05-30', 'suspended'],
        ['2024-06-02', 'active'],
      ]),
    ];
    const actual = base();
    actual.events[1] = { index: 1, ok: false, code: 'NOT_IMPLEMENTED' } as never;
    actual.notices.push({ date: '2024-03-01', unit: 'u1', type: 'termination_notice', to: 'agent' });

    expect(compareResults(expected, actual, { covers: lifecycle })).toEqual([]);
    expect(compareResults(expected, actual, { covers: new Set<Stage>(['lifecycle', 'outages']) })).toEqual([]);
    const full = compareResults(expected, actual);
    expect(full).toContain('[events] #1: expected ok, got NOT_IMPLEMENTED');
    expect(full).toContain('[invoices] missing invoice u1 2024-03-01 fees total=396000');
    expect(full).toContain('[notices] missing 2024-05-30 u1 suspended -> agent');
    expect(full).toContain('[desktops] missing 2024-05-30 u1/u1 suspend x5');
    expect(full.some((l) => l.startsWith('[units] u1: history expected'))).toBe(true);
  });

  it('keeps lifecycle differences visible under the mask', () => {
    const expected = base();
    const actual = base();
    actual.notices.push({ date: '2025-01-01', unit: 'u1', type: 'renewal_reminder', to: 'account_manager' });
    actual.desktops.push({ date: '2024-07-01', unit: 'u1', line: 'u1', action: 'delete', count: 5 });
    actual.units = [
      unit('cancelled', [
        ['2024-02-13', 'pending'],
        ['2024-02-15', 'active'],
        ['2024-06-30', 'cancelled'],
      ]),
    ];
    actual.events[0] = { index: 0, ok: false, code: 'UNIT_NOT_ACTIVE' } as never;
    expect(compareResults(expected, actual, { covers: lifecycle })).toEqual([
      '[events] #0: expected ok, got UNIT_NOT_ACTIVE',
      '[notices] unexpected 2025-01-01 u1 renewal_reminder -> account_manager',
      '[desktops] unexpected 2024-07-01 u1/u1 delete x5',
      '[units] u1: status expected active, got cancelled',
      "[units] u1: history expected [('2024-02-13', 'pending'), ('2024-02-15', 'active')], got [('2024-02-13', 'pending'), ('2024-02-15', 'active'), ('2024-06-30', 'cancelled')]",
    ]);
  });

  it('hides the status of a unit expected suspended or terminated, and terminated history entries', () => {
    const expected = base();
    expected.units = [
      unit('terminated', [
        ['2024-02-13', 'pending'],
        ['2024-02-15', 'active'],
        ['2024-05-30', 'suspended'],
        ['2024-06-29', 'terminated'],
      ]),
    ];
    const actual = base();
    expect(compareResults(expected, actual, { covers: lifecycle })).toEqual([]);
    expect(compareResults(expected, actual).length).toBe(2);
  });

  it('drops outage outputs when outages are not covered', () => {
    const expected = base();
    expected.notices.push(
      { date: '2025-05-06', unit: null, type: 'outage_threshold_reached', to: 'operator' },
      { date: '2025-05-06', unit: 'u1', type: 'compensation_statement', to: 'account_manager' },
      { date: '2025-04-01', unit: 'u1', type: 'maintenance_notice', to: 'account_manager' },
    );
    expected.compensations.push({ outage: 'o1', unit: 'u1', hours: 121.5, days: 5, amount: 9863 });
    const actual = base();
    actual.events[1] = { index: 1, ok: false, code: 'NOT_IMPLEMENTED' } as never;
    expect(compareResults(expected, actual, { covers: new Set<Stage>(['lifecycle', 'billing']) })).toEqual([]);
    expect(compareResults(expected, actual).length).toBe(5);
  });

  it('with the scenario, masks NOT_IMPLEMENTED only for events of an uncovered stage', () => {
    const expected = base();
    const actual = base();
    actual.events = [
      { index: 0, ok: false, code: 'NOT_IMPLEMENTED' },
      { index: 1, ok: false, code: 'NOT_IMPLEMENTED' },
    ] as never;
    const scenario = { events: [{ type: 'pay' }, { type: 'cancel' }] };
    expect(compareResults(expected, actual, { covers: lifecycle, scenario })).toEqual(['[events] #1: expected ok, got NOT_IMPLEMENTED']);
    expect(compareResults(expected, actual, { covers: lifecycle })).toEqual([]);
  });
});
