/**
 * The example scenarios of the simulation contract (./examples) replayed through the simulator and
 * judged like scripts/compare-result.py, masked to the stages implemented so far (compare.ts). Plus:
 * the TypeScript comparator gives exactly the Python tool's verdict (python3 is installed by .ci/run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '#local/simulator.ts';
import { compareResults, formatReport } from './compare.ts';
import { CURRENT_STAGE, readJson, scenarioDays, scenarioPairs, timeoutFor } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLES = join(here, 'examples');
const PY_TOOL = join(here, '../../scripts/compare-result.py');
const pairs = scenarioPairs(EXAMPLES);
const actuals = new Map<string, unknown>();

/** The Python tool's stdout and exit code on two result files. */
function python(expectedFile: string, actualFile: string): { out: string; code: number } {
  try {
    return { out: execFileSync('python3', [PY_TOOL, expectedFile, actualFile], { encoding: 'utf8' }), code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; status?: number };
    return { out: err.stdout ?? '', code: err.status ?? -1 };
  }
}

const hasPython = (() => {
  if (!existsSync(PY_TOOL)) return false;
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('example scenarios (test/scenarios/examples), stage ' + [...CURRENT_STAGE].join('+'), () => {
  it('has the examples', () => {
    expect(pairs.map((p) => p.name)).toEqual(expect.arrayContaining(['worked-examples', 'mixed-s1000_000', 'mixed-s1000_001']));
  });

  for (const p of pairs) {
    it(
      `${p.name} matches its expected result`,
      async () => {
        // The memory store (the simulator's default); the lifecycle, billing and outage suites run both stores and compare.
        const actual = await simulate(p.scenario);
        actuals.set(p.name, actual);
        const diffs = compareResults(p.expected, actual, { covers: CURRENT_STAGE, scenario: p.scenario });
        expect(diffs, formatReport(diffs)).toEqual([]);
      },
      timeoutFor(scenarioDays(p.scenario)),
    );
  }
});

describe.skipIf(!hasPython)('compare.ts unmasked = compare-result.py', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kokona-compare-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const judge = (expectedFile: string, actualFile: string) => {
    const ts = formatReport(compareResults(readJson(expectedFile), readJson(actualFile)));
    const py = python(expectedFile, actualFile);
    expect(ts).toBe(py.out);
    expect(ts === 'same\n' ? 0 : 1).toBe(py.code);
  };

  it('on two different expected results (every section differs)', () => {
    judge(join(EXAMPLES, 'mixed-s1000_000.expected.json'), join(EXAMPLES, 'mixed-s1000_001.expected.json'));
    judge(join(EXAMPLES, 'mixed-s1000_001.expected.json'), join(EXAMPLES, 'worked-examples.expected.json'));
  });

  it('on a result and itself ("same")', () => {
    judge(join(EXAMPLES, 'worked-examples.expected.json'), join(EXAMPLES, 'worked-examples.expected.json'));
  });

  it('on an expected result and the simulator output of its scenario', () => {
    const name = 'worked-examples';
    const actual = actuals.get(name);
    if (actual === undefined) return; // the simulation above failed; that test reports it
    const actualFile = join(tmp, `${name}.actual.json`);
    writeFileSync(actualFile, JSON.stringify(actual));
    judge(join(EXAMPLES, `${name}.expected.json`), actualFile);
  });

  it('on hand-made edge cases (None, quotes, non-ASCII, duplicates, float hours, True == 1)', () => {
    const e = {
      events: [
        { index: 0, ok: true },
        { index: 1, ok: false, code: 'X', earliest: '2025-03-31' },
        { index: 2, ok: false, code: 'A', earliest: 'a' },
        { index: 3, ok: 1 },
        { index: 10, ok: false },
      ],
      invoices: [
        {
          unit: "u'1",
          issueDate: '2024-03-01',
          kind: 'fees',
          dueDate: '2024-04-30',
          total: 792000,
          tax: 72000,
          paidOn: null,
          interest: 0,
          lines: [
            { line: 'a', type: 'first_term', months: 12, accounts: 10, amount: 720000 },
            { line: 'a', type: 'first_term', months: 12, accounts: 10, amount: 720000 },
          ],
        },
        { unit: null, issueDate: '2024-02-01', kind: 'fees', total: 5, lines: [] },
        { unit: 'z', issueDate: '2024-02-01', kind: 'late_interest', total: 1.5, interest: true, dueDate: 'x"y\'z' },
      ],
      notices: [
        ...Array(3).fill({ date: '2024-01-01', unit: null, type: 'outage_threshold_reached', to: 'operator' }),
        { date: '2024-01-01', unit: '日本', type: 't', to: 'a' },
        { date: '2024-01-02', unit: 'ué', type: 't\ttab', to: 'a' },
      ],
      desktops: [{ date: '2024-01-01', unit: 'u', line: 'l', action: 'create', count: 3 }],
      units: [
        {
          unit: 'b',
          status: 'active',
          history: [{ date: 'd', status: 'pending' }],
          lines: [{ line: 'x', startDate: 's', termEnd: null, endedOn: null }, { line: 'y' }],
        },
        { unit: 'a', status: null, history: [] },
      ],
      compensations: [
        { outage: 'o1', unit: 'u', hours: 121.5, days: 5, amount: 10 },
        { outage: 'o1', unit: 'v', hours: '121.5', days: 5, amount: 10 },
        { outage: 'o2', unit: 'u', hours: null, days: 5, amount: 10 },
        { outage: 'o0', unit: 'u', hours: 0.00001, days: 1e-5, amount: 10 },
      ],
    };
    const a = {
      events: [
        { index: 0, ok: false, code: null },
        { index: 1, ok: false, code: 'X', earliest: '2025-04-30' },
        { index: 2, ok: false, code: 'A' },
        { index: 3, ok: true },
        { index: 5, ok: true },
      ],
      invoices: [
        {
          unit: "u'1",
          issueDate: '2024-03-01',
          kind: 'fees',
          dueDate: '2024-04-30',
          total: 792000,
          tax: 72001,
          paidOn: '2024-03-20',
          interest: false,
          lines: [
            { line: 'a', type: 'first_term', months: 12, accounts: 10, amount: 720000 },
            { line: 'b', type: 'renewal', months: null, accounts: 10, amount: 1 },
          ],
        },
        { unit: 'y', issueDate: '2024-02-01', kind: 'fees', total: null },
        { unit: 'z', issueDate: '2024-02-01', kind: 'late_interest', total: 1.5, interest: 1, dueDate: "x'y" },
      ],
      notices: [
        { date: '2024-01-01', unit: null, type: 'outage_threshold_reached', to: 'operator' },
        ...Array(2).fill({ date: '2024-01-01', unit: '日本', type: 't', to: 'b' }),
      ],
      desktops: [{ date: '2024-01-01', unit: 'u', line: 'l', action: 'create', count: true }],
      units: [
        {
          unit: 'b',
          status: 'cancelled',
          history: [
            { date: 'd', status: 'pending' },
            { date: 'e', status: 'active' },
          ],
          lines: [{ line: 'x', startDate: 's', termEnd: '2025-01-01', endedOn: null }, { line: 'z' }],
        },
        { unit: 'c' },
      ],
      compensations: [
        { outage: 'o1', unit: 'u', hours: 121.505, days: 5, amount: 10 },
        { outage: 'o1', unit: 'v', hours: ' 1_21.6 ', days: 5, amount: 11 },
        { outage: 'o2', unit: 'u', hours: 'abc', days: 5, amount: 10 },
        { outage: 'o3', unit: 'u', hours: 1, days: 2, amount: 3 },
      ],
    };
    writeFileSync(join(tmp, 'e.json'), JSON.stringify(e));
    writeFileSync(join(tmp, 'a.json'), JSON.stringify(a));
    judge(join(tmp, 'e.json'), join(tmp, 'a.json'));
    judge(join(tmp, 'a.json'), join(tmp, 'e.json'));
  });
});
