/**
 * X-Ray tracing for the api function without the X-Ray SDK (issue 15: the api's bundle limit).
 *
 * Powertools' Tracer (shared/runtime/tracing.ts, every other function) sits on aws-xray-sdk-core, which
 * with cls-hooked, shimmer and its whitelist is ~90 KB of the api's 250 KB, loaded on every cold start.
 * This module writes the same subsegments the two write on Lambda, from the same inputs, in ~6 KB:
 *  - the invocation: a subsegment `## <_HANDLER>` under Lambda's own segment (Parent of the trace
 *    header), annotated `ColdStart` and `Service`, with the error as its cause if the handler throws;
 *  - each AWS SDK v3 call of a captured client (middleware at the `build` step, as the SDK's aws3_p):
 *    a subsegment named after the service (`DynamoDB`, `S3`, …) with namespace `aws`, the `aws` block
 *    (operation, region, request_id, retries, and the whitelisted parameters: WHITELIST), the `http`
 *    block (status, content length), the error/fault/throttle flags and the cause of a failed call; the
 *    call's request carries `X-Amzn-Trace-Id` with the subsegment as its Parent, so the service's
 *    own segment joins the trace.
 * Each subsegment is sent to the X-Ray daemon (AWS_XRAY_DAEMON_ADDRESS) when it closes, as the SDK does
 * on Lambda (its streaming threshold there is 0); the invocation waits for the sends before it returns.
 * A request Lambda did not sample (`Sampled=0`) sends nothing and still passes the header on; without
 * a trace header (off Lambda, tests, the embedded stack) everything is a pass-through.
 * test/runtime/light-tracer.test.ts runs the same handler and calls under Powertools' Tracer and under
 * this module and asserts the daemon receives the same documents. Not covered (the api does not need
 * them): `fetch`/`http` calls outside the SDK, which Tracer adds (the api makes none: the one such
 * client, Directory Service Data, is the provisioner's), response metadata, custom annotations.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { getXrayTraceDataFromEnv } from '@aws-lambda-powertools/commons/utils/env';

/** The trace an invocation belongs to and its own subsegment (the parent of the AWS calls). */
interface Open {
  readonly traceId: string;
  readonly id: string;
  readonly sampled: boolean;
  /** Trace header fields other than Root, Parent and Sampled (e.g. Lineage), passed on as they came. */
  readonly extra: string;
}

type Doc = Record<string, unknown>;

/**
 * What the X-Ray SDK's whitelist (aws-xray-sdk-core resources/aws_whitelist.json) captures for the
 * operations the functions call, copied for those only (the whole file is 10 KB); a test compares it
 * with the SDK's file. Operations not listed (TransactWriteItems, WorkSpaces, KMS, …) have no entry
 * there either.
 */
interface Capture {
  readonly request_parameters?: readonly string[];
  readonly request_descriptors?: Readonly<Record<string, Descriptor>>;
  readonly response_parameters?: readonly string[];
  readonly response_descriptors?: Readonly<Record<string, Descriptor>>;
}
interface Descriptor {
  readonly rename_to?: string;
  readonly get_keys?: boolean;
  readonly list?: boolean;
  readonly get_count?: boolean;
}
const TABLE = { request_parameters: ['TableName'], response_parameters: ['ConsumedCapacity', 'ItemCollectionMetrics'] };
const TABLES = { request_descriptors: { RequestItems: { get_keys: true, rename_to: 'table_names' } } };
const BUCKET = { request_descriptors: { Bucket: { rename_to: 'bucket_name' } } };
export const WHITELIST: Readonly<Record<string, Readonly<Record<string, Capture>>>> = {
  dynamodb: {
    getItem: { request_parameters: ['ConsistentRead', 'ProjectionExpression', 'TableName'], response_parameters: ['ConsumedCapacity'] },
    putItem: TABLE,
    updateItem: TABLE,
    deleteItem: TABLE,
    query: {
      request_parameters: [
        'AttributesToGet',
        'ConsistentRead',
        'IndexName',
        'Limit',
        'ProjectionExpression',
        'ScanIndexForward',
        'Select',
        'TableName',
      ],
      response_parameters: ['ConsumedCapacity'],
    },
    scan: {
      request_parameters: [
        'AttributesToGet',
        'ConsistentRead',
        'IndexName',
        'Limit',
        'ProjectionExpression',
        'Segment',
        'Select',
        'TableName',
        'TotalSegments',
      ],
      response_parameters: ['ConsumedCapacity', 'Count', 'ScannedCount'],
    },
    batchGetItem: { ...TABLES, response_parameters: ['ConsumedCapacity'] },
    batchWriteItem: { ...TABLES, response_parameters: ['ConsumedCapacity', 'ItemCollectionMetrics'] },
  },
  sqs: {
    sendMessageBatch: {
      request_parameters: ['QueueUrl'],
      request_descriptors: { Entries: { list: true, get_count: true, rename_to: 'message_count' } },
      response_descriptors: {
        Failed: { list: true, get_count: true, rename_to: 'failed_count' },
        Successful: { list: true, get_count: true, rename_to: 'successful_count' },
      },
    },
  },
  s3: {
    getObject: { request_parameters: ['Key', 'VersionId'], ...BUCKET },
    putObject: { request_parameters: ['Key'], ...BUCKET },
  },
};

