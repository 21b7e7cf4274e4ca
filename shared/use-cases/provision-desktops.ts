/**
 * The provisioner (Art 45, plan kokona; docs/DESKTOPS.md W1–W8): carries out one desktop job of the
 * outbox, one step per delivery. A job that must wait (desktops PENDING, STOPPING, TERMINATING)
 * records its progress, releases its lease and sends itself again as a delayed message (SQS
 * DelaySeconds; the in-process queue honours the delay): never a busy loop.
 * create:  accounts as items (W10) → directory users with sealed initial passwords (W1, W3) →
 *          CreateWorkspaces 25 per call, tagged (W4) → done when every desktop is AVAILABLE; ERROR is
 *          terminated and created again up to desktops.maxRecreate times.
 * suspend: AUTO_STOP desktops stopped, then ADMIN_MAINTENANCE (W7); resume: AVAILABLE.
 * delete:  TerminateWorkspaces 25 per call until Describe shows none, then the users go (W8, W1).
 * kit:     new initial passwords for the unit's accounts, then the kit mail (W3, operator reissue).
 * A permanent failure (W5) marks the job failed with the AWS code and mails the operator once.
 */
import { leaseOutboxItem } from './lease.ts';
import { randomInt } from 'node:crypto';
import { formatJst, jstDate } from '#domain/calendar.ts';
import { classifyFailure, firstAccountOf, lineUserNames } from '#domain/desktops.ts';
import { noticeId, type DesktopJob, type Notice } from '#domain/effects.ts';
import type { Line, Unit } from '#domain/unit.ts';
import {
  type AccountRecord,
  type AccountRepository,
  type AuditLog,
  type CoreDeps,
  type Desktop,
  type DesktopGateway,
  type DirectoryGateway,
  type KitRepository,
  type OutboxMessage,
  type OutboxRepository,
  type PasswordVault,
  type Queue,
} from './ports.ts';

export interface ProvisionDeps {
  readonly config: CoreDeps['config'];
  readonly clock: CoreDeps['clock'];
  readonly units: CoreDeps['units'];
  readonly publisher: CoreDeps['publisher'];
  readonly outbox: OutboxRepository;
  readonly desktops: DesktopGateway;
  readonly telemetry?: CoreDeps['telemetry'];
  readonly directory: DirectoryGateway;
  readonly accounts: AccountRepository;
  readonly kits: KitRepository;
  readonly vault: PasswordVault;
  /** The desktop queue: a waiting job sends itself here with a delay. */
  readonly recheck: Queue<OutboxMessage>;
  /** The audit trail: each job's outcome (done or failed) is recorded once, as the system principal. */
  readonly audit?: AuditLog;
}

export const WORKSPACES_BATCH = 25;
/** Transient failures of one job in a row before it is failed as RETRIES_EXHAUSTED (the queue backs off between). */
const MAX_TRANSIENT_ATTEMPTS = 8;
/** How long one step may take before a duplicate delivery may take it over (ms). */
const JOB_LEASE_MS = 5 * 60_000;
/** Directory calls in flight per job (the Data API's rate is per account and Region). */
const DIRECTORY_CONCURRENCY = 8;

type Step =
  | { readonly kind: 'done'; readonly result: Record<string, unknown> }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly userName?: string };

/** A permanent failure found inside a step. */
class PermanentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly userName?: string,
  ) {
    super(message);
  }
}

/**
 * W5 classifies what WorkSpaces or the directory answered (an SDK service exception carries `$metadata`).
 * Anything else — our own store failing, a crash, the network — is retried like a transient fault, bounded by
 * MAX_TRANSIENT_ATTEMPTS: it says nothing about the request, so it must never fail a job as permanent.
 */
const answeredByService = (e: unknown): boolean => typeof e === 'object' && e !== null && '$metadata' in e;

const codeOf = (e: unknown): string => {
  const err = e as { name?: string; code?: string; cause?: { code?: string } };
  const c = err?.cause?.code ?? err?.code;
  if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) return c;
  return err?.name && err.name !== 'Error' ? err.name : (c ?? 'Error');
};

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

