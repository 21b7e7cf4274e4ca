/**
 * The reconciler (W9): the desired desktops (every live account of every unit of a plan with
 * desktops, in the state its unit's status implies) against the actual ones (DescribeWorkspaces by
 * directory, paged; DescribeTags only for desktops the store does not know). Repairs what is ours;
 * a desktop without the `kokona:unit` tag is never touched, only reported. Idempotent: a second run
 * finds nothing to repair.
 */
import { randomBytes } from 'node:crypto';
import { desktopDrift, lineHasDesktops, orphanDue, type ActualDesktop, type DesiredDesktop, type DriftItem } from '#domain/desktops.ts';
import type { UnitStatus } from '#domain/unit.ts';
import { authorize, type Principal } from './authz.ts';
import type { AccountRecord, AccountRepository, CoreDeps, DesktopGateway, DriftReport, DriftStore } from './ports.ts';

export interface ReconcileDeps {
  readonly config: CoreDeps['config'];
  readonly clock: CoreDeps['clock'];
  readonly units: CoreDeps['units'];
  readonly accounts: AccountRepository;
  readonly desktops: DesktopGateway;
  readonly drift: DriftStore;
  /** DesktopDrift per run (the DesktopDrift alarm, Maximum ≥ 1). */
  readonly telemetry?: CoreDeps['telemetry'];
}

/** Units that may hold desktops (a cancelled or terminated unit keeps them until its deletion date). */
const STATUSES: readonly UnitStatus[] = ['active', 'suspended', 'cancelled', 'terminated'];
const REPORT_ITEMS = 100;

export async function reconcileDesktops(deps: ReconcileDeps, who: Principal, trigger: DriftReport['trigger']): Promise<DriftReport> {
  authorize(who, 'desktops.manage');
  const today = deps.clock.today();
  const desired: DesiredDesktop[] = [];
  const accountOf = new Map<string, AccountRecord>();
  for (const status of STATUSES) {
    for (const unit of await deps.units.listUnits({ status }, 1_000_000)) {
      if (!deps.config.plans[unit.plan]?.desktops) continue;
      const lines = unit.lines.filter((l) => lineHasDesktops(l, today, deps.config));
      if (lines.length === 0) continue;
      const live = new Set(lines.map((l) => l.id));
      for (const a of await deps.accounts.listByUnit(unit.id)) {
        if (!live.has(a.lineId) || a.deleted || !a.workspaceId) continue;
        accountOf.set(a.workspaceId, a);
        desired.push({
          unitId: unit.id,
          lineId: a.lineId,
          userName: a.userName,
          workspaceId: a.workspaceId,
          want: unit.status === 'suspended' ? 'ADMIN_MAINTENANCE' : 'AVAILABLE',
        });
      }
    }
  }
  const listed = await deps.desktops.listDirectory();
  const actual: ActualDesktop[] = [];
  for (const d of listed) actual.push(accountOf.has(d.workspaceId) ? d : { ...d, unitTag: await deps.desktops.unitTag(d.workspaceId) });
  const previous = await deps.drift.latest();
  const items = desktopDrift(desired, actual, today, previous?.orphansSince ?? {});

  const repaired: Record<string, number> = { created: 0, suspended: 0, resumed: 0, terminated: 0, failed: 0 };
  const failures: { workspaceId: string | null; userName: string; code: string }[] = [];
  const missing = items.filter((i) => i.kind === 'missing');
  for (let i = 0; i < missing.length; i += 25) {
    const batch = missing.slice(i, i + 25);
    const r = await deps.desktops.create(batch.map((m) => ({ userName: m.userName, unitId: m.unitId!, lineId: m.lineId! })));
    const byUser = new Map(batch.map((m) => [m.userName.toLowerCase(), accountOf.get(m.workspaceId!)!]));
    await deps.accounts.putAll(
      r.created.flatMap((d) => {
        const a = byUser.get(d.userName.toLowerCase());
        return a ? [{ ...a, workspaceId: d.workspaceId }] : [];
      }),
    );
    repaired.created! += r.created.length;
    repaired.failed! += r.failed.length;
    for (const f of r.failed) failures.push({ workspaceId: null, userName: f.userName, code: f.code });
  }
  for (const item of items) {
    try {
      if (item.kind === 'should_be_suspended') {
        await deps.desktops.setState(item.workspaceId!, 'ADMIN_MAINTENANCE');
        repaired.suspended!++;
      } else if (item.kind === 'should_be_available') {
        await deps.desktops.setState(item.workspaceId!, 'AVAILABLE');
        repaired.resumed!++;
      } else if (orphanDue(item, today, deps.config.desktops.orphanGraceDays)) {
        const r = await deps.desktops.terminate([item.workspaceId!]);
        if (r.failed.length === 0) repaired.terminated!++;
      }
    } catch (e) {
      repaired.failed!++;
      failures.push({ workspaceId: item.workspaceId, userName: item.userName, code: (e as Error).name });
    }
  }

  const counts: Record<string, number> = {};
  for (const i of items) counts[i.kind] = (counts[i.kind] ?? 0) + 1;
  const orphansSince: Record<string, string> = {};
  for (const i of items)
    if (i.kind === 'orphan' && !orphanDue(i, today, deps.config.desktops.orphanGraceDays)) orphansSince[i.workspaceId!] = i.since!;
  const at = new Date(deps.clock.now()).toISOString();
  const report: DriftReport = {
    id: `${at}#${randomBytes(3).toString('hex')}`,
    at,
    date: today,
    trigger,
    drift: items.filter((i) => i.kind !== 'foreign').length,
    counts: { ...counts, desired: desired.length, actual: listed.length },
    repaired,
    items: [...items.slice(0, REPORT_ITEMS), ...failures.slice(0, 20).map((f) => ({ kind: 'repair_failed', ...f }))] as DriftItem[],
    orphansSince: orphansSince as DriftReport['orphansSince'],
  };
  await deps.drift.save(report);
  deps.telemetry?.count('DesktopDrift', report.drift);
  return report;
}
