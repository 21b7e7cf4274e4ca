/** Raw HTTP against the embedded stack (any method, any bytes, a deadline) and a store snapshot. */
import { request } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import type { TestStack } from '../support.ts';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** No answer within the deadline. */
  readonly hung?: boolean;
}

export function rawRequest(
  base: string,
  r: { method: string; path: string; headers?: Record<string, string>; body?: Buffer },
  deadlineMs = 20_000,
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: 0, headers: {}, body: '', hung: true });
    }, deadlineMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: 0, headers: {}, body: String(e) });
    });
    if (r.body) req.write(r.body);
    req.end();
  });
}

/** Every item of the stack's table, in key order, as one string (compared before and after a request). */
export async function snapshot(stack: TestStack): Promise<string> {
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  db.destroy();
  return JSON.stringify(items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)));
}
