/**
 * `npm start`: the whole system on this machine (127.0.0.1 only), data persisted under .local/.
 *   npm start -- --today 2025-03-01     pin the business date (X4)
 *   ports: --api-port 3000 --dynamodb-port 8000 --ses-port 8005 --workspaces-port 8010
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLocalDate } from '#domain/calendar.ts';
import { pinnedClock, systemClock } from '#runtime/clock.ts';
import { JAVA_HELP, javaVersion } from './dynamodb-local.ts';
import { scheduleDaily, scheduleHourly } from './scheduler.ts';
import { startEmbeddedStack } from './stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const { values } = parseArgs({
  options: {
    today: { type: 'string' },
    'api-port': { type: 'string', default: process.env.API_PORT ?? '3000' },
    'dynamodb-port': { type: 'string', default: process.env.DYNAMODB_PORT ?? '8000' },
    'ses-port': { type: 'string', default: process.env.SES_PORT ?? '8005' },
    'workspaces-port': { type: 'string', default: process.env.WORKSPACES_PORT ?? '8010' },
    config: { type: 'string' },
  },
});

if (javaVersion() === null) {
  console.error(JAVA_HELP);
  process.exit(1);
}
let clock = systemClock;
if (values.today !== undefined) {
  const d = parseLocalDate(values.today);
  if (!d) {
    console.error(`--today must be a date YYYY-MM-DD, got ${values.today}`);
    process.exit(2);
  }
  clock = pinnedClock(d);
}

const home = resolve('.local');
mkdirSync(home, { recursive: true });
const tokenFile = resolve(home, 'api-token');
if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
const apiToken = readFileSync(tokenFile, 'utf8').trim();
const config = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : {};

const t0 = Date.now();
const stack = await startEmbeddedStack({
  clock,
  config,
  apiToken,
  dataDir: resolve(home, 'data'),
  archiveDir: resolve(home, 'archive'), // MONEY-IN A1: write-once, with manifest.jsonl
  ports: {
    api: Number(values['api-port']),
    dynamodb: Number(values['dynamodb-port']),
    ses: Number(values['ses-port']),
    workspaces: Number(values['workspaces-port']),
  },
});
const stateFile = resolve(home, 'stack.json');
writeFileSync(stateFile, JSON.stringify({ pid: process.pid, urls: stack.urls, token: apiToken, today: values.today ?? null }, null, 2));

// Catch up at start-up (a missed 00:05 loses nothing), then every day at 00:05 JST.
const report = await stack.runDaily({ date: clock.today() });
const cancelDaily = scheduleDaily(
  (e) => stack.runDaily(e),
  (e) => console.error('daily run failed:', e),
);
const cancelHourly = scheduleHourly(
  (e) => stack.runWatch(e),
  (e) => console.error('outage watcher failed:', e),
);

console.log(`
ココナワーク back office — embedded stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s (business date ${clock.today()}${values.today ? ', pinned' : ''})

  API            ${stack.urls.api}        (Authorization: Bearer ${apiToken})
  Mail inbox     ${stack.urls.inbox}       (local SES; the notices sent)
  DynamoDB Local ${stack.urls.dynamodb}   (table ${stack.tableName}, data in .local/data)
  WorkSpaces     ${stack.urls.workspaces}   (emulator, awsJson1.1)
  Daily run      00:05 Asia/Tokyo; ran at start-up for ${report.dates.length > 2 ? `${report.dates[0]} … ${report.dates.at(-1)} (${report.dates.length} dates)` : report.dates.join(', ')}
                 npm run daily -- --date YYYY-MM-DD
  Outage watch   every hour at HH:00

  export API=${stack.urls.api} TOKEN=${apiToken}
  curl -s -H "authorization: Bearer $TOKEN" $API/applications

Ctrl-C stops everything.`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping …`);
  cancelDaily();
  cancelHourly();
  await stack.stop();
  rmSync(stateFile, { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
