/**
 * `npm start`: the whole system on this machine (127.0.0.1 only), data persisted under .local/.
 *   npm start -- --today 2025-03-01     pin the business date (X4)
 *   ports: --api-port 3000 --dynamodb-port 8000 --ses-port 8005 --workspaces-port 8010 (0 = any free port)
 *   --home DIR   where the token, the store and stack.json live (default .local)
 * It stops every child (DynamoDB Local, the emulators, the servers) on SIGINT, SIGTERM and SIGHUP,
 * and also when the process that started it goes away (npm or tsx killed without passing the signal on).
 */
import './local-env.ts';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, compareDates, daysBetween, parseLocalDate } from '#domain/calendar.ts';
import { Progress } from '#runtime/progress.ts';
import { settableClock } from '#runtime/clock.ts';
import type { LocalUser } from '#functions/api/auth.ts';
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
    home: { type: 'string', default: '.local' },
  },
});

if (javaVersion() === null) {
  console.error(JAVA_HELP);
  process.exit(1);
}
const home = resolve(values.home);
mkdirSync(home, { recursive: true, mode: 0o700 });

// The business clock: --today pins it; otherwise the real date, shifted by what the test clock advanced
// (kept in .local/clock.json so a restart keeps the date the store and the emulators have reached).
const clockFile = resolve(home, 'clock.json');
let pinned: ReturnType<typeof parseLocalDate> = null;
if (values.today !== undefined) {
  pinned = parseLocalDate(values.today);
  if (!pinned) {
    console.error(`--today must be a date YYYY-MM-DD, got ${values.today}`);
    process.exit(2);
  }
}
const saved = existsSync(clockFile) ? (JSON.parse(readFileSync(clockFile, 'utf8')) as { pinned: string | null; offsetDays: number }) : null;
const base = settableClock(
  pinned ? { pinned } : { pinned: saved?.pinned ? parseLocalDate(saved.pinned) : null, offsetDays: saved?.offsetDays ?? 0 },
);
const saveClock = () => writeFileSync(clockFile, JSON.stringify(base.state()));
const clock = { ...base, setToday: (d: Parameters<typeof base.setToday>[0]) => (base.setToday(d), saveClock()) };
saveClock();

// Local users of the console, one per role (made once, kept in .local/users.json).
const usersFile = resolve(home, 'users.json');
const secret = () => randomBytes(18).toString('base64url');
const word = () => randomBytes(6).toString('base64url');
if (!existsSync(usersFile)) {
  const users: LocalUser[] = [
    { id: 'operator', role: 'operator', name: '運用 太郎', password: word(), token: secret() },
    { id: 'viewer', role: 'viewer', name: '閲覧 花子', password: word(), token: secret() },
    { id: 'agent', role: 'agent', name: '代理店 一郎', agentEmail: 'sales@agent.example', password: word(), token: secret() },
  ];
  writeFileSync(usersFile, JSON.stringify(users, null, 2), { mode: 0o600 });
}
const users = JSON.parse(readFileSync(usersFile, 'utf8')) as LocalUser[];
const tokenFile = resolve(home, 'api-token');
if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
chmodSync(tokenFile, 0o600); // a token file written by an older version may be world-readable
const apiToken = readFileSync(tokenFile, 'utf8').trim();
/** The token is never printed in full: its first 4 characters identify it, the file holds it. */
const maskedToken = `${apiToken.slice(0, 4)}…`;
const config = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : {};

const t0 = Date.now();
const stack = await startEmbeddedStack({
  clock,
  config,
  apiToken,
  dataDir: resolve(home, 'data'),
  archiveDir: resolve(home, 'archive'), // MONEY-IN A1: write-once, with manifest.jsonl
  users,
  consoleDir: resolve('console/dist'),
  mailDir: resolve(home, 'mail'),
  // W3, emulator state: the WorkSpaces/Directory emulators' desktops and users, the kit key file.
  stateDir: home,
  ports: {
    api: Number(values['api-port']),
    dynamodb: Number(values['dynamodb-port']),
    ses: Number(values['ses-port']),
    workspaces: Number(values['workspaces-port']),
  },
});
const stateFile = resolve(home, 'stack.json');
writeFileSync(stateFile, JSON.stringify({ pid: process.pid, urls: stack.urls, token: apiToken, today: values.today ?? null }, null, 2), {
  mode: 0o600,
});
chmodSync(stateFile, 0o600);

