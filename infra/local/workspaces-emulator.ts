/**
 * A local Amazon WorkSpaces and AWS Directory Service (docs/DESKTOPS.md, "as strict as AWS"): one
 * in-process HTTP server speaking three real protocols, so the real SDK clients talk to it through
 * `endpoint`:
 * - WorkSpaces, awsJson1.1 (`POST /`, `X-Amz-Target: WorkspacesService.<Op>`): CreateWorkspaces,
 *   DescribeWorkspaces, TerminateWorkspaces, StopWorkspaces, ModifyWorkspaceState, DescribeTags;
 * - Directory Service, awsJson1.1 (`X-Amz-Target: DirectoryService_20150416.<Op>`): ResetUserPassword;
 * - Directory Service Data, REST-JSON (`POST /Users/<Op>?DirectoryId=…`): CreateUser, DescribeUser,
 *   DeleteUser, DisableUser, ListUsers.
 * Errors in each protocol's shape (`x-amzn-ErrorType`, `{"__type"|"message"}`), so SDKs raise the typed exception.
 *
 * Strict like AWS: a desktop for a user not in the directory (ResourceNotFound.User), a user name over
 * 20 characters or not `[\w\-.]+` (ValidationException), a duplicate user (ConflictException), more
 * desktops than `maxWorkspaces` (ResourceLimitExceeded), a state change from a state AWS refuses it in,
 * more than 25 ids per call, a directory id that is not `d-` + 10 hex digits.
 * Faults: throttling (`injectThrottling`), a new desktop that goes into ERROR (`failNextDesktops`),
 * a new desktop visible in Describe only after `describeDelayMs`. Also at `POST /_control` (local only).
 *
 * States: PENDING → AVAILABLE (or ERROR), TERMINATING → TERMINATED, STOPPING → STOPPED after
 * `provisionDelayMs`, evaluated lazily on each request (0 = settled on the next call). TERMINATED
 * WorkSpaces vanish from DescribeWorkspaces, as on AWS, but stay in `list()`.
 * With `statePath`, desktops and users survive a restart (JSON, written shortly after each change).
 *
 * Run alone: `tsx infra/local/workspaces-emulator.ts --port 4599 [--host 127.0.0.1] [--provision-delay-ms 2000] [--state FILE]`.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { plainRequest, writeReply, type PlainReply, type PlainRequest, type Responder } from './in-process-http.ts';
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
  /** A new WorkSpace shows in DescribeWorkspaces only this long after its creation (eventual consistency). Default 0. */
  readonly describeDelayMs?: number;
  /** The account's WorkSpaces quota (not terminated ones). Default 1000. */
  readonly maxWorkspaces?: number;
  /** Persist desktops and users in this JSON file (npm start); in memory when absent. */
  readonly statePath?: string;
}

/** A directory user as the emulator stores it. */
export interface EmulatedUser {
  readonly DirectoryId: string;
  readonly SAMAccountName: string;
  readonly SID: string;
  Enabled: boolean;
  GivenName?: string;
  Surname?: string;
  /** Set by ResetUserPassword (the emulator keeps it so a test can sign in). */
  password?: string;
}

/** A WorkSpace as the emulator stores it (the DescribeWorkspaces shape). */
export type EmulatedWorkspace = Workspace & Required<Pick<Workspace, 'WorkspaceId' | 'DirectoryId' | 'UserName' | 'BundleId' | 'State'>>;

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
  /** Answers a request as the HTTP listener does, without the socket (the test clock's in-process transport). */
  readonly respond: Responder;
  /** Every request received, oldest first, refused ones included (the same array across `reset()`). */
  readonly calls: readonly EmulatorCall[];
  /** All WorkSpaces, terminated ones included, in creation order. */
  list(): EmulatedWorkspace[];
  /** Forgets all WorkSpaces, users, calls and pending faults. */
  reset(): void;
  /** A copy of the desktops and users (fault tests rewind to it with `restore`). */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  /** The next `n` requests answer 400 ThrottlingException. */
  injectThrottling(n: number): void;
  /** The next `n` WorkSpaces created settle into ERROR instead of AVAILABLE. */
  failNextDesktops(n: number): void;
  setDescribeDelay(ms: number): void;
  /** Directory users (all directories). */
  users(): EmulatedUser[];
  /** Behind the system's back (fault and reconciler tests): remove a user, change or add a desktop. */
  tamper: {
    deleteUser(name: string): void;
    terminate(workspaceId: string): void;
    setState(workspaceId: string, state: WorkspaceState): void;
    /** A desktop that is not ours (no tags), with its own directory user. */
    addForeign(directoryId: string, bundleId: string, userName: string): string;
  };
  close(): Promise<void>;
}