async function inParallel<T>(xs: readonly T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  const queue = [...xs];
  await Promise.all(
    Array.from({ length: Math.min(n, queue.length) }, async () => {
      for (let x = queue.shift(); x !== undefined; x = queue.shift()) await f(x);
    }),
  );
}

export type ProvisionOutcome = 'done' | 'already-done' | 'unknown' | 'waiting' | 'failed';

export async function provisionDesktops(deps: ProvisionDeps, outboxId: string): Promise<ProvisionOutcome> {
  const lease = await leaseOutboxItem(deps.outbox, outboxId, 'desktop', JOB_LEASE_MS);
  if (typeof lease === 'string') return lease; // unknown, already done, or failed (W5: an operator reopens it)
  const entry = lease.taken;
  const job = entry.item;
  const progress = { startedAt: Date.now(), checks: 0, ...(entry.progress ?? {}) };
  let step: Step;
  try {
    step = await carryOut(deps, job, progress.startedAt);
  } catch (e) {
    const code = codeOf(e);
    if (e instanceof PermanentFailure) step = { kind: 'failed', code: e.code, message: e.message, userName: e.userName };
    else if (answeredByService(e) && classifyFailure(code) === 'permanent') step = { kind: 'failed', code, message: (e as Error).message };
    else if (entry.attempts + 1 >= MAX_TRANSIENT_ATTEMPTS)
      step = { kind: 'failed', code: 'RETRIES_EXHAUSTED', message: `${code}: ${(e as Error).message}` };
    else {
      await deps.outbox.recordAttempt(outboxId, `${code}: ${(e as Error).message}`); // releases the lease for the queue's retry
      throw e;
    }
  }
  switch (step.kind) {
    case 'done':
      if (await deps.outbox.complete(outboxId, step.result)) await recordOutcome(deps, job, outboxId, step.result);
      return 'done';
    case 'wait': {
      const checks = progress.checks + 1;
      await deps.outbox.release(outboxId, { ...progress, checks, waitingFor: step.reason });
      // Back-off: recheckSeconds, doubled each time, at most 900 s (SQS's DelaySeconds limit).
      const delaySeconds = Math.min(900, deps.config.desktops.recheckSeconds * 2 ** Math.min(checks - 1, 4));
      await deps.recheck.send([{ outboxId }], { delaySeconds });
      return 'waiting';
    }
    case 'failed':
      await failJob(deps, job, entry.retries ?? 0, step);
      return 'failed';
  }
}

/** The audit trail of a finished job (system principal; `after`: the outcome). */
async function recordOutcome(deps: ProvisionDeps, job: DesktopJob, outboxId: string, after: unknown): Promise<void> {
  await deps.audit?.record({
    at: formatJst(deps.clock.now()),
    actor: { id: 'system:provisioner', role: 'system' },
    action: `desktops.${job.action}`,
    unit: job.unitId,
    target: outboxId,
    after,
  });
}

/** W5: the job leaves the pending set for the failed list, and the operator gets one mail per failure. */
async function failJob(
  deps: ProvisionDeps,
  job: DesktopJob,
  retries: number,
  f: { code: string; message: string; userName?: string },
): Promise<void> {
  const at = deps.clock.now();
  const failure = {
    code: f.code,
    message: f.message.slice(0, 500),
    ...(f.userName ? { userName: f.userName } : {}),
    at: new Date(at).toISOString(),
    retries,
  };
  if (!(await deps.outbox.fail(job.id, failure))) return;
  await deps.audit?.record({
    at: formatJst(at),
    actor: { id: 'system:provisioner', role: 'system' },
    action: `desktops.${job.action}.failed`,
    unit: job.unitId,
    target: job.id,
    after: failure,
  });
  const date = jstDate(at);
  const notice: Notice = {
    kind: 'notice',
    id: noticeId({ unitId: job.unitId, type: 'desktop_job_failed', date, role: 'operator', discriminator: `${job.id}#${retries}` }),
    type: 'desktop_job_failed',
    unitId: job.unitId,
    lineId: job.lineId,
    date,
    role: 'operator',
    to: { name: '運用担当者', email: deps.config.mail.operatorAddress },
    data: {
      job: job.id,
      action: job.action,
      code: f.code,
      message: f.message.slice(0, 500),
      ...(f.userName ? { userName: f.userName } : {}),
    },
  };
  await deps.outbox.add([notice]);
  await deps.publisher.publish([notice]).catch(() => undefined); // the relay sweep publishes it otherwise
}