/** @smithy/service-error-classification's THROTTLING_ERROR_CODES (what the SDK's aws3_p flags as throttling). */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const snake = (s: string) =>
  s === 'IPAddress'
    ? 'ip_address'
    : s
        .split(/(?=[A-Z])/)
        .join('_')
        .toLowerCase();

function captured(capture: Capture | undefined, input: Doc, output: Doc | undefined): Doc {
  const data: Doc = {};
  if (!capture) return data;
  const params = (names: readonly string[] | undefined, from: Doc) => {
    for (const n of names ?? []) if (from[n] !== undefined) data[snake(n)] = from[n];
  };
  const descriptors = (ds: Readonly<Record<string, Descriptor>> | undefined, from: Doc) => {
    for (const [n, d] of Object.entries(ds ?? {})) {
      const v = from[n];
      if (v === undefined) continue;
      data[d.rename_to ?? snake(n)] =
        d.list && d.get_count ? ((v as unknown[] | null)?.length ?? 0) : d.get_keys ? Object.keys(v as object) : v;
    }
  };
  // In the whitelist's order (request parameters, request descriptors, response …), as the SDK.
  params(capture.request_parameters, input);
  descriptors(capture.request_descriptors, input);
  if (output) params(capture.response_parameters, output);
  if (output) descriptors(capture.response_descriptors, output);
  return data;
}

/** An exception as the SDK's CapturedException writes it (the stack as path/line/label frames). */
function exception(err: unknown, remote: boolean): Doc {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err), name: '' }) as {
    message?: string;
    name?: string;
    stack?: string;
  };
  const stack = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((raw) => {
      let line = raw.trim().replace(/\(|\)/g, '');
      line = line.substring(line.indexOf(' ') + 1);
      const label = line.lastIndexOf(' ') >= 0 ? line.slice(0, line.lastIndexOf(' ')) : null;
      const path = line.slice(line.lastIndexOf(' ') + 1).split(':');
      return { path: path[0], line: parseInt(path[1] ?? '', 10), label: label || 'anonymous' };
    });
  return { message: e.message, type: e.name, stack, remote, id: randomBytes(8).toString('hex') };
}

const seconds = () => Date.now() / 1000;

/** host and port of the daemon: `host:port`, or `udp:host:port tcp:host:port` (either order). */
export function daemonAddress(value: string | undefined): { host: string; port: number } {
  const udp = (value ?? '').split(/\s+/).find((p) => p.startsWith('udp:')) ?? (value ?? '').split(/\s+/).find((p) => !p.startsWith('tcp:'));
  const m = /^(?:udp:)?(.+):(\d+)$/.exec(udp ?? '');
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: '127.0.0.1', port: 2000 };
}

export interface LightTracerOptions {
  /** The `Service` annotation (Powertools: POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
}

interface SdkClient {
  readonly middlewareStack: {
    add(mw: unknown, opts: { name: string; step: 'build' }): void;
    remove(name: string): boolean;
  };
  readonly config: { region: () => Promise<string> | string };
}

export class LightTracer {
  private readonly storage = new AsyncLocalStorage<Open>();
  private readonly sending = new Set<Promise<void>>();
  /** The socket to the daemon and its address, read once (Lambda sets AWS_XRAY_DAEMON_ADDRESS before init). */
  private daemon: { socket: Socket; host: string; port: number } | undefined;
  /** As Powertools: a cold start only when Lambda says the environment started on demand (not provisioned, not SnapStart). */
  private coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';

  constructor(private readonly opts: LightTracerOptions) {}

  /** Adds the subsegment middleware to an AWS SDK v3 client (idempotent, as captureAWSv3Client). */
  captureAWSv3Client = <T>(client: T): T => {
    const c = client as unknown as SdkClient;
    c.middlewareStack.remove('XRaySDKInstrumentation');
    c.middlewareStack.add(this.middleware(c.config), { name: 'XRaySDKInstrumentation', step: 'build' });
    return client;
  };

