/**
 * Hand-written lifecycle scenarios (./lifecycle/NAME.json) with expected results derived from RULES.md
 * and DETAILS.md (NAME.expected.json; each scenario's `description` names the rule ids it checks).
 * The expected results are full Results (invoices included where RULES fixes them); the stage mask of
 * compare.ts drops what the current stage does not cover. One simulation at a time.
 * Also: the scenarios that are themselves invalid (S1, S2) are refused with ScenarioError.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError, simulate } from '#local/simulator.ts';
import { compareResults, formatReport } from './compare.ts';
import { CURRENT_STAGE, readJson, scenarioDays, scenarioPairs, timeoutFor, simulateOnBothStores } from './support.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'lifecycle');
const pairs = scenarioPairs(DIR);
const invalid = readJson(join(DIR, 'invalid-scenarios.cases.json')) as { cases: { name: string; scenario: unknown }[] };

describe('lifecycle scenarios, stage ' + [...CURRENT_STAGE].join('+'), () => {
  it('has the scenarios', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(8);
  });

  for (const p of pairs) {
    it(
      `${p.name}`,
      async () => {
        const actual = await simulateOnBothStores(p.scenario);
        const diffs = compareResults(p.expected, actual, { covers: CURRENT_STAGE, scenario: p.scenario });
        expect(diffs, `${p.name}\n${formatReport(diffs)}`).toEqual([]);
      },
      timeoutFor(scenarioDays(p.scenario)),
    );
  }
});

describe('invalid scenarios (DETAILS S1, S2) → ScenarioError', () => {
  for (const c of invalid.cases) {
    it(c.name, async () => {
      await expect(simulate(c.scenario)).rejects.toBeInstanceOf(ScenarioError);
    });
  }
});
