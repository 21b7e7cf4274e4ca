/**
 * Nothing the embedded stack runs is reachable beyond loopback (issue 10 class 7): DynamoDB Local (the
 * official jar, started through infra/local/java/LoopbackDynamoDBLocal.java), the API bridge, the SES
 * sink and the WorkSpaces emulator. Checked two ways: connecting to every non-loopback address of this
 * machine is refused, and (Linux) the kernel's table of listening sockets shows 127.0.0.1 for each port.
 */
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOpen } from '#local/dynamodb-local.ts';
import { testStack, type TestStack } from '../support.ts';

let stack: TestStack;
let ports: Record<string, number>;

beforeAll(async () => {
  stack = await testStack('2024-02-01', { ports: { api: 0 } });
  ports = Object.fromEntries(
    Object.entries({ api: stack.urls.api!, dynamodb: stack.urls.dynamodb!, ses: stack.urls.ses, workspaces: stack.urls.workspaces }).map(
      ([k, u]) => [k, Number(new URL(u).port)],
    ),
  );
}, 120_000);
afterAll(async () => stack?.stop());

const outside = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80')))
    .map((a) => a!.address);

/** Local addresses of the LISTEN sockets on `port` (from /proc/net/tcp and tcp6). */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, p] = cols[1]!.split(':');
      if (parseInt(p!, 16) === port) out.push(addr!);
    }
  }
  return out;
}
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

describe('reachable on loopback only', () => {
  it('each port answers on 127.0.0.1', async () => {
    for (const [name, port] of Object.entries(ports)) expect(await portOpen(port, '127.0.0.1'), name).toBe(true);
  });

  it('no port answers on a non-loopback address of this machine', async () => {
    const addrs = outside();
    console.log(`loopback check: non-loopback addresses ${JSON.stringify(addrs)}, ports ${JSON.stringify(ports)}`);
    for (const addr of addrs)
      for (const [name, port] of Object.entries(ports)) expect(await portOpen(port, addr), `${name} on ${addr}:${port}`).toBe(false);
  });

  it.runIf(existsSync('/proc/net/tcp'))('the kernel lists every port as bound to 127.0.0.1', () => {
    for (const [name, port] of Object.entries(ports)) {
      const l = listeners(port);
      expect(l.length, name).toBeGreaterThan(0);
      for (const a of l) expect(LOOPBACK.has(a), `${name} listens on ${a}`).toBe(true);
    }
  });
});