  /** The handler, each invocation a subsegment `## <_HANDLER>` (Powertools' captureLambdaHandler). */
  traced<E, C, R>(handler: (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
    return async (event, context) => {
      const cold = this.coldStart;
      this.coldStart = false;
      const trace = getXrayTraceDataFromEnv();
      if (!trace?.Root || !trace.Parent) return handler(event, context);
      const extra = Object.entries(trace)
        .filter(([k, v]) => !['root', 'parent', 'sampled', 'self'].includes(k.toLowerCase()) && v)
        .map(([k, v]) => `;${k}=${v}`)
        .join('');
      const open: Open = { traceId: trace.Root, id: randomBytes(8).toString('hex'), sampled: trace.Sampled === '1', extra };
      const doc: Doc = { id: open.id, name: `## ${process.env._HANDLER}`, start_time: seconds() };
      doc.annotations = { ColdStart: cold, Service: this.opts.serviceName };
      try {
        return await this.storage.run(open, () => handler(event, context));
      } catch (error) {
        doc.fault = true;
        doc.cause = { working_directory: process.cwd(), exceptions: [exception(error, false)] };
        throw error;
      } finally {
        this.close(open, doc, trace.Parent);
        await this.flush();
      }
    };
  }

  /** Waits for the subsegments sent so far (the invocation ends after them). */
  async flush(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  private middleware(config: SdkClient['config']) {
    return (next: (args: BuildArgs) => Promise<BuildOutput>, context: { clientName: string; commandName: string }) =>
      async (args: BuildArgs): Promise<BuildOutput> => {
        const open = this.storage.getStore();
        if (!open) return next(args);
        const service = context.clientName.slice(0, -6);
        const op = context.commandName.slice(0, -7);
        const id = randomBytes(8).toString('hex');
        args.request.headers['X-Amzn-Trace-Id'] = `Root=${open.traceId};Parent=${id};Sampled=${open.sampled ? '1' : '0'}${open.extra}`;
        if (!open.sampled) return next(args);
        const doc: Doc = { id, name: service, start_time: seconds(), namespace: 'aws' };
        const input = (args.input ?? {}) as Doc;
        const describe = async (output: Doc | undefined, meta: Metadata | undefined, headers: Record<string, string> | undefined) => {
          const status = meta?.httpStatusCode;
          doc.aws = {
            operation: op,
            region: await config.region(),
            ...(meta?.requestId ? { request_id: meta.requestId } : {}),
            retries: meta?.attempts ?? 0,
            ...(meta?.extendedRequestId && service.toLowerCase() === 's3' ? { id_2: meta.extendedRequestId } : {}),
            ...captured(WHITELIST[service.toLowerCase()]?.[op.charAt(0).toLowerCase() + op.slice(1)], input, output),
          };
          const http: { response?: { status?: number; content_length?: number } } = {};
          if (status) http.response = { status };
          if (headers?.['content-length'] !== undefined)
            http.response = { ...http.response, content_length: parseInt(headers['content-length'], 10) };
          doc.http = http;
          return status;
        };
        const flags = (
          status: number | undefined,
          err?: { name?: string; $metadata?: Metadata; $retryable?: { throttling?: boolean } },
        ) => {
          // status is the error's $metadata.httpStatusCode when there is an error (as aws3_p's two 429 checks).
          if (status === 429 || THROTTLING.has(err?.name ?? '') || err?.$retryable?.throttling === true) doc.throttle = true;
          if (status !== undefined && status >= 500 && status < 600) doc.fault = true;
          else if (status !== undefined && status >= 400 && status < 500) doc.error = true;
        };
        try {
          const res = await next(args);
          if (!res) throw new Error('Failed to get response from instrumented AWS Client.');
          flags(await describe(res.output, res.output?.$metadata as Metadata | undefined, res.response?.headers));
          this.close(open, doc);
          return res;
        } catch (err) {
          const e = err as { $metadata?: Metadata; name?: string; message?: string; stack?: string };
          if (e.$metadata) flags(await describe(undefined, e.$metadata, undefined), e);
          doc.fault = true;
          doc.cause = {
            working_directory: process.cwd(),
            exceptions: [exception({ message: e.message, name: e.name, stack: e.stack ?? new Error().stack }, true)],
          };
          this.close(open, doc);
          throw err;
        }
      };
  }

  /** Ends a subsegment and sends it to the daemon (a failed send is dropped, as the SDK's). */
  private close(open: Open, doc: Doc, parentId?: string): void {
    if (!open.sampled) return;
    doc.end_time = seconds();
    doc.type = 'subsegment';
    doc.parent_id = parentId ?? open.id;
    doc.trace_id = open.traceId;
    const message = Buffer.from(`{"format":"json","version":1}\n${JSON.stringify(doc)}`);
    if (!this.daemon) {
      const socket = createSocket('udp4');
      socket.unref();
      socket.on('error', () => undefined);
      this.daemon = { socket, ...daemonAddress(process.env.AWS_XRAY_DAEMON_ADDRESS) };
    }
    const { socket, host, port } = this.daemon;
    const sent = new Promise<void>((resolve) => socket.send(message, port, host, () => resolve()));
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }
}

interface Metadata {
  readonly httpStatusCode?: number;
  readonly requestId?: string;
  readonly extendedRequestId?: string;
  readonly attempts?: number;
}
interface BuildArgs {
  readonly input?: unknown;
  readonly request: { headers: Record<string, string> };
}
interface BuildOutput {
  readonly output?: Doc & { $metadata?: unknown };
  readonly response?: { headers?: Record<string, string> };
}
