import {
  CreateWorkspacesCommand,
  DescribeTagsCommand,
  DescribeWorkspacesCommand,
  InvalidResourceStateException,
  ModifyWorkspaceStateCommand,
  StopWorkspacesCommand,
  TerminateWorkspacesCommand,
  type DescribeWorkspacesRequest,
  type Workspace,
  type WorkspaceRequest,
  type WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { DesktopsConfig } from '#domain/config.ts';
import type { CreateDesktopsResult, Desktop, DesktopGateway, DesktopRequest } from '#use-cases/ports.ts';

/** CreateWorkspaces, TerminateWorkspaces, StopWorkspaces and DescribeWorkspaces (ids) take at most 25. */
const MAX_BATCH = 25;
const GONE: ReadonlySet<string> = new Set(['TERMINATING', 'TERMINATED']);
export const UNIT_TAG = 'kokona:unit';
export const LINE_TAG = 'kokona:line';

function toDesktop(w: Workspace): Desktop {
  return { workspaceId: w.WorkspaceId ?? '', userName: w.UserName ?? '', state: w.State ?? 'PENDING' };
}

function assertBatch(what: string, n: number): void {
  if (n > MAX_BATCH) throw new Error(`${what}: at most ${MAX_BATCH} WorkSpaces per call, got ${n}`);
}

/**
 * DesktopGateway on Amazon WorkSpaces (one directory and bundle; running mode and volume encryption
 * from config desktops.*). Throttling is retried by the client (see makeWorkspacesClient); every
 * other service error propagates with its code as `name`.
 */
export class WorkspacesDesktopGateway implements DesktopGateway {
  constructor(
    private readonly client: WorkSpacesClient,
    private readonly opts: { readonly directoryId: string; readonly bundleId: string; readonly desktops: DesktopsConfig },
  ) {}

  async describe(workspaceIds: readonly string[]): Promise<Desktop[]> {
    const out: Desktop[] = [];
    for (let i = 0; i < workspaceIds.length; i += MAX_BATCH) {
      for await (const w of this.pages({ WorkspaceIds: workspaceIds.slice(i, i + MAX_BATCH) })) out.push(toDesktop(w));
    }
    return out;
  }

  async listDirectory(): Promise<Desktop[]> {
    const out: Desktop[] = [];
    for await (const w of this.pages({ DirectoryId: this.opts.directoryId, Limit: MAX_BATCH })) out.push(toDesktop(w));
    return out;
  }

  async findByUserName(userName: string): Promise<Desktop | null> {
    for await (const w of this.pages({ DirectoryId: this.opts.directoryId, UserName: userName }))
      if (!GONE.has(w.State ?? '')) return toDesktop(w);
    return null;
  }

  async create(requests: readonly DesktopRequest[]): Promise<CreateDesktopsResult> {
    assertBatch('create', requests.length);
    if (requests.length === 0) return { created: [], failed: [] };
    const { directoryId, bundleId, desktops } = this.opts;
    const encrypted = desktops.volumeEncryptionKey
      ? { VolumeEncryptionKey: desktops.volumeEncryptionKey, RootVolumeEncryptionEnabled: true, UserVolumeEncryptionEnabled: true }
      : {};
    const Workspaces: WorkspaceRequest[] = requests.map((r) => ({
      DirectoryId: directoryId,
      BundleId: bundleId,
      UserName: r.userName,
      ...encrypted,
      WorkspaceProperties:
        desktops.runningMode === 'AUTO_STOP'
          ? { RunningMode: 'AUTO_STOP', RunningModeAutoStopTimeoutInMinutes: desktops.autoStopTimeoutMinutes }
          : { RunningMode: 'ALWAYS_ON' },
      Tags: [
        { Key: UNIT_TAG, Value: r.unitId },
        { Key: LINE_TAG, Value: r.lineId },
      ],
    }));
    const out = await this.client.send(new CreateWorkspacesCommand({ Workspaces }));
    return {
      created: (out.PendingRequests ?? []).map(toDesktop),
      failed: (out.FailedRequests ?? []).map((f) => ({
        userName: f.WorkspaceRequest?.UserName ?? '',
        code: f.ErrorCode ?? 'Unknown',
        message: f.ErrorMessage ?? '',
      })),
    };
  }

  async terminate(workspaceIds: readonly string[]) {
    assertBatch('terminate', workspaceIds.length);
    if (workspaceIds.length === 0) return { failed: [] };
    const out = await this.client.send(
      new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: workspaceIds.map((WorkspaceId) => ({ WorkspaceId })) }),
    );
    return { failed: (out.FailedRequests ?? []).map((f) => ({ workspaceId: f.WorkspaceId ?? '', code: f.ErrorCode ?? 'Unknown' })) };
  }

  async stop(workspaceIds: readonly string[]) {
    assertBatch('stop', workspaceIds.length);
    if (workspaceIds.length === 0) return { failed: [] };
    const out = await this.client.send(
      new StopWorkspacesCommand({ StopWorkspaceRequests: workspaceIds.map((WorkspaceId) => ({ WorkspaceId })) }),
    );
    return { failed: (out.FailedRequests ?? []).map((f) => ({ workspaceId: f.WorkspaceId ?? '', code: f.ErrorCode ?? 'Unknown' })) };
  }

  /** Idempotent: when ModifyWorkspaceState refuses because the desktop is already in `state`, that is success. */
  async setState(workspaceId: string, state: 'ADMIN_MAINTENANCE' | 'AVAILABLE'): Promise<void> {
    try {
      await this.client.send(new ModifyWorkspaceStateCommand({ WorkspaceId: workspaceId, WorkspaceState: state }));
    } catch (e) {
      if (!(e instanceof InvalidResourceStateException)) throw e;
      const [current] = await this.describe([workspaceId]);
      if (current?.state === state) return;
      throw e;
    }
  }

  async unitTag(workspaceId: string): Promise<string | null> {
    const out = await this.client.send(new DescribeTagsCommand({ ResourceId: workspaceId }));
    return out.TagList?.find((t) => t.Key === UNIT_TAG)?.Value ?? null;
  }

  /** Every WorkSpace matching the filter, following NextToken. */
  private async *pages(filter: DescribeWorkspacesRequest): AsyncGenerator<Workspace> {
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(new DescribeWorkspacesCommand({ ...filter, NextToken }));
      yield* page.Workspaces ?? [];
      NextToken = page.NextToken;
    } while (NextToken);
  }
}