async function carryOut(deps: ProvisionDeps, job: DesktopJob, startedAt: number): Promise<Step> {
  const unit = await deps.units.get(job.unitId);
  if (!unit) throw new PermanentFailure('UNIT_NOT_FOUND', `unit ${job.unitId} not found`);
  if (job.action === 'kit') return issueKitPasswords(deps, unit, job);
  const line = unit.lines.find((l) => l.id === job.lineId);
  if (!line) throw new PermanentFailure('LINE_NOT_FOUND', `line ${job.lineId} of unit ${job.unitId} not found`);
  const accounts = await lineAccounts(deps, unit, line);
  switch (job.action) {
    case 'create':
      return createStep(deps, unit, accounts, startedAt);
    case 'suspend':
      return suspendStep(deps, accounts);
    case 'resume':
      return resumeStep(deps, accounts);
    case 'delete':
      return deleteStep(deps, accounts);
  }
}

/** W10: the line's accounts as items, written the first time a job of the line runs. */
async function lineAccounts(deps: ProvisionDeps, unit: Unit, line: Line): Promise<AccountRecord[]> {
  const stored = await deps.accounts.listByLine(unit.id, line.id);
  const names = lineUserNames(unit, line);
  if (stored.length >= names.length) return stored;
  const have = new Set(stored.map((a) => a.userName));
  const first = firstAccountOf(unit, line);
  const added = names
    .map((userName, i) => ({ unitId: unit.id, lineId: line.id, userName, number: first + i }))
    .filter((a) => !have.has(a.userName));
  await deps.accounts.putAll(added);
  return [...stored, ...added].sort((a, b) => a.number - b.number);
}

/** 16 characters from four classes (AD complexity), without look-alikes. */
export function initialPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '#%+-=?@_'];
  const all = sets.join('');
  const chars = [...sets.map((s) => s[randomInt(s.length)]!), ...Array.from({ length: 12 }, () => all[randomInt(all.length)]!)];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** W1, W3: directory users for accounts without one, each with a sealed random initial password. */
async function ensureUsers(deps: ProvisionDeps, unit: Unit, accounts: AccountRecord[]): Promise<void> {
  const missing = accounts.filter((a) => !a.userCreated && !a.deleted);
  for (const batch of chunks(missing, 50)) {
    const passwords = batch.map(() => initialPassword());
    await inParallel(
      batch.map((a, i) => [a, passwords[i]!] as const),
      DIRECTORY_CONCURRENCY,
      async ([a, pw]) => {
        await deps.directory.createUser(a.userName, { givenName: a.userName, surname: unit.id.slice(0, 64) });
        await deps.directory.setPassword(a.userName, pw);
      },
    );
    const sealed = await deps.vault.seal(passwords);
    const updated = batch.map((a, i) => ({ ...a, userCreated: true, sealedPassword: sealed[i]! }));
    await deps.accounts.putAll(updated);
    for (const u of updated) accounts[accounts.findIndex((a) => a.userName === u.userName)] = u;
  }
}

