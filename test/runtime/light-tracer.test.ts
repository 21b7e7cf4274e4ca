/**
 * The api's LightTracer writes what Powertools' Tracer (the X-Ray SDK) writes on Lambda: the same
 * handler and AWS SDK calls run in two child processes with Lambda's environment, one traced each way,
 * against an HTTP endpoint answering as DynamoDB, SQS and S3 do (including a conditional failure, a
 * throttle and a 500, which only a stand-in can provoke on demand), and a UDP socket standing in for
 * the X-Ray daemon. The documents the daemon receives and the trace headers the services see must be
 * the same, ids and times aside.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonAddress, WHITELIST } from '#runtime/light-tracer.ts';

const ROOT = join(import.meta.dirname, '..', '..');
type Doc = Record<string, unknown> & {
  id: string;
  name: string;
  parent_id: string;
  trace_id: string;
  start_time: number;
  end_time: number;
};

const TRACES = [
  { root: '1-67891233-abcdef012345678912345678', parent: '53995c3f42cd8ad8', sampled: '1', extra: ';Lineage=a87bd80c:0', fail: false },
  { root: '1-67891234-abcdef012345678912345679', parent: '63995c3f42cd8ad9', sampled: '1', extra: '', fail: true },
  { root: '1-67891235-abcdef01234567891234567a', parent: '73995c3f42cd8ada', sampled: '0', extra: '', fail: false },
];
const header = (t: (typeof TRACES)[number]) => `Root=${t.root};Parent=${t.parent};Sampled=${t.sampled}${t.extra}`;

/** What each request's X-Amzn-Trace-Id was, in order of arrival, per run. */
let seen: string[] = [];

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString();
  seen.push(String(req.headers['x-amzn-trace-id'] ?? ''));
  const target = String(req.headers['x-amz-target'] ?? '');
  const json = (status: number, value: unknown, id: string) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': id });
    res.end(JSON.stringify(value));
  };
  if (target.startsWith('DynamoDB_20120810.')) {
    const op = target.slice('DynamoDB_20120810.'.length);
    const table = (JSON.parse(body) as { TableName?: string }).TableName;
    const id = `ddb-${op}-${table ?? 'many'}`;
    if (table === 'conditional')
      return json(
        400,
        { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' },
        id,
      );
    if (table === 'throttled')
      return json(400, { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' }, id);
    if (table === 'broken')
      return json(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal error' }, id);
    const out: Record<string, unknown> = {
      GetItem: { Item: { pk: { S: 'UNIT#1' }, sk: { S: 'UNIT' } } },
      Query: { Items: [], Count: 0, ScannedCount: 0 },
      TransactWriteItems: {},
      BatchWriteItem: { UnprocessedItems: {} },
    };
    return json(200, out[op] ?? {}, id);
  }
  if (target === 'AmazonSQS.SendMessageBatch') {
    const { Entries } = JSON.parse(body) as { Entries: { Id: string; MessageBody: string }[] };
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    return json(
      200,
      { Successful: Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] },
      'sqs-1',
    );
  }
  if (req.method === 'PUT') {
    res.writeHead(200, { etag: '"0f3c"', 'x-amz-request-id': 's3-1', 'x-amz-id-2': 's3-id-2' });
    return void res.end();
  }
  res.writeHead(400).end();
}

const server = createServer((req, res) => void answer(req, res));
const daemon = createSocket('udp4');
let received: Doc[] = [];
daemon.on('message', (m) => {
  const [head, json] = m.toString().split('\n');
  expect(head).toBe('{"format":"json","version":1}');
  received.push(JSON.parse(json!) as Doc);
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', r));
});
afterAll(() => {
  server.close();
  daemon.close();
});

interface Run {
  readonly docs: Doc[];
  readonly headers: string[];
  readonly results: string[];
}

async function run(mode: 'powertools' | 'light'): Promise<Run> {
  received = [];
  seen = [];
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'kokona-api',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_REGION: 'ap-northeast-1',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: ROOT,
    _HANDLER: 'index.handler',
    POWERTOOLS_SERVICE_NAME: 'kokona-probe',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_NAMESPACE: 'Probe',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_XRAY_LOG_LEVEL: 'silent',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'test/runtime/trace-probe.ts'),
    mode,
    endpoint,
    JSON.stringify(TRACES.map((t) => ({ header: header(t), fail: t.fail }))),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(code, stderr).toBe(0);
  await new Promise((r) => setTimeout(r, 100));
  return { docs: [...received], headers: [...seen], results: JSON.parse(stdout.trim().split('\n').at(-1)!) as string[] };
}

/** The documents without ids and times: each one's trace by index, its parent by name (`lambda`: Lambda's segment). */
function normal(r: Run) {
  const byId = new Map(r.docs.map((d) => [d.id, d]));
  const label = (d: Doc | undefined) =>
    d
      ? [d.name, (d.aws as { operation?: string } | undefined)?.operation, (d.aws as { table_name?: string } | undefined)?.table_name]
          .filter(Boolean)
          .join(':')
      : 'unknown';
  const docs = r.docs
    .map((d) => {
      const { id: _id, start_time: _s, end_time: _e, parent_id, trace_id, cause, ...rest } = d;
      const trace = TRACES.findIndex((t) => t.root === trace_id);
      const c = cause as { working_directory: string; exceptions: { id: string; stack: unknown[]; message: string }[] } | undefined;
      return {
        ...rest,
        trace,
        parent: parent_id === TRACES[trace]?.parent ? 'lambda' : label(byId.get(parent_id)),
        ...(c ? { cause: { ...c, exceptions: c.exceptions.map(({ id: _i, stack, ...e }) => ({ ...e, frames: stack.length > 0 })) } } : {}),
      };
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const headers = r.headers
    .map((h) => h.replace(/Parent=([0-9a-f]{16})/, (_m, id: string) => `Parent=${byId.has(id) ? label(byId.get(id)) : 'unsent'}`))
    .map((h) => h.replace(/Root=[^;]+/, (m) => `Root=${TRACES.findIndex((t) => `Root=${t.root}` === m)}`))
    .sort();
  return { docs, headers, results: r.results };
}

describe('LightTracer (the api) against Powertools Tracer (the X-Ray SDK)', () => {
  let powertools: Run;
  let light: Run;
  beforeAll(async () => {
    powertools = await run('powertools');
    light = await run('light');
  }, 60_000);

  it('sends the daemon the same subsegments and the services the same trace headers', () => {
    expect(powertools.docs.length).toBeGreaterThan(10);
    expect(normal(light)).toEqual(normal(powertools));
  });

  it('writes the invocation under Lambda’s segment and each AWS call under the invocation, within its times', () => {
    const docs = light.docs;
    const handlers = docs.filter((d) => d.name === '## index.handler');
    expect(handlers.map((h) => [h.trace_id, h.parent_id, h.annotations])).toEqual([
      [TRACES[0]!.root, TRACES[0]!.parent, { ColdStart: true, Service: 'kokona-probe' }],
      [TRACES[1]!.root, TRACES[1]!.parent, { ColdStart: false, Service: 'kokona-probe' }],
    ]);
    expect(handlers[1]).toMatchObject({
      fault: true,
      cause: { exceptions: [{ type: 'TypeError', message: 'the handler failed', remote: false }] },
    });
    for (const d of docs.filter((x) => x.namespace === 'aws')) {
      const parent = handlers.find((h) => h.id === d.parent_id)!;
      expect(parent.trace_id).toBe(d.trace_id);
      expect(d.start_time).toBeGreaterThanOrEqual(parent.start_time);
      expect(d.end_time).toBeLessThanOrEqual(parent.end_time);
      expect(d.start_time).toBeLessThanOrEqual(d.end_time);
    }
    // The unsampled invocation (Sampled=0) sends nothing, and passes the header on as unsampled.
    expect(docs.some((d) => d.trace_id === TRACES[2]!.root)).toBe(false);
    const unsampled = light.headers.filter((h) => h.includes(TRACES[2]!.root));
    expect(unsampled).toHaveLength(light.headers.filter((h) => h.includes(TRACES[0]!.root)).length);
    for (const h of unsampled) expect(h).toMatch(/^Root=[^;]+;Parent=[0-9a-f]{16};Sampled=0$/);
    // Lambda's extra trace data (Lineage) is passed on.
    expect(light.headers.filter((h) => h.includes(TRACES[0]!.root)).every((h) => h.endsWith(';Sampled=1;Lineage=a87bd80c:0'))).toBe(true);
  });

  it('records each call as the X-Ray console reads it: operation, table, retries, status and flags', () => {
    const aws = (op: string, table?: string) =>
      light.docs.find(
        (d) =>
          d.trace_id === TRACES[0]!.root &&
          (d.aws as { operation: string }).operation === op &&
          (!table || (d.aws as { table_name?: string }).table_name === table),
      )!;
    expect(aws('GetItem', 'kokona')).toMatchObject({
      name: 'DynamoDB',
      aws: {
        operation: 'GetItem',
        region: 'ap-northeast-1',
        request_id: 'ddb-GetItem-kokona',
        retries: 1,
        consistent_read: true,
        table_name: 'kokona',
      },
      http: { response: { status: 200 } },
    });
    expect(aws('Query')).toMatchObject({ aws: { index_name: 'gsi1', limit: 5, table_name: 'kokona' } });
    expect(aws('BatchWriteItem')).toMatchObject({ aws: { table_names: ['kokona'] } });
    expect(aws('PutItem', 'conditional')).toMatchObject({ error: true, fault: true, http: { response: { status: 400 } } });
    expect(aws('PutItem', 'conditional').throttle).toBeUndefined();
    expect(aws('GetItem', 'throttled')).toMatchObject({ throttle: true, error: true, aws: { retries: 2 } });
    expect(aws('GetItem', 'broken')).toMatchObject({ fault: true, aws: { retries: 2 }, http: { response: { status: 500 } } });
    expect(aws('SendMessageBatch')).toMatchObject({ name: 'SQS', aws: { message_count: 1, successful_count: 1, failed_count: 0 } });
    expect(aws('PutObject')).toMatchObject({
      name: 'S3',
      aws: { bucket_name: 'archive', key: 'invoices/2026/INV-1.pdf', id_2: 's3-id-2' },
    });
    expect(light.results).toEqual([
      'ConditionalCheckFailedException,ThrottlingException,InternalServerError',
      'threw TypeError',
      expect.any(String),
    ]);
  });
});

describe('LightTracer pieces', () => {
  it('copies the X-Ray SDK whitelist for the operations it lists', async () => {
    const { default: sdk } = (await import('aws-xray-sdk-core/dist/lib/resources/aws_whitelist.json', { with: { type: 'json' } })) as {
      default: { services: Record<string, { operations: Record<string, unknown> }> };
    };
    for (const [service, ops] of Object.entries(WHITELIST))
      for (const [op, capture] of Object.entries(ops)) expect(capture, `${service}.${op}`).toEqual(sdk.services[service]!.operations[op]);
  });

  it('reads the daemon address as the SDK does', () => {
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:10.0.0.1:2001 udp:10.0.0.2:2002')).toEqual({ host: '10.0.0.2', port: 2002 });
    expect(daemonAddress(undefined)).toEqual({ host: '127.0.0.1', port: 2000 });
  });
});
