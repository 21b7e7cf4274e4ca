/**
 * Desktops on real AWS (docs/DESKTOPS.md, W1–W10), the pure parts: user names from the unit's short
 * code (W2), the accounts of a line, the classification of AWS error codes (W5) and the reconciler's
 * diff of desired and actual desktops (W9). No clock, no SDK: dates and states are parameters.
 */
import { addDays, compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import type { Line, Unit } from './unit.ts';

/** The sAMAccountName limit of the directory. */
export const MAX_USER_NAME = 20;
export const USER_NAME = /^[a-z0-9-]{1,20}$/;

/**
 * W2: the unit's short code from the store's never-decreasing counter: `k` + base-36 (at least 5
 * digits): `k0001a`. A code is never handed out twice, so a user name is never reused.
 */
export function shortCode(seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`short code sequence must be an integer ≥ 1, got ${seq}`);
  return `k${seq.toString(36).padStart(5, '0')}`;
}

/** W2: `<short code>-<account number, 4 digits or more>`, e.g. `k0001a-0001` (at most 20 characters). */
export function accountUserName(code: string, n: number): string {
  const name = `${code}-${String(n).padStart(4, '0')}`;
  if (!USER_NAME.test(name)) throw new Error(`user name ${name} is not [a-z0-9-]{1,20}`);
  return name;
}

/** The first account number of a line (1-based, numbering continues across the unit's lines). */
export function firstAccountOf(unit: Unit, line: Line): number {
  if (line.firstAccount !== undefined) return line.firstAccount;
  let n = 1;
  for (const l of unit.lines) {
    if (l.id === line.id) return n;
    n += l.accounts;
  }
  return n;
}

/** The user names of a line, derived (never stored as a list: W10). */
export function lineUserNames(unit: Unit, line: Line): string[] {
  if (!unit.shortCode) return [...(line.userNames ?? [])];
  const first = firstAccountOf(unit, line);
  return Array.from({ length: line.accounts }, (_, i) => accountUserName(unit.shortCode!, first + i));
}

/** Whether a line's desktops should exist on `today` (started, not yet deleted: Art 45-7, K3). */
export function lineHasDesktops(line: Line, today: LocalDate, config: Config): boolean {
  if (!line.started) return false;
  if (line.endedOn === null) return true;
  return compareDates(today, addDays(line.endedOn, config.desktopDeletionDelayDays)) < 0;
}

export type FailureClass = 'transient' | 'permanent';

/** Codes that go away by themselves: retried with jittered back-off (W5). */
const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalServerException',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'DirectoryUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'NetworkingError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * W5: transient (throttling, internal errors, the network) or permanent (user not found, invalid
 * bundle or directory, a quota reached, a name too long, access denied, anything not known to be
 * transient). A permanent failure is never retried blindly.
 */
export function classifyFailure(code: string): FailureClass {
  return TRANSIENT.has(code) ? 'transient' : 'permanent';
}

/** What the store says should exist (W9). */
export interface DesiredDesktop {
  readonly unitId: string;
  readonly lineId: string;
  readonly userName: string;
  /** The desktop the store holds for the account. */
  readonly workspaceId: string;
  readonly want: 'AVAILABLE' | 'ADMIN_MAINTENANCE';
}

/** What WorkSpaces shows (W9); `unitTag` read with DescribeTags for desktops the store does not know. */
export interface ActualDesktop {
  readonly workspaceId: string;
  readonly userName: string;
  readonly state: string;
  readonly unitTag?: string | null;
}

export interface DriftItem {
  readonly kind: 'missing' | 'should_be_suspended' | 'should_be_available' | 'orphan' | 'foreign';
  readonly workspaceId: string | null;
  readonly userName: string;
  readonly unitId: string | null;
  readonly lineId?: string;
  /** For an orphan: the date it was first seen (it is terminated `orphanGraceDays` later). */
  readonly since?: LocalDate;
  readonly state?: string;
}

/** States in which a desktop is on its way somewhere (a job is at work): never drift. */
const MOVING = new Set([
  'PENDING',
  'STARTING',
  'STOPPING',
  'REBOOTING',
  'REBUILDING',
  'RESTORING',
  'UPDATING',
  'MAINTENANCE',
  'TERMINATING',
]);
const GONE = new Set(['TERMINATING', 'TERMINATED']);

/**
 * W9, pure: the differences between the desired desktops and the actual ones.
 * missing: the store's desktop is not there (terminated or gone) → created again;
 * should_be_suspended / should_be_available: its state contradicts its unit's status → repaired;
 * orphan: tagged `kokona:unit` but no live account holds it → terminated once `since` is
 *   `orphanGraceDays` old (`since` carries over from the previous report through `orphansSince`);
 * foreign: no `kokona:unit` tag → reported, never touched.
 */
export function desktopDrift(
  desired: readonly DesiredDesktop[],
  actual: readonly ActualDesktop[],
  today: LocalDate,
  orphansSince: Readonly<Record<string, LocalDate>> = {},
): DriftItem[] {
  const byId = new Map(actual.filter((a) => !GONE.has(a.state)).map((a) => [a.workspaceId, a]));
  const ours = new Set(desired.map((d) => d.workspaceId));
  const out: DriftItem[] = [];
  for (const d of desired) {
    const a = byId.get(d.workspaceId);
    const base = { workspaceId: d.workspaceId, userName: d.userName, unitId: d.unitId, lineId: d.lineId };
    if (!a) out.push({ ...base, kind: 'missing' });
    else if (MOVING.has(a.state)) continue;
    else if (d.want === 'ADMIN_MAINTENANCE' && (a.state === 'AVAILABLE' || a.state === 'STOPPED'))
      out.push({ ...base, kind: 'should_be_suspended', state: a.state });
    else if (d.want === 'AVAILABLE' && a.state === 'ADMIN_MAINTENANCE') out.push({ ...base, kind: 'should_be_available', state: a.state });
  }
  for (const a of byId.values()) {
    if (ours.has(a.workspaceId)) continue;
    if (a.unitTag)
      out.push({
        kind: 'orphan',
        workspaceId: a.workspaceId,
        userName: a.userName,
        unitId: a.unitTag,
        since: orphansSince[a.workspaceId] ?? today,
        state: a.state,
      });
    else out.push({ kind: 'foreign', workspaceId: a.workspaceId, userName: a.userName, unitId: null, state: a.state });
  }
  return out;
}

/** An orphan is terminated once it has been seen for `graceDays`. */
export function orphanDue(item: DriftItem, today: LocalDate, graceDays: number): boolean {
  return item.kind === 'orphan' && item.since !== undefined && compareDates(addDays(item.since, graceDays), today) <= 0;
}
