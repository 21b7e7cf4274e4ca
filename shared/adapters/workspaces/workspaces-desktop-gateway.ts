import {
  CreateWorkspacesCommand,
  DescribeWorkspacesCommand,
  InvalidResourceStateException,
  ModifyWorkspaceStateCommand,
  TerminateWorkspacesCommand,
  type DescribeWorkspacesRequest,
  type Workspace,
  type WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type { CreateDesktopsResult, Desktop, DesktopGateway } from '#use-cases/ports.ts';

/** CreateWorkspaces and TerminateWorkspaces take at most 25 WorkSpaces. */
const MAX_BATCH = 25;
const GONE: ReadonlySet<string> = new Set(['TERMINATING', 'TERMINATED']);

function toDesktop(w: Workspace): Desktop {
  return { workspaceId: w.WorkspaceId ?? '', userName: w.UserName ?? '', state: w.State ?? 'PENDING' };
}

function assertBatch(what: string, n: number): void {
  if (n > MAX_BATCH) throw new Error(`${what}: at most ${MAX_BATCH} WorkSpaces per call, got ${n}`);
}

/**
 * DesktopGateway on Amazon WorkSpaces (one directory and bundle). Throttling is retried by the
 * client (see makeWorkspacesClient); every other service error propagates.
 */
export class WorkspacesDesktopGateway implements DesktopGateway {
  constructor(
    private readonly client: WorkSpacesClient,
    private readonly opts: { readonly directoryId: string; readonly bundleId: string },
  ) {}

  /** One DescribeWorkspaces (DirectoryId + UserName) per distinct user, one at a time to spare the API rate. */
  async findByUserNames(userNames: readonly string[]): Promise<Desktop[]> {
    const distinct = [...new Map(userNames.map((u) => [u.toLowerCase(), u])).values()];
    const found: Desktop[] = [];
    for (const userName of distinct) {
      for await (const w of this.describe({ DirectoryId: this.opts.directoryId, UserName: userName })) {
        if (!GONE.has(w.State ?? '')) found.push(toDesktop(w));
      }
    }
    return found;
  }

  async create(userNames: readonly string[]): Promise<CreateDesktopsResult> {
    assertBatch('create', userNames.length);
    if (userNames.length === 0) return { created: [], failed: [] };
    const { directoryId, bundleId } = this.opts;
    const out = await this.client.send(
      new CreateWorkspacesCommand({
        Workspaces: userNames.map((UserName) => ({ DirectoryId: directoryId, BundleId: bundleId, UserName })),
      }),
    );
    return {
      created: (out.PendingRequests ?? []).map(toDesktop),
      failed: (out.FailedRequests ?? []).map((f) => ({
        userName: f.WorkspaceRequest?.UserName ?? '',
        code: f.ErrorCode ?? 'Unknown',
        message: f.ErrorMessage ?? '',
      })),
    };
  }

  async terminate(workspaceIds: readonly string[]): Promise<{ failed: readonly string[] }> {
    assertBatch('terminate', workspaceIds.length);
    if (workspaceIds.length === 0) return { failed: [] };
    const out = await this.client.send(
      new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: workspaceIds.map((WorkspaceId) => ({ WorkspaceId })) }),
    );
    return { failed: (out.FailedRequests ?? []).map((f) => f.WorkspaceId ?? '') };
  }

  /** Idempotent: when ModifyWorkspaceState refuses because the desktop is already in `state`, that is success. */
  async setState(workspaceId: string, state: 'ADMIN_MAINTENANCE' | 'AVAILABLE'): Promise<void> {
    try {
      await this.client.send(new ModifyWorkspaceStateCommand({ WorkspaceId: workspaceId, WorkspaceState: state }));
    } catch (e) {
      if (!(e instanceof InvalidResourceStateException)) throw e;
      for await (const current of this.describe({ WorkspaceIds: [workspaceId] })) {
        if (current.State === state) return;
      }
      throw e;
    }
  }

  /** Every WorkSpace matching the filter, following NextToken. */
  private async *describe(filter: DescribeWorkspacesRequest): AsyncGenerator<Workspace> {
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(new DescribeWorkspacesCommand({ ...filter, NextToken }));
      yield* page.Workspaces ?? [];
      NextToken = page.NextToken;
    } while (NextToken);
  }
}
