/**
 * `npm run simulate -- scenario.json [--out result.json] [--store memory|dynamodb]` (docs/SIMULATION.md; README "Test clock").
 * Exit 0: ran; 2: invalid scenario. The Result goes to stdout (or --out); progress and the closing line
 * saying which store ran it go to stderr.
 */
import './local-env.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { logger } from '#runtime/logger.ts';
import { Progress } from '#runtime/progress.ts';
import { JAVA_HELP, javaVersion } from './dynamodb-local.ts';
import { parseScenario, ScenarioError, simulate } from './simulator.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
// The logger was built while the imports ran, before the line above: set its level too (one request log per event otherwise).
logger.setLogLevel((process.env.POWERTOOLS_LOG_LEVEL as 'ERROR') ?? 'ERROR');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, store: { type: 'string', default: 'memory' }, quiet: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run simulate -- path/to/scenario.json [--out result.json] [--store memory|dynamodb] [--quiet]');
  process.exit(2);
}
const store = values.store;
if (store !== 'memory' && store !== 'dynamodb') {
  console.error(`--store must be memory (default) or dynamodb, got ${store}`);
  process.exit(2);
}
let raw: unknown;
try {
  raw = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`invalid scenario: cannot read ${file} as JSON: ${(e as Error).message}`);
  process.exit(2);
}
if (store === 'dynamodb' && javaVersion() === null) {
  console.error(JAVA_HELP);
  process.exit(1);
}
try {
  const scenario = parseScenario(raw);
  const t0 = performance.now();
  let progress: Progress | null = null;
  const result = await simulate(raw, {
    store,
    onDay: values.quiet
      ? undefined
      : (day, done, total) => {
          progress ??= new Progress({ label: 'simulating', total, unit: 'days' });
          progress.update(done, day);
        },
  });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  const refused = result.events.filter((e) => !e.ok).length;
  const summary =
    `${scenario.from} … ${scenario.to} on the ${store === 'memory' ? 'memory store (shared/adapters/memory)' : 'DynamoDB Local store'}: ` +
    `${scenario.events.length} events (${refused} refused), ${result.notices.length} notices, ${result.invoices.length} invoices, ${result.units.length} units`;
  if (progress) (progress as Progress).finish(summary);
  else if (!values.quiet) console.error(`simulated ${summary} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
} catch (e) {
  if (e instanceof ScenarioError) {
    console.error(`invalid scenario: ${e.message}`);
    process.exit(2);
  }
  console.error(e);
  process.exit(1);
}
