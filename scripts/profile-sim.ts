/** Ad-hoc: where the simulator's time goes (DynamoDB round trips vs the rest). */
import '#local/local-env.ts';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generateScenario } from './bench.ts';
import { simulate } from '#local/simulator.ts';
import { startDynamoLocal } from '#local/dynamodb-local.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const { values } = parseArgs({ options: { units: { type: 'string', default: '200' }, years: { type: 'string', default: '3' } } });
const scenario = generateScenario(Number(values.units), Number(values.years));
const raw = { from: scenario.from, to: scenario.to, events: scenario.events };
const dynamo = await startDynamoLocal();
const ops: Record<string, { n: number; ms: number }> = {};
let inFlight = 0;
let busySince = 0;
let busyMs = 0;
const faults = (db: DynamoDBDocumentClient) =>
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const t = performance.now();
      if (inFlight++ === 0) busySince = t;
      try {
        return await next(args);
      } finally {
        const e = performance.now();
        if (--inFlight === 0) busyMs += e - busySince;
        const o = (ops[context.commandName!] ??= { n: 0, ms: 0 });
        o.n++;
        o.ms += e - t;
      }
    },
    { step: 'initialize', name: 'profile' },
  );
const t0 = performance.now();
const r = await simulate(raw, { dynamoEndpoint: dynamo.endpoint, faults });
const total = performance.now() - t0;
console.log(
  `${values.units} units × ${values.years} y: ${(total / 1000).toFixed(1)} s, ${r.events.length} events, ${r.notices.length} notices`,
);
console.log(`DynamoDB busy (≥1 request in flight): ${(busyMs / 1000).toFixed(1)} s = ${((100 * busyMs) / total).toFixed(0)} %`);
for (const [k, v] of Object.entries(ops).sort((a, b) => b[1].ms - a[1].ms))
  console.log(
    `  ${k.padEnd(26)} ${String(v.n).padStart(7)} calls  ${(v.ms / v.n).toFixed(2)} ms avg  ${(v.ms / 1000).toFixed(1)} s summed`,
  );
await dynamo.stop();
process.exit(0);
