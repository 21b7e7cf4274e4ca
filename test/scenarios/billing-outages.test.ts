/**
 * Hand-written billing and outage scenarios (./billing/NAME.json, ./outages/NAME.json) with expected
 * results derived from RULES.md §5–8, §10 and DETAILS.md (NAME.expected.json; each scenario's
 * `description` names the rule ids it checks and how its amounts were computed). Run and judged like
 * lifecycle.test.ts: the simulator on the shared DynamoDB Local, compared with the TS port of
 * compare-result.py under the current stage mask. One simulation at a time.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareResults, formatReport } from './compare.ts';
import { CURRENT_STAGE, scenarioDays, scenarioPairs, timeoutFor, simulateOnBothStores } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

for (const [suite, min] of [
  ['billing', 8],
  ['outages', 4],
  ['deposits', 2],
] as const) {
  const pairs = scenarioPairs(join(HERE, suite));

  describe(`${suite} scenarios, stage ${[...CURRENT_STAGE].join('+')}`, () => {
    it('has the scenarios', () => {
      expect(pairs.length).toBeGreaterThanOrEqual(min);
    });

    for (const p of pairs) {
      it(
        p.name,
        async () => {
          const actual = await simulateOnBothStores(p.scenario);
          const diffs = compareResults(p.expected, actual, { covers: CURRENT_STAGE, scenario: p.scenario });
          expect(diffs, `${p.name}\n${formatReport(diffs)}`).toEqual([]);
        },
        timeoutFor(scenarioDays(p.scenario)),
      );
    }
  });
}