const TARGET_PREFIX = 'WorkspacesService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** CreateWorkspaces, TerminateWorkspaces and DescribeWorkspaces (ids, Limit) take at most 25. */
const MAX_BATCH = 25;
const DIRECTORY_ID = /^d-[0-9a-z]{8,63}$/;
/** The Directory Service APIs' own pattern. */
const DS_DIRECTORY_ID = /^d-[0-9a-f]{10}$/;
const SAM_ACCOUNT_NAME = /^[\w\-.]{1,20}$/;
const DS_TARGET_PREFIX = 'DirectoryService_20150416.';
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
const SETTLES_INTO: Partial<Record<WorkspaceState, WorkspaceState>> = {
  PENDING: 'AVAILABLE',
  TERMINATING: 'TERMINATED',
  STOPPING: 'STOPPED',
};
/** ModifyWorkspaceState: the states each target can be reached from. */
const REACHABLE_FROM: Record<string, readonly WorkspaceState[]> = {
  ADMIN_MAINTENANCE: ['AVAILABLE', 'STOPPED'],
  AVAILABLE: ['ADMIN_MAINTENANCE'],
};

/** An error answered in the awsJson1.1 shape: HTTP 400 (500 for InternalServerException). */
class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly members: Readonly<Record<string, unknown>> = {},
    /** REST-JSON (the Data API) answers with the error's own status. */
    readonly status = type === 'InternalServerException' ? 500 : 400,
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
  let describeDelayMs = options.describeDelayMs ?? 0;
  const maxWorkspaces = options.maxWorkspaces ?? 1000;

  interface Stored {
    /** Creation order; DescribeWorkspaces pages and NextToken follow it. */
    readonly seq: number;
    workspace: EmulatedWorkspace;
    /** When the current transitional state ends (epoch ms). */
    settlesAt: number;
    /** Shown by DescribeWorkspaces from then on (epoch ms). */
    visibleAt?: number;
    /** Settles into ERROR instead of AVAILABLE. */
    fails?: boolean;
    tags?: { Key: string; Value?: string }[];
  }
  const byId = new Map<string, Stored>();
  /** Directory users by lower-cased `<directory>/<name>` (names compare case-insensitively). */
  const users = new Map<string, EmulatedUser>();
  const userKey = (directoryId: string, name: string) => `${directoryId}/${name.toLowerCase()}`;
  const calls: EmulatorCall[] = [];
  let nextSeq = 1;
  let throttleNext = 0;
  let failNext = 0;

  // Indexes over byId, so that no call scans every WorkSpace (a simulation creates tens of thousands):
  // the transitional ones (settle), and the live (not TERMINATED) ones by directory user (the quota and
  // one-WorkSpace-per-user checks, DescribeWorkspaces by user). Kept by put/setState, rebuilt by reindex.
  const transitional = new Set<Stored>();
  const liveByUser = new Map<string, Set<Stored>>();
  let liveCount = 0;
  const liveKey = (s: Stored) => userKey(s.workspace.DirectoryId, s.workspace.UserName);
  function indexIn(s: Stored): void {
    if (SETTLES_INTO[s.workspace.State]) transitional.add(s);
    if (s.workspace.State === 'TERMINATED') return;
    liveCount++;
    const k = liveKey(s);
    liveByUser.set(k, (liveByUser.get(k) ?? new Set()).add(s));
  }
  function indexOut(s: Stored): void {
    transitional.delete(s);
    if (s.workspace.State === 'TERMINATED') return;
    liveCount--;
    const k = liveKey(s);
    liveByUser.get(k)?.delete(s);
    if (liveByUser.get(k)?.size === 0) liveByUser.delete(k);
  }
  function put(s: Stored): void {
    byId.set(s.workspace.WorkspaceId, s);
    indexIn(s);
  }
  function setState(s: Stored, State: WorkspaceState): void {
    indexOut(s);
    s.workspace = { ...s.workspace, State };
    indexIn(s);
  }
  function reindex(): void {
    transitional.clear();
    liveByUser.clear();
    liveCount = 0;
    for (const s of byId.values()) indexIn(s);
  }

  if (options.statePath && existsSync(options.statePath)) {
    const saved = JSON.parse(readFileSync(options.statePath, 'utf8')) as { workspaces: Stored[]; users: EmulatedUser[]; nextSeq: number };
    for (const w of saved.workspaces) put(w);
    for (const u of saved.users) users.set(userKey(u.DirectoryId, u.SAMAccountName), u);
    nextSeq = saved.nextSeq;
  }
  let saveTimer: NodeJS.Timeout | null = null;
  function saveNow(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (!options.statePath) return;
    mkdirSync(dirname(options.statePath), { recursive: true });
    const tmp = `${options.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ workspaces: [...byId.values()], users: [...users.values()], nextSeq }));
    renameSync(tmp, options.statePath);
  }
  function changed(): void {
    if (options.statePath && !saveTimer) saveTimer = setTimeout(saveNow, 200);
  }

  /** Moves every transitional WorkSpace whose delay has passed into its settled state. */
  function settle(now: number): void {
    for (const s of [...transitional]) {
      const into = SETTLES_INTO[s.workspace.State];
      if (into && now >= s.settlesAt) {
        setState(s, into === 'AVAILABLE' && s.fails ? 'ERROR' : into);
        changed();
      }
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
    if (!users.has(userKey(directory, user))) {
      return ['ResourceNotFound.User', `The user ${user} could not be found in the directory ${directory}.`];
    }
    if (liveCount >= maxWorkspaces) {
      return ['ResourceLimitExceeded', `The WorkSpaces quota of this account (${maxWorkspaces}) is reached.`];
    }
    const taken = (liveByUser.get(userKey(directory, user))?.size ?? 0) > 0;
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
      const tags = Array.isArray(request.Tags) ? (request.Tags as { Key: string; Value?: string }[]) : [];
      const fails = failNext > 0 ? (failNext--, true) : undefined;
      put({
        seq: nextSeq++,
        workspace,
        settlesAt: now + delayMs,
        visibleAt: now + describeDelayMs,
        tags,
        ...(fails ? { fails } : {}),
      });
      changed();
      pending.push(workspace);
    }
    return { FailedRequests: failed, PendingRequests: pending };
  }

  function describeWorkspaces(input: JsonObject, now: number): DescribeWorkspacesResult {
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
    // The candidates in creation order: the named WorkSpaces, a user's, or all.
    const bySeq = (xs: Iterable<Stored | undefined>) =>
      [...new Set(xs)].filter((x): x is Stored => x !== undefined).sort((a, b) => a.seq - b.seq);
    const candidates =
      ids !== undefined
        ? bySeq(ids.map((id) => (typeof id === 'string' ? byId.get(id) : undefined)))
        : directoryId !== undefined && userName !== undefined
          ? bySeq(liveByUser.get(userKey(directoryId, userName)) ?? [])
          : [...byId.values()];
    const matching = candidates.filter(
      ({ seq, workspace: w }) =>
        seq > after &&
        w.State !== 'TERMINATED' &&
        now >= (byId.get(w.WorkspaceId)?.visibleAt ?? 0) &&
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
        stored.settlesAt = now + delayMs;
        setState(stored, 'TERMINATING');
        changed();
      }
    }
    return { FailedRequests: failed };
  }

  /** AUTO_STOP WorkSpaces in AVAILABLE, IMPAIRED, UNHEALTHY or ERROR stop; others are refused (as on AWS). */
  function stopWorkspaces(input: JsonObject, now: number): TerminateWorkspacesResult {
    const failed: FailedWorkspaceChangeRequest[] = [];
    for (const item of batch(input, 'StopWorkspaceRequests', true) ?? []) {
      const id = isObject(item) && typeof item.WorkspaceId === 'string' ? item.WorkspaceId : undefined;
      const stored = id === undefined ? undefined : visible(id);
      if (!stored) {
        failed.push({
          WorkspaceId: id,
          ErrorCode: 'ResourceNotFound.WorkSpace',
          ErrorMessage: `The WorkSpace ${String(id)} could not be found.`,
        });
        continue;
      }
      const w = stored.workspace;
      const mode = (w.WorkspaceProperties as { RunningMode?: string } | undefined)?.RunningMode ?? 'ALWAYS_ON';
      if (mode !== 'AUTO_STOP' || !['AVAILABLE', 'IMPAIRED', 'UNHEALTHY', 'ERROR'].includes(w.State)) {
        failed.push({
          WorkspaceId: id,
          ErrorCode: 'InvalidResourceState',
          ErrorMessage: `The WorkSpace ${id} (${mode}, ${w.State}) cannot be stopped.`,
        });
        continue;
      }
      stored.settlesAt = now + delayMs;
      setState(stored, 'STOPPING');
      changed();
    }
    return { FailedRequests: failed };
  }

  function describeTags(input: JsonObject): object {
    const id = requiredString(input, 'ResourceId');
    const stored = visible(id);
    if (!stored) throw new ServiceError('ResourceNotFoundException', `The resource ${id} could not be found.`, { ResourceId: id });
    return { TagList: stored.tags ?? [] };
  }

  /** DS ResetUserPassword (awsJson1.1): sets the password and enables the user. */
  function resetUserPassword(input: JsonObject): object {
    const directoryId = requiredString(input, 'DirectoryId');
    const name = requiredString(input, 'UserName');
    const password = requiredString(input, 'NewPassword');
    if (!DS_DIRECTORY_ID.test(directoryId))
      throw validationError('directoryId', directoryId, 'Member must satisfy regular expression pattern: ^d-[0-9a-f]{10}$');
    const user = users.get(userKey(directoryId, name));
    if (!user) throw new ServiceError('UserDoesNotExistException', `The user ${name} does not exist.`);
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
    if (password.length < 8 || password.length > 127 || classes < 3)
      throw new ServiceError('InvalidPasswordException', 'The new password does not meet the password policy.');
    user.password = password;
    user.Enabled = true;
    changed();
    return {};
  }

  /** The Directory Service Data API (REST-JSON): /Users/<Op>?DirectoryId=… */
  function dataApi(op: string, directoryId: string | null, input: JsonObject): object {
    if (!directoryId || !DS_DIRECTORY_ID.test(directoryId))
      throw new ServiceError('ValidationException', 'DirectoryId must match d-[0-9a-f]{10}', { Reason: 'INVALID_DIRECTORY_TYPE' });
    const nameOf = () => {
      const name = input.SAMAccountName;
      if (typeof name !== 'string' || !SAM_ACCOUNT_NAME.test(name))
        throw new ServiceError(
          'ValidationException',
          `SAMAccountName must be 1 to 20 characters of [\\w\\-.], got ${JSON.stringify(name)}`,
          { Reason: 'INVALID_ATTRIBUTE_VALUE' },
        );
      return name;
    };
    const existing = (name: string) => {
      const u = users.get(userKey(directoryId, name));
      if (!u) throw new ServiceError('ResourceNotFoundException', `The user ${name} does not exist.`, {}, 404);
      return u;
    };
    switch (op) {
      case 'CreateUser': {
        const name = nameOf();
        if (users.has(userKey(directoryId, name))) throw new ServiceError('ConflictException', `The user ${name} already exists.`, {}, 409);
        const sid = `S-1-5-21-${randomInt(1e9)}-${randomInt(1e9)}-${nextSeq++}`;
        const user: EmulatedUser = { DirectoryId: directoryId, SAMAccountName: name, SID: sid, Enabled: false };
        if (typeof input.GivenName === 'string') user.GivenName = input.GivenName;
        if (typeof input.Surname === 'string') user.Surname = input.Surname;
        users.set(userKey(directoryId, name), user);
        changed();
        return { DirectoryId: directoryId, SAMAccountName: name, SID: sid };
      }
      case 'DescribeUser': {
        const u = existing(nameOf());
        return {
          DirectoryId: directoryId,
          SAMAccountName: u.SAMAccountName,
          SID: u.SID,
          Enabled: u.Enabled,
          GivenName: u.GivenName,
          Surname: u.Surname,
        };
      }
      case 'DeleteUser': {
        const u = existing(nameOf());
        users.delete(userKey(directoryId, u.SAMAccountName));
        changed();
        return {};
      }
      case 'DisableUser': {
        existing(nameOf()).Enabled = false;
        changed();
        return {};
      }
      case 'ListUsers': {
        const max = input.MaxResults ?? 250;
        if (typeof max !== 'number' || max < 1 || max > 250)
          throw new ServiceError('ValidationException', 'MaxResults must be 1 to 250', { Reason: 'INVALID_ATTRIBUTE_VALUE' });
        const all = [...users.values()].filter((u) => u.DirectoryId === directoryId);
        const start = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString('utf8')) || 0 : 0;
        const page = all.slice(start, start + max);
        return {
          DirectoryId: directoryId,
          Users: page.map((u) => ({
            SAMAccountName: u.SAMAccountName,
            SID: u.SID,
            Enabled: u.Enabled,
            GivenName: u.GivenName,
            Surname: u.Surname,
          })),
          ...(start + max < all.length ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
        };
      }
      default:
        throw new ServiceError('UnknownOperationException', `Unknown operation: ${op}`, {}, 404);
    }
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
    setState(stored, target as WorkspaceState);
    changed();
    return {};
  }

  const operations: Record<string, (input: JsonObject, now: number) => object> = {
    CreateWorkspaces: createWorkspaces,
    DescribeWorkspaces: describeWorkspaces,
    TerminateWorkspaces: terminateWorkspaces,
    ModifyWorkspaceState: modifyWorkspaceState,
    StopWorkspaces: stopWorkspaces,
    DescribeTags: describeTags,
    'ds:ResetUserPassword': resetUserPassword,
  };

  /** Answers one request; throws ServiceError for any refusal. */
  function dispatch(method: string, body: string, call: { op: string; input: unknown }, url: URL): object {
    const rest = url.pathname.startsWith('/Users/');
    const operation = method === 'POST' && (rest || Object.hasOwn(operations, call.op)) ? (rest ? null : operations[call.op]) : undefined;
    if (operation === undefined)
      throw new ServiceError('UnknownOperationException', `Unknown operation: ${call.op || '(no X-Amz-Target)'}`);
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
      throw new ServiceError('ThrottlingException', 'Rate exceeded', {}, rest ? 429 : 400);
    }
    const now = Date.now();
    settle(now);
    if (rest) return dataApi(url.pathname.slice('/Users/'.length), url.searchParams.get('DirectoryId'), input);
    return operation!(input, now);
  }

  /** Local-only fault switches: {"throttle": n, "failNextDesktops": n, "describeDelayMs": ms}. */
  function control(body: string): object {
    const c = JSON.parse(body || '{}') as { throttle?: number; failNextDesktops?: number; describeDelayMs?: number };
    if (typeof c.throttle === 'number') throttleNext = c.throttle;
    if (typeof c.failNextDesktops === 'number') failNext = c.failNextDesktops;
    if (typeof c.describeDelayMs === 'number') describeDelayMs = c.describeDelayMs;
    return { throttle: throttleNext, failNextDesktops: failNext, describeDelayMs };
  }

  const json = (status: number, headers: Record<string, string>, value: unknown): PlainReply => ({
    status,
    headers,
    body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  });

  /** Answers one request (the HTTP listener's, or in-process: ./in-process-http.ts). */
  async function respond(req: PlainRequest): Promise<PlainReply> {
    const url = new URL(req.url, 'http://emulator');
    if (url.pathname === '/_control' && req.method === 'POST') {
      try {
        return json(200, { 'content-type': 'application/json' }, control(req.body.toString('utf8')));
      } catch {
        return json(400, { 'content-type': 'application/json' }, '{"message":"bad control body"}');
      }
    }
    const rest = url.pathname.startsWith('/Users/');
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = rest
      ? `ds-data:${url.pathname.slice('/Users/'.length)}`
      : target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : target.startsWith(DS_TARGET_PREFIX)
          ? `ds:${target.slice(DS_TARGET_PREFIX.length)}`
          : target;
    const call: { op: string; at: number; input: unknown; output?: unknown; error?: string } = { op, at: Date.now(), input: undefined };
    calls.push(call);
    const headers: Record<string, string> = { 'content-type': rest ? 'application/json' : CONTENT_TYPE, 'x-amzn-requestid': randomUUID() };
    try {
      const output = dispatch(req.method, req.body.toString('utf8'), call, url);
      call.output = output;
      return json(200, headers, output);
    } catch (e) {
      const error = e instanceof ServiceError ? e : new ServiceError('InternalServerException', String(e));
      call.error = error.type;
      const status = rest ? error.status : error.type === 'InternalServerException' ? 500 : 400;
      const payload = rest
        ? { message: error.message, ...error.members }
        : { __type: error.type, message: error.message, ...error.members };
      return json(status, { ...headers, 'x-amzn-errortype': error.type }, payload);
    }
  }

  const server = createServer(
    (req, res) =>
      void plainRequest(req)
        .then(respond)
        .then((r) => writeReply(res, r))
        .catch(() => res.destroy()),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    port,
    respond,
    calls,
    list() {
      settle(Date.now());
      return [...byId.values()].map((s) => ({ ...s.workspace }));
    },
    reset() {
      byId.clear();
      reindex();
      users.clear();
      calls.length = 0;
      throttleNext = 0;
      failNext = 0;
      changed();
    },
    injectThrottling(n) {
      throttleNext = n;
    },
    failNextDesktops(n) {
      failNext = n;
    },
    setDescribeDelay(ms) {
      describeDelayMs = ms;
    },
    users: () => [...users.values()].map((u) => ({ ...u })),
    snapshot: () => structuredClone({ workspaces: [...byId.values()], users: [...users.values()], nextSeq }),
    restore(snap) {
      const saved = structuredClone(snap) as { workspaces: Stored[]; users: EmulatedUser[]; nextSeq: number };
      byId.clear();
      users.clear();
      for (const w of saved.workspaces) byId.set(w.workspace.WorkspaceId, w);
      reindex();
      for (const u of saved.users) users.set(userKey(u.DirectoryId, u.SAMAccountName), u);
      nextSeq = saved.nextSeq;
      calls.length = 0;
      changed();
    },
    tamper: {
      deleteUser(name) {
        for (const [k, u] of users) if (u.SAMAccountName.toLowerCase() === name.toLowerCase()) users.delete(k);
        changed();
      },
      terminate(workspaceId) {
        const st = byId.get(workspaceId);
        if (st) setState(st, 'TERMINATED');
        changed();
      },
      setState(workspaceId, state) {
        const st = byId.get(workspaceId);
        if (st) setState(st, state);
        changed();
      },
      addForeign(directoryId, bundleId, userName) {
        const sid = `S-1-5-21-${randomInt(1e9)}`;
        users.set(userKey(directoryId, userName), { DirectoryId: directoryId, SAMAccountName: userName, SID: sid, Enabled: true });
        const workspace = {
          WorkspaceId: newWorkspaceId(),
          DirectoryId: directoryId,
          BundleId: bundleId,
          UserName: userName,
          State: 'AVAILABLE',
        } as EmulatedWorkspace;
        put({ seq: nextSeq++, workspace, settlesAt: 0, tags: [] });
        changed();
        return workspace.WorkspaceId;
      },
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        saveNow();
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
      state: { type: 'string' },
    },
  });
  const emulator = await startWorkspacesEmulator({
    port: Number(values.port),
    host: values.host,
    provisionDelayMs: Number(values['provision-delay-ms']),
    statePath: values.state,
  });
  console.log(`WorkSpaces emulator listening on ${emulator.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void emulator.close().then(() => process.exit(0)));
  }
}
