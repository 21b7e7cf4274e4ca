/**
 * A local Amazon WorkSpaces: an in-process HTTP server speaking the service's awsJson1.1 protocol
 * (`POST /`, `X-Amz-Target: WorkspacesService.<Op>`), so the real `@aws-sdk/client-workspaces`
 * talks to it through `endpoint`. It implements CreateWorkspaces, DescribeWorkspaces,
 * TerminateWorkspaces and ModifyWorkspaceState with AWS's limits, paging and error shapes
 * (HTTP 400, `{"__type", "message"}` and `x-amzn-ErrorType`, so the SDK raises the typed exception).
 *
 * States: PENDING → AVAILABLE and TERMINATING → TERMINATED after `provisionDelayMs`, evaluated
 * lazily on each request (0 = settled on the next call). TERMINATED WorkSpaces vanish from
 * DescribeWorkspaces, as on AWS, but stay in `list()`.
 *
 * Differences from AWS: there are no users or directories to look up — any well-formed
 * directory/bundle id exists (ids may use `[0-9a-z]`, AWS directory ids are hex) and any user name
 * is a directory user. User names compare case-insensitively, like the directory's.
 *
 * Run alone: `tsx infra/local/workspaces-emulator.ts --port 4599 [--host 127.0.0.1] [--provision-delay-ms 2000]`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type {
  CreateWorkspacesResult,
  DescribeWorkspacesResult,
  FailedCreateWorkspaceRequest,
  FailedWorkspaceChangeRequest,
  ModifyWorkspaceStateResult,
  TerminateWorkspacesResult,
  Workspace,
  WorkspaceRequest,
  WorkspaceState,
} from '@aws-sdk/client-workspaces';

export interface WorkspacesEmulatorOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** How long a WorkSpace stays PENDING after creation and TERMINATING after termination. Default 2000. */
  readonly provisionDelayMs?: number;
  /** npm start: the WorkSpaces are loaded from and saved to this JSON file (state across restarts). */
  readonly stateFile?: string;
}

/** A WorkSpace as the emulator stores it (the DescribeWorkspaces shape). */
export type EmulatedWorkspace = Workspace &
  Required<Pick<Workspace, 'WorkspaceId' | 'DirectoryId' | 'UserName' | 'BundleId' | 'State'>>;

/** One request received; `error` is the `__type` answered, if any. */
export interface EmulatorCall {
  readonly op: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** The parsed body; undefined when it was not JSON. */
  readonly input: unknown;
  /** The answer, when the call succeeded (what a recorder of effects reads). */
  readonly output?: unknown;
  readonly error?: string;
}

export interface WorkspacesEmulator {
  /** `http://host:port`, the SDK client's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first, refused ones included (the same array across `reset()`). */
  readonly calls: readonly EmulatorCall[];
  /** All WorkSpaces, terminated ones included, in creation order. */
  list(): EmulatedWorkspace[];
  /** Forgets all WorkSpaces, calls and pending faults. */
  reset(): void;
  /** The next `n` requests answer 400 ThrottlingException. */
  injectThrottling(n: number): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'WorkspacesService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** CreateWorkspaces, TerminateWorkspaces and DescribeWorkspaces (ids, Limit) take at most 25. */
const MAX_BATCH = 25;
const DIRECTORY_ID = /^d-[0-9a-z]{8,63}$/;
const BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** The WorkspaceRequest members a Workspace echoes back. */
const DESCRIBED_REQUEST_MEMBERS = [
  'DirectoryId',
  'UserName',
  'BundleId',
  'VolumeEncryptionKey',
  'UserVolumeEncryptionEnabled',
  'RootVolumeEncryptionEnabled',
  'WorkspaceProperties',
] as const;
/** Transitional states and the state each settles into after the delay. */
const SETTLES_INTO: Partial<Record<WorkspaceState, WorkspaceState>> = { PENDING: 'AVAILABLE', TERMINATING: 'TERMINATED' };
/** ModifyWorkspaceState: the states each target can be reached from. */
const REACHABLE_FROM: Record<string, readonly WorkspaceState[]> = {
  ADMIN_MAINTENANCE: ['AVAILABLE'],
  AVAILABLE: ['ADMIN_MAINTENANCE'],
};

/** An error answered in the awsJson1.1 shape: HTTP 400 (500 for InternalServerException). */
class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly members: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

const validationError = (path: string, value: unknown, constraint: string) =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${JSON.stringify(value)}' at '${path}' failed to satisfy constraint: ${constraint}`,
  );

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalString(input: JsonObject, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ServiceError('SerializationException', `${key} must be a string`);
  return v;
}

