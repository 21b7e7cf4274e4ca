/** `npm run daily -- --date YYYY-MM-DD`: runs the daily run for a date (≤ the stack's today, X4) against the running `npm start`. */
import './local-env.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { date: { type: 'string' }, home: { type: 'string', default: '.local' } } });
let state: { urls: { api: string }; token: string };
try {
  state = JSON.parse(readFileSync(resolve(values.home, 'stack.json'), 'utf8'));
} catch {
  console.error('No running stack found (.local/stack.json): start it with `npm start` first.');
  process.exit(1);
}
const res = await fetch(`${state.urls.api}/_local/daily`, {
  method: 'POST',
  headers: { authorization: `Bearer ${state.token}`, 'content-type': 'application/json' },
  body: JSON.stringify(values.date ? { date: values.date } : {}),
}).catch(() => null);
if (!res) {
  console.error(`The stack at ${state.urls.api} does not answer: is \`npm start\` running?`);
  process.exit(1);
}
const body = await res.json();
console.log(JSON.stringify(body, null, 2));
process.exit(res.ok ? 0 : 1);