async function createStep(deps: ProvisionDeps, unit: Unit, accounts: AccountRecord[], startedAt: number): Promise<Step> {
  const cfg = deps.config.desktops;
  await ensureUsers(deps, unit, accounts);
  const save = async (changed: AccountRecord[]) => {
    await deps.accounts.putAll(changed);
    for (const c of changed) accounts[accounts.findIndex((a) => a.userName === c.userName)] = c;
  };

  // W4: create the missing desktops, recording each batch's ids at once.
  let transient = 0;
  for (const batch of chunks(
    accounts.filter((a) => !a.workspaceId && !a.deleted),
    WORKSPACES_BATCH,
  )) {
    const r = await deps.desktops.create(batch.map((a) => ({ userName: a.userName, unitId: a.unitId, lineId: a.lineId })));
    if (r.created.length) deps.telemetry?.count('DesktopsCreated', r.created.length);
    if (r.failed.length) deps.telemetry?.count('DesktopsFailed', r.failed.length);
    const byUser = new Map(batch.map((a) => [a.userName.toLowerCase(), a]));
    const changed: AccountRecord[] = r.created.flatMap((d) => {
      const a = byUser.get(d.userName.toLowerCase());
      return a ? [{ ...a, workspaceId: d.workspaceId }] : [];
    });
    for (const f of r.failed) {
      const a = byUser.get(f.userName.toLowerCase());
      if (f.code === 'ResourceExists.WorkSpace' && a) {
        // A crash between CreateWorkspaces and recording its id: the desktop exists, adopt it.
        const existing = await deps.desktops.findByUserName(a.userName);
        if (existing) changed.push({ ...a, workspaceId: existing.workspaceId });
        else transient++; // still TERMINATING (a recreation): create it on a later check
      } else if (classifyFailure(f.code) === 'transient') transient++;
      else {
        await save(changed);
        throw new PermanentFailure(f.code, f.message || f.code, f.userName);
      }
    }
    await save(changed);
  }

  // W4, W6: done when every desktop is AVAILABLE (looked up by id, 25 per call).
  const ids = accounts.filter((a) => a.workspaceId && !a.deleted).map((a) => a.workspaceId!);
  const seen = new Map((await deps.desktops.describe(ids)).map((d) => [d.workspaceId, d]));
  let waiting = transient;
  const errored: AccountRecord[] = [];
  for (const a of accounts) {
    if (a.deleted || !a.workspaceId) continue;
    const d = seen.get(a.workspaceId);
    if (d?.state === 'AVAILABLE') continue;
    if (d?.state === 'ERROR') errored.push(a);
    else waiting++; // PENDING, or not yet visible (Describe is eventually consistent)
  }
  if (errored.length > 0) {
    const over = errored.find((a) => (a.recreates ?? 0) >= cfg.maxRecreate);
    if (over)
      throw new PermanentFailure(
        'WORKSPACE_ERROR',
        `the desktop of ${over.userName} went into ERROR ${(over.recreates ?? 0) + 1} time(s) (desktops.maxRecreate ${cfg.maxRecreate})`,
        over.userName,
      );
    for (const batch of chunks(errored, WORKSPACES_BATCH)) await deps.desktops.terminate(batch.map((a) => a.workspaceId!));
    await save(errored.map(({ workspaceId: _w, ...a }) => ({ ...a, recreates: (a.recreates ?? 0) + 1 })));
    return { kind: 'wait', reason: `${errored.length} desktop(s) in ERROR terminated, to be created again` };
  }
  if (waiting === 0) return { kind: 'done', result: { desktops: accounts.filter((a) => !a.deleted).length } };
  if (Date.now() - startedAt > cfg.readyTimeoutMinutes * 60_000)
    throw new PermanentFailure('READY_TIMEOUT', `${waiting} desktop(s) not AVAILABLE after ${cfg.readyTimeoutMinutes} minutes`);
  return { kind: 'wait', reason: `${waiting} desktop(s) not AVAILABLE yet` };
}

/** States a desktop passes through on its own: wait for them (W7). */
const MOVING = new Set(['PENDING', 'STARTING', 'STOPPING', 'REBOOTING', 'REBUILDING', 'RESTORING', 'UPDATING', 'MAINTENANCE']);

async function described(deps: ProvisionDeps, accounts: AccountRecord[]): Promise<Desktop[]> {
  return deps.desktops.describe(accounts.filter((a) => a.workspaceId && !a.deleted).map((a) => a.workspaceId!));
}