// Catch up at start-up (a missed 00:05 loses nothing), then every day at 00:05 JST.
const report = await catchUp();
await stack.runReconcile().catch((e) => console.error('reconciler failed:', e));
// The scheduler fires at the wall clock's 00:05; the business date is the (possibly advanced) clock's.
// The daily run, then the reconciler (W9; 01:05 JST on AWS, right after the run here).
const cancelDaily = scheduleDaily(
  async () => {
    const r = await stack.runDaily({ date: clock.today() });
    const drift = await stack.runReconcile();
    console.log(JSON.stringify({ metric: 'DesktopDrift', namespace: 'Kokona', value: drift.drift }));
    return r;
  },
  (e) => console.error('daily run failed:', e),
);
const cancelHourly = scheduleHourly(
  (e) => stack.runWatch(e),
  (e) => console.error('outage watcher failed:', e),
);

console.log(`
ココナワーク back office — embedded stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s (business date ${clock.today()}${values.today ? ', pinned' : ''})

  Console        ${stack.urls.api}/console/
                 sign in as ${users.map((u) => u.id).join(' / ')} — passwords in ${usersFile}
                 (operator: everything · viewer: read only · agent: the contracts of ${users.find((u) => u.role === 'agent')?.agentEmail ?? '-'})
  API            ${stack.urls.api}        (Authorization: Bearer ${maskedToken}, the token is in ${tokenFile})
  Mail inbox     ${stack.urls.inbox}       (local SES; the notices sent)
  DynamoDB Local ${stack.urls.dynamodb}   (table ${stack.tableName}, data in .local/data)
  WorkSpaces     ${stack.urls.workspaces}   (emulator: WorkSpaces + Directory Service + DS Data; state in .local/emulators.json;
                 faults: POST /_control {"throttle":n,"failNextDesktops":n,"describeDelayMs":ms})
  Daily run      00:05 Asia/Tokyo; ran at start-up for ${report.dates.length > 2 ? `${report.dates[0]} … ${report.dates.at(-1)} (${report.dates.length} dates)` : report.dates.join(', ')}
                 npm run daily -- --date YYYY-MM-DD
  Outage watch   every hour at HH:00

  export API=${stack.urls.api} TOKEN=$(cat ${tokenFile})
  curl -s -H "authorization: Bearer $TOKEN" $API/applications

Ctrl-C (or SIGTERM, SIGHUP) stops everything.`);

/**
 * The daily run for every date since the last completed one, up to today — what one daily run does
 * (at most a year of dates, oldest first: MAX_CATCH_UP_DAYS), but one date at a time so that a long
 * catch-up shows its progress (the date reached and an estimate) and ends with what it did.
 */
async function catchUp(): Promise<{ dates: string[]; dueUnits: number }> {
  const today = clock.today();
  const last = await stack.store.runLog.lastCompleted();
  const gap = last === null || compareDates(last, today) >= 0 ? 1 : Math.min(366, daysBetween(last, today));
  if (gap === 1) {
    const r = await stack.runDaily({ date: today });
    return { dates: r.dates, dueUnits: r.dueUnits };
  }
  const first = addDays(last!, 1);
  const progress = new Progress({ label: 'catch-up', total: gap, unit: 'days' });
  const dates: string[] = [];
  let dueUnits = 0;
  for (let i = 0; i < gap; i++) {
    const d = addDays(first, i);
    const r = await stack.runDaily({ date: d });
    dates.push(...r.dates);
    dueUnits += r.dueUnits;
    progress.update(i + 1, d);
  }
  progress.finish(`ran the daily run for ${dates.length} dates (${first} … ${dates.at(-1)}), ${dueUnits} units were due`);
  return { dates, dueUnits };
}

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

/**
 * The processes that started this one in the same process group (tsx, `sh -c`, npm): if any of them
 * goes away without passing a signal on (npm killed by SIGHUP or SIGKILL, tsx killed), stop too.
 * Linux reads /proc; elsewhere only the parent is watched (a new ppid means it died).
 */
function launchers(): number[] {
  const stat = (pid: number) => {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // state ppid pgrp …
      return { state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]) };
    } catch {
      return null;
    }
  };
  const self = stat(process.pid);
  if (!self) return [];
  const chain: number[] = [];
  for (let pid = self.ppid; pid > 1;) {
    const s = stat(pid);
    if (!s || s.pgrp !== self.pgrp) break;
    chain.push(pid);
    pid = s.ppid;
  }
  return chain;
}
const parentAtStart = process.ppid;
const watched = launchers();
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return false;
  }
};
setInterval(() => {
  if (process.ppid !== parentAtStart || watched.some(gone)) void shutdown('launcher exited');
}, 1000).unref();