function requiredString(input: JsonObject, key: string): string {
  const v = optionalString(input, key);
  if (v === undefined) throw validationError(key, null, 'Member must not be null');
  return v;
}

/** A list member of 1..25 items. */
function batch(input: JsonObject, key: string, required: boolean): unknown[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required) throw validationError(key, null, 'Member must not be null');
    return undefined;
  }
  if (!Array.isArray(v)) throw new ServiceError('SerializationException', `${key} must be a list`);
  if (v.length < 1) throw validationError(key, v, 'Member must have length greater than or equal to 1');
  if (v.length > MAX_BATCH) {
    throw validationError(key, `[${v.length} items]`, `Member must have length less than or equal to ${MAX_BATCH}`);
  }
  return v;
}

/** Starts the emulator; resolves once it listens. */
export async function startWorkspacesEmulator(options: WorkspacesEmulatorOptions = {}): Promise<WorkspacesEmulator> {
  const host = options.host ?? '127.0.0.1';
  const delayMs = options.provisionDelayMs ?? 2000;

  interface Stored {
    /** Creation order; DescribeWorkspaces pages and NextToken follow it. */
    readonly seq: number;
    workspace: EmulatedWorkspace;
    /** When the current transitional state ends (epoch ms). */
    settlesAt: number;
  }
  const byId = new Map<string, Stored>();
  const calls: EmulatorCall[] = [];
  let nextSeq = 1;
  if (options.stateFile && existsSync(options.stateFile)) {
    for (const s of JSON.parse(readFileSync(options.stateFile, 'utf8')) as Stored[]) {
      byId.set(s.workspace.WorkspaceId, s);
      nextSeq = Math.max(nextSeq, s.seq + 1);
    }
  }
  const save = () => {
    if (options.stateFile) writeFileSync(options.stateFile, JSON.stringify([...byId.values()]));
  };
  let throttleNext = 0;

  /** Moves every transitional WorkSpace whose delay has passed into its settled state. */
  function settle(now: number): void {
    for (const s of byId.values()) {
      const into = SETTLES_INTO[s.workspace.State];
      if (into && now >= s.settlesAt) s.workspace = { ...s.workspace, State: into };
    }
  }

  /** A WorkSpace DescribeWorkspaces still shows (not TERMINATED). */
  function visible(id: string): Stored | undefined {
    const s = byId.get(id);
    return s && s.workspace.State !== 'TERMINATED' ? s : undefined;
  }

  function newWorkspaceId(): string {
    for (;;) {
      let id = 'ws-';
      for (let i = 0; i < 9; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!byId.has(id)) return id;
    }
  }

  /** Why one WorkspaceRequest cannot be honoured, as [ErrorCode, ErrorMessage]; undefined when it can. */
  function refusal(request: JsonObject): [string, string] | undefined {
    const { UserName: user, DirectoryId: directory, BundleId: bundle } = request;
    if (typeof user !== 'string' || user.length < 1 || user.length > 63) {
      return ['InvalidParameterValuesException', 'The user name must be 1 to 63 characters.'];
    }
    if (typeof directory !== 'string' || !DIRECTORY_ID.test(directory)) {
      return ['ResourceNotFound.Directory', `The directory ${String(directory)} could not be found.`];
    }
    if (typeof bundle !== 'string' || !BUNDLE_ID.test(bundle)) {
      return ['ResourceNotFound.Bundle', `The bundle ${String(bundle)} could not be found.`];
    }
    const taken = [...byId.values()].some(
      ({ workspace: w }) =>
        w.State !== 'TERMINATED' && w.DirectoryId === directory && w.UserName.toLowerCase() === user.toLowerCase(),
    );
    return taken ? ['ResourceExists.WorkSpace', 'A WorkSpace already exists for the specified user.'] : undefined;
  }

  function createWorkspaces(input: JsonObject, now: number): CreateWorkspacesResult {
    const pending: Workspace[] = [];
    const failed: FailedCreateWorkspaceRequest[] = [];
    for (const item of batch(input, 'Workspaces', true) ?? []) {
      const request = isObject(item) ? item : {};
      const refused = refusal(request);
      if (refused) {
        failed.push({ WorkspaceRequest: item as WorkspaceRequest, ErrorCode: refused[0], ErrorMessage: refused[1] });
        continue;
      }
      const described = Object.fromEntries(DESCRIBED_REQUEST_MEMBERS.filter((k) => k in request).map((k) => [k, request[k]]));
      const workspace = { ...described, WorkspaceId: newWorkspaceId(), State: 'PENDING' } as EmulatedWorkspace;
      byId.set(workspace.WorkspaceId, { seq: nextSeq++, workspace, settlesAt: now + delayMs });
      pending.push(workspace);
    }
    return { FailedRequests: failed, PendingRequests: pending };
  }

  function describeWorkspaces(input: JsonObject): DescribeWorkspacesResult {
    const ids = batch(input, 'WorkspaceIds', false);
    const directoryId = optionalString(input, 'DirectoryId');
    const userName = optionalString(input, 'UserName');
    const bundleId = optionalString(input, 'BundleId');
    const nextToken = optionalString(input, 'NextToken');
    const limit = input.Limit ?? MAX_BATCH;
    if (typeof limit !== 'number' || !Number.isInteger(limit)) {
      throw new ServiceError('SerializationException', 'Limit must be an integer');
    }
    if (limit < 1 || limit > MAX_BATCH) {
      throw validationError('limit', limit, `Member must have value between 1 and ${MAX_BATCH}`);
    }
    if ([ids, directoryId, bundleId].filter((f) => f !== undefined).length > 1) {
      throw new ServiceError('InvalidParameterValuesException', 'WorkspaceIds, DirectoryId and BundleId cannot be combined.');
    }
    if (userName !== undefined && directoryId === undefined) {
      throw new ServiceError('InvalidParameterValuesException', 'UserName must be specified with DirectoryId.');
    }
    const after = nextToken === undefined ? 0 : decodeToken(nextToken);
    const matching = [...byId.values()].filter(
      ({ seq, workspace: w }) =>
        seq > after &&
        w.State !== 'TERMINATED' &&
        (ids === undefined || ids.includes(w.WorkspaceId)) &&
        (directoryId === undefined || w.DirectoryId === directoryId) &&
        (userName === undefined || w.UserName.toLowerCase() === userName.toLowerCase()) &&
        (bundleId === undefined || w.BundleId === bundleId),
    );
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      Workspaces: page.map((s) => s.workspace),
      NextToken: matching.length > limit && last ? encodeToken(last.seq) : undefined,
    };
  }

  function terminateWorkspaces(input: JsonObject, now: number): TerminateWorkspacesResult {
    const failed: FailedWorkspaceChangeRequest[] = [];
    for (const item of batch(input, 'TerminateWorkspaceRequests', true) ?? []) {
      const id = isObject(item) && typeof item.WorkspaceId === 'string' ? item.WorkspaceId : undefined;
      const stored = id === undefined ? undefined : visible(id);
      if (!stored) {
        const ErrorMessage = `The WorkSpace ${String(id)} could not be found.`;
        failed.push({ WorkspaceId: id, ErrorCode: 'ResourceNotFound.WorkSpace', ErrorMessage });
      } else if (stored.workspace.State !== 'TERMINATING') {
        stored.workspace = { ...stored.workspace, State: 'TERMINATING' };
        stored.settlesAt = now + delayMs;
      }
    }
    return { FailedRequests: failed };
  }

  function modifyWorkspaceState(input: JsonObject): ModifyWorkspaceStateResult {
    const id = requiredString(input, 'WorkspaceId');
    const target = requiredString(input, 'WorkspaceState');
    const from = REACHABLE_FROM[target];
    if (!from) throw validationError('workspaceState', target, 'Member must satisfy enum value set: [AVAILABLE, ADMIN_MAINTENANCE]');
    const stored = visible(id);
    if (!stored) throw new ServiceError('ResourceNotFoundException', `The WorkSpace ${id} could not be found.`, { ResourceId: id });
    const state = stored.workspace.State;
    if (!from.includes(state)) {
      throw new ServiceError('InvalidResourceStateException', `The WorkSpace ${id} is ${state} and cannot be set to ${target}.`);
    }
    stored.workspace = { ...stored.workspace, State: target as WorkspaceState };
    return {};
  }

  const operations: Record<string, (input: JsonObject, now: number) => object> = {
    CreateWorkspaces: createWorkspaces,
    DescribeWorkspaces: describeWorkspaces,
    TerminateWorkspaces: terminateWorkspaces,
    ModifyWorkspaceState: modifyWorkspaceState,
  };

  /** Answers one request; throws ServiceError for any refusal. */
  function dispatch(req: IncomingMessage, body: string, call: { op: string; input: unknown }): object {
    const operation = req.method === 'POST' && Object.hasOwn(operations, call.op) ? operations[call.op] : undefined;
    if (!operation) throw new ServiceError('UnknownOperationException', `Unknown operation: ${call.op || '(no X-Amz-Target)'}`);
    let input: unknown;
    try {
      input = JSON.parse(body || '{}');
    } catch {
      throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
    }
    call.input = input;
    if (!isObject(input)) throw new ServiceError('SerializationException', 'The request body must be a JSON object.');
    if (throttleNext > 0) {
      throttleNext--;
      throw new ServiceError('ThrottlingException', 'Rate exceeded');
    }
    const now = Date.now();
    settle(now);
    return operation(input, now);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const call: { op: string; at: number; input: unknown; output?: unknown; error?: string } = { op, at: Date.now(), input: undefined };
    calls.push(call);
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() };
    try {
      const output = dispatch(req, Buffer.concat(chunks).toString('utf8'), call);
      call.output = output;
      if (!op.startsWith('Describe')) save();
      res.writeHead(200, headers).end(JSON.stringify(output));
    } catch (e) {
      const error = e instanceof ServiceError ? e : new ServiceError('InternalServerException', String(e));
      call.error = error.type;
      res
        .writeHead(error.type === 'InternalServerException' ? 500 : 400, { ...headers, 'x-amzn-errortype': error.type })
        .end(JSON.stringify({ __type: error.type, message: error.message, ...error.members }));
    }
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    port,
    calls,
    list() {
      settle(Date.now());
      return [...byId.values()].map((s) => ({ ...s.workspace }));
    },
    reset() {
      byId.clear();
      calls.length = 0;
      throttleNext = 0;
    },
    injectThrottling(n) {
      throttleNext = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** NextToken: the creation sequence number of the last WorkSpace returned, so pages survive deletions. */
function encodeToken(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeToken(token: string): number {
  const m = /^seq:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m?.[1]) throw new ServiceError('InvalidParameterValuesException', 'The NextToken is not valid.');
  return Number(m[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4599' },
      host: { type: 'string', default: '127.0.0.1' },
      'provision-delay-ms': { type: 'string', default: '2000' },
    },
  });
  const emulator = await startWorkspacesEmulator({
    port: Number(values.port),
    host: values.host,
    provisionDelayMs: Number(values['provision-delay-ms']),
  });
  console.log(`WorkSpaces emulator listening on ${emulator.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void emulator.close().then(() => process.exit(0)));
  }
}