/** W7: AUTO_STOP desktops are stopped first (no usage charges), then ADMIN_MAINTENANCE (no sign-in). */
async function suspendStep(deps: ProvisionDeps, accounts: AccountRecord[]): Promise<Step> {
  const desktops = await described(deps, accounts);
  let waiting = 0;
  const toStop: string[] = [];
  for (const d of desktops) {
    if (d.state === 'ADMIN_MAINTENANCE') continue;
    if (MOVING.has(d.state)) waiting++;
    else if (d.state === 'AVAILABLE' && deps.config.desktops.runningMode === 'AUTO_STOP') toStop.push(d.workspaceId);
    else if (d.state === 'AVAILABLE' || d.state === 'STOPPED') await deps.desktops.setState(d.workspaceId, 'ADMIN_MAINTENANCE');
  }
  for (const batch of chunks(toStop, WORKSPACES_BATCH)) await deps.desktops.stop(batch);
  if (waiting + toStop.length > 0) return { kind: 'wait', reason: `${waiting + toStop.length} desktop(s) stopping or busy` };
  return { kind: 'done', result: { suspended: desktops.length } };
}

async function resumeStep(deps: ProvisionDeps, accounts: AccountRecord[]): Promise<Step> {
  const desktops = await described(deps, accounts);
  let waiting = 0;
  for (const d of desktops) {
    if (d.state === 'ADMIN_MAINTENANCE') await deps.desktops.setState(d.workspaceId, 'AVAILABLE');
    else if (MOVING.has(d.state)) waiting++;
  }
  if (waiting > 0) return { kind: 'wait', reason: `${waiting} desktop(s) busy` };
  return { kind: 'done', result: { resumed: desktops.length } };
}

/** W8: terminate until Describe shows none of them (eventually consistent), then remove the users (W1). */
async function deleteStep(deps: ProvisionDeps, accounts: AccountRecord[]): Promise<Step> {
  const desktops = await described(deps, accounts);
  const live = desktops.filter((d) => d.state !== 'TERMINATING' && d.state !== 'TERMINATED');
  for (const batch of chunks(
    live.map((d) => d.workspaceId),
    WORKSPACES_BATCH,
  )) {
    const r = await deps.desktops.terminate(batch);
    const bad = r.failed.find((f) => !f.code.startsWith('ResourceNotFound') && classifyFailure(f.code) === 'permanent');
    if (bad) throw new PermanentFailure(bad.code, `TerminateWorkspaces refused ${bad.workspaceId}`);
  }
  if (desktops.length > 0) return { kind: 'wait', reason: `${desktops.length} desktop(s) not terminated yet` };
  const users = accounts.filter((a) => a.userCreated || a.workspaceId || !a.deleted);
  await inParallel(
    users.filter((a) => a.userCreated),
    DIRECTORY_CONCURRENCY,
    (a) => deps.directory.deleteUser(a.userName),
  );
  await deps.accounts.putAll(users.map(({ workspaceId: _w, sealedPassword: _p, ...a }) => ({ ...a, userCreated: false, deleted: true })));
  // The outcome, not this attempt's work: a retry after a crash records the same.
  return { kind: 'done', result: { usersWithoutDesktop: accounts.length } };
}

/** W3 reissue: new passwords for every live account with a user, then the kit mail (once per kit). */
async function issueKitPasswords(deps: ProvisionDeps, unit: Unit, job: DesktopJob): Promise<Step> {
  const kit = job.kit ? await deps.kits.get(job.kit) : null;
  if (!kit || kit.state !== 'open') return { kind: 'done', result: { skipped: 'kit no longer open' } };
  const accounts = (await deps.accounts.listByUnit(unit.id)).filter((a) => a.userCreated && !a.deleted && a.kitIssued !== job.kit);
  for (const batch of chunks(accounts, 50)) {
    const passwords = batch.map(() => initialPassword());
    await inParallel(
      batch.map((a, i) => [a, passwords[i]!] as const),
      DIRECTORY_CONCURRENCY,
      ([a, pw]) => deps.directory.setPassword(a.userName, pw),
    );
    const sealed = await deps.vault.seal(passwords);
    await deps.accounts.putAll(batch.map((a, i) => ({ ...a, sealedPassword: sealed[i]!, kitIssued: job.kit })));
  }
  return { kind: 'done', result: { passwords: accounts.length } };
}
