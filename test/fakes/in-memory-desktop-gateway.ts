/**
 * DesktopGateway in memory, with the semantics of WorkspacesDesktopGateway on Amazon WorkSpaces
 * (the same contract suite runs on both) but synchronous: desktops are AVAILABLE at once and
 * terminated ones are gone at once. Error codes and exception names are AWS's.
 */
import type { CreateDesktopsResult, Desktop, DesktopGateway, WorkspaceState } from '#use-cases/ports.ts';

export type DesktopGatewayCall =
  | { readonly op: 'findByUserNames'; readonly userNames: readonly string[] }
  | { readonly op: 'create'; readonly userNames: readonly string[] }
  | { readonly op: 'terminate'; readonly workspaceIds: readonly string[] }
  | { readonly op: 'setState'; readonly workspaceId: string; readonly state: 'ADMIN_MAINTENANCE' | 'AVAILABLE' };

const MAX_BATCH = 25;
/** setState: the states each target can be reached from (besides itself, a no-op). */
const REACHABLE_FROM: Record<'ADMIN_MAINTENANCE' | 'AVAILABLE', readonly WorkspaceState[]> = {
  ADMIN_MAINTENANCE: ['AVAILABLE'],
  AVAILABLE: ['ADMIN_MAINTENANCE'],
};

function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function assertBatch(what: string, n: number): void {
  if (n > MAX_BATCH) throw new Error(`${what}: at most ${MAX_BATCH} WorkSpaces per call, got ${n}`);
}

/** User names are case-insensitive, as in the WorkSpaces directory. */
const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class InMemoryDesktopGateway implements DesktopGateway {
  /** Every call, oldest first. */
  readonly calls: DesktopGatewayCall[] = [];
  private readonly desktops = new Map<string, Desktop>();

  /** All desktops, terminated ones included, in creation order. */
  list(): Desktop[] {
    return [...this.desktops.values()];
  }

  async findByUserNames(userNames: readonly string[]): Promise<Desktop[]> {
    this.calls.push({ op: 'findByUserNames', userNames: [...userNames] });
    const distinct = [...new Map(userNames.map((u) => [u.toLowerCase(), u])).values()];
    return distinct.flatMap((u) => this.live().filter((d) => sameUser(d.userName, u)));
  }

  async create(userNames: readonly string[]): Promise<CreateDesktopsResult> {
    this.calls.push({ op: 'create', userNames: [...userNames] });
    assertBatch('create', userNames.length);
    const created: Desktop[] = [];
    const failed: CreateDesktopsResult['failed'][number][] = [];
    for (const userName of userNames) {
      if (userName.length < 1 || userName.length > 63) {
        failed.push({ userName, code: 'InvalidParameterValuesException', message: 'The user name must be 1 to 63 characters.' });
      } else if (this.live().some((d) => sameUser(d.userName, userName))) {
        failed.push({ userName, code: 'ResourceExists.WorkSpace', message: 'A WorkSpace already exists for the specified user.' });
      } else {
        const desktop: Desktop = { workspaceId: `ws-${String(this.desktops.size + 1).padStart(9, '0')}`, userName, state: 'AVAILABLE' };
        this.desktops.set(desktop.workspaceId, desktop);
        created.push(desktop);
      }
    }
    return { created, failed };
  }

  async terminate(workspaceIds: readonly string[]): Promise<{ failed: readonly string[] }> {
    this.calls.push({ op: 'terminate', workspaceIds: [...workspaceIds] });
    assertBatch('terminate', workspaceIds.length);
    const failed: string[] = [];
    for (const id of workspaceIds) {
      const desktop = this.liveById(id);
      if (desktop) this.desktops.set(id, { ...desktop, state: 'TERMINATED' });
      else failed.push(id);
    }
    return { failed };
  }

  async setState(workspaceId: string, state: 'ADMIN_MAINTENANCE' | 'AVAILABLE'): Promise<void> {
    this.calls.push({ op: 'setState', workspaceId, state });
    const desktop = this.liveById(workspaceId);
    if (!desktop) throw serviceError('ResourceNotFoundException', `The WorkSpace ${workspaceId} could not be found.`);
    if (desktop.state === state) return;
    if (!REACHABLE_FROM[state].includes(desktop.state)) {
      const message = `The WorkSpace ${workspaceId} is ${desktop.state} and cannot be set to ${state}.`;
      throw serviceError('InvalidResourceStateException', message);
    }
    this.desktops.set(workspaceId, { ...desktop, state });
  }

  private live(): Desktop[] {
    return this.list().filter((d) => d.state !== 'TERMINATED');
  }

  private liveById(id: string): Desktop | undefined {
    const d = this.desktops.get(id);
    return d && d.state !== 'TERMINATED' ? d : undefined;
  }
}
