/**
 * The provisioner (Art 45, plan kokona): carries out one desktop job of the outbox.
 * create:  1. look up which of the line's users already have a desktop (a retry never makes a second one);
 *          2. create the missing ones, 25 per call, retrying FailedRequests a few times;
 *          3. store the desktop ids on the unit, then mark the job done.
 * delete:  terminate the line's desktops (25 per call) until none is left; forget their ids.
 * suspend / resume: each desktop to ADMIN_MAINTENANCE / AVAILABLE (one per call, as the API takes).
 */
import type { DesktopJob } from '#domain/effects.ts';
import type { Unit } from '#domain/unit.ts';
import { changeUnit } from './commit.ts';
import { formatJst } from '#domain/calendar.ts';
import { DeliveryInProgressError, type AuditLog, type CoreDeps, type DesktopGateway, type OutboxRepository } from './ports.ts';
import { system } from './authz.ts';

export interface ProvisionDeps {
  readonly config: CoreDeps['config'];
  readonly clock: CoreDeps['clock'];
  readonly units: CoreDeps['units'];
  readonly publisher: CoreDeps['publisher'];
  readonly outbox: OutboxRepository;
  readonly desktops: DesktopGateway;
  readonly audit?: AuditLog;
  /** Pause between rounds of failed requests (ms); tests set 0. */
  readonly retryDelayMs?: number;
}

export const WORKSPACES_BATCH = 25;
const ROUNDS = 4;

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createDesktops(deps: ProvisionDeps, job: DesktopJob): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (let round = 1; ; round++) {
    for (const d of await deps.desktops.findByUserNames(job.userNames)) ids[d.userName] = d.workspaceId;
    const missing = job.userNames.filter((u) => !ids[u]);
    if (missing.length === 0) return ids;
    if (round > ROUNDS) throw new Error(`desktops for ${missing.length} user(s) of ${job.unitId}/${job.lineId} could not be created`);
    let failed = 0;
    for (const batch of chunks(missing, WORKSPACES_BATCH)) {
      const r = await deps.desktops.create(batch);
      for (const d of r.created) ids[d.userName] = d.workspaceId;
      failed += r.failed.length;
    }
    if (failed > 0) await sleep((deps.retryDelayMs ?? 1000) * round);
  }
}

/** How long one job may take before a duplicate delivery may take it over (ms). */
const JOB_LEASE_MS = 5 * 60_000;

export async function provisionDesktops(deps: ProvisionDeps, outboxId: string): Promise<'done' | 'already-done' | 'unknown'> {
  const entry = await deps.outbox.get(outboxId);
  if (!entry || entry.item.kind !== 'desktop') return 'unknown';
  if (entry.state === 'done') return 'already-done';
  if (!(await deps.outbox.claim(outboxId, JOB_LEASE_MS))) {
    if ((await deps.outbox.get(outboxId))?.state === 'done') return 'already-done';
    throw new DeliveryInProgressError(outboxId);
  }
  try {
    const result = await carryOut(deps, entry.item);
    if (await deps.outbox.complete(outboxId, result))
      await deps.audit?.record({
        at: formatJst(deps.clock.now()),
        actor: { id: 'system:provisioner', role: 'system' },
        action: `desktops.${entry.item.action}`,
        unit: entry.item.unitId,
        target: outboxId,
        after: result,
      });
  } catch (e) {
    await deps.outbox.recordAttempt(outboxId, (e as Error).message); // releases the lease for the retry
    throw e;
  }
  return 'done';
}

async function carryOut(deps: ProvisionDeps, job: DesktopJob): Promise<Record<string, unknown>> {
  switch (job.action) {
    case 'create': {
      const ids = await createDesktops(deps, job);
      await recordDesktops(deps, job.unitId, ids);
      return { workspaceIds: job.userNames.map((u) => ids[u]) };
    }
    case 'delete': {
      for (let round = 1; ; round++) {
        const left = await deps.desktops.findByUserNames(job.userNames);
        if (left.length === 0) break;
        if (round > ROUNDS) throw new Error(`${left.length} desktop(s) of ${job.unitId}/${job.lineId} could not be terminated`);
        for (const batch of chunks(left.map((d) => d.workspaceId), WORKSPACES_BATCH)) await deps.desktops.terminate(batch);
      }
      await recordDesktops(deps, job.unitId, Object.fromEntries(job.userNames.map((u) => [u, null])));
      // The outcome, not this attempt's work: a retry after a crash records the same.
      return { usersWithoutDesktop: job.userNames.length };
    }
    case 'suspend':
    case 'resume': {
      const state = job.action === 'suspend' ? 'ADMIN_MAINTENANCE' : 'AVAILABLE';
      const desktops = await deps.desktops.findByUserNames(job.userNames);
      for (const d of desktops) if (d.state !== state) await deps.desktops.setState(d.workspaceId, state);
      return { [job.action === 'suspend' ? 'suspended' : 'resumed']: desktops.length };
    }
  }
}

/** Records desktop ids on the unit's accounts (null: deleted). Facts only: the unit is not advanced. */
async function recordDesktops(deps: ProvisionDeps, unitId: string, ids: Record<string, string | null>): Promise<void> {
  await changeUnit(
    deps,
    unitId,
    (unit: Unit) => {
      const desktops: Record<string, string> = { ...unit.desktops };
      for (const [u, id] of Object.entries(ids)) if (id === null) delete desktops[u];
      else desktops[u] = id;
      const same = Object.keys(desktops).length === Object.keys(unit.desktops).length && Object.entries(desktops).every(([u, id]) => unit.desktops[u] === id);
      return { unit: same ? unit : { ...unit, desktops }, outbox: [], wakeUps: [] };
    },
    { advance: false, audit: { actor: system('provisioner'), action: 'desktops.record' } },
  );
}
