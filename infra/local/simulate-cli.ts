/** `npm run simulate -- scenario.json [--out result.json]` (docs/SIMULATION.md). Exit 0: ran; 2: invalid scenario. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JAVA_HELP, javaVersion } from './dynamodb-local.ts';
import { ScenarioError, simulate } from './simulator.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' } } });
const file = positionals[0];
if (!file) {
  console.error('usage: npm run simulate -- path/to/scenario.json [--out result.json]');
  process.exit(2);
}
let raw: unknown;
try {
  raw = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`invalid scenario: cannot read ${file} as JSON: ${(e as Error).message}`);
  process.exit(2);
}
if (javaVersion() === null) {
  console.error(JAVA_HELP);
  process.exit(1);
}
try {
  const result = await simulate(raw);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  process.exit(0);
} catch (e) {
  if (e instanceof ScenarioError) {
    console.error(`invalid scenario: ${e.message}`);
    process.exit(2);
  }
  console.error(e);
  process.exit(1);
}
