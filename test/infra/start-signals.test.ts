/**
 * `npm start` stops every child on SIGTERM and on SIGHUP sent to the npm process (issue 10 class 6):
 * tsx, node, the JVM and every port are gone afterwards. Both stacks start at once (own homes, free
 * ports) to keep the wall time down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portOpen } from '#local/dynamodb-local.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The process and all its descendants (Linux /proc). */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}
const alive = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !s.slice(s.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

async function startAndStop(signal: NodeJS.Signals) {
  const home = mkdtempSync(join(tmpdir(), `kokona-start-${signal}-`));
  const npm: ChildProcess = spawn(
    'npm',
    [
      'start',
      '--',
      '--home',
      home,
      '--today',
      '2024-02-01',
      '--api-port',
      '0',
      '--dynamodb-port',
      '0',
      '--ses-port',
      '0',
      '--workspaces-port',
      '0',
    ],
    {
      cwd: ROOT,
      detached: true, // its own process group, as a job started from a terminal
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN' },
    },
  );
  let out = '';
  npm.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  npm.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  try {
    const stateFile = join(home, 'stack.json');
    const deadline = Date.now() + 150_000;
    while (!(existsSync(stateFile) && out.includes('stops everything'))) {
      if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { urls: Record<string, string | null> };
    const ports = Object.values(state.urls)
      .filter((u): u is string => !!u)
      .map((u) => Number(new URL(u).port));
    const pids = tree(npm.pid!);
    expect(pids.length).toBeGreaterThanOrEqual(3); // npm, tsx, node (+ the JVM, esbuild)
    expect(pids.some((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('DynamoDBLocal'))).toBe(true);
    expect(out).not.toContain(readFileSync(join(home, 'api-token'), 'utf8').trim()); // the token is never printed in full
    process.kill(npm.pid!, signal);
    const stopBy = Date.now() + 30_000;
    while (pids.some(alive) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 200));
    expect(pids.filter(alive), `${signal}: still running`).toEqual([]);
    for (const p of ports) expect(await portOpen(p), `${signal}: port ${p}`).toBe(false);
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(home, { recursive: true, force: true });
  }
}

describe.runIf(process.platform === 'linux')('npm start and signals', () => {
  it('SIGTERM and SIGHUP to npm stop tsx, node, the JVM and every port', async () => {
    await Promise.all([startAndStop('SIGTERM'), startAndStop('SIGHUP')]);
  }, 240_000);
});
