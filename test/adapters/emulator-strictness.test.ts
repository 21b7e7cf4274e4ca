/**
 * The emulators refuse what AWS refuses (DESKTOPS.md, "as strict as AWS"), seen through the real SDK clients
 * and our Directory Service Data client over their real protocols, and keep their state across a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateWorkspacesCommand, DescribeWorkspacesCommand, TerminateWorkspacesCommand } from '@aws-sdk/client-workspaces';
import { DsDataClient } from '#adapters/directory/directory-gateway.ts';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { startWorkspacesEmulator, type WorkspacesEmulator } from '#local/workspaces-emulator.ts';
import { inProcessFetch, inProcessHandler } from '#local/in-process-http.ts';

const DIRECTORY = 'd-9067000001';
const BUNDLE = 'wsb-0000000001';
const region = 'ap-northeast-1';

describe('WorkSpaces + Directory Service emulators: as strict as AWS, state kept across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kokona-emu-'));
  const statePath = join(dir, 'emulators.json');
  let emu: WorkspacesEmulator;
  const clients = () => ({
    ws: makeWorkspacesClient({ endpoint: emu.url, region }),
    ds: new DsDataClient({ endpoint: emu.url, region, maxAttempts: 1 }),
  });

  beforeAll(async () => {
    emu = await startWorkspacesEmulator({ statePath, provisionDelayMs: 0, maxWorkspaces: 2 });
  });
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (userName: string) => ({ DirectoryId: DIRECTORY, BundleId: BUNDLE, UserName: userName });

  it('refuses a user name over 20 characters and a duplicate user (W2)', async () => {
    const { ds } = clients();
    await expect(
      ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'k' + 'x'.repeat(20), GivenName: 'a', Surname: 'b' }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'k00001-0001', GivenName: 'a', Surname: 'b' });
    await expect(ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'K00001-0001', GivenName: 'a', Surname: 'b' })).rejects.toMatchObject({
      name: 'ConflictException',
    });
    expect(emu.users().filter((u) => u.SAMAccountName.toLowerCase() === 'k00001-0001')).toHaveLength(1);
  });

  it('refuses a desktop for a user not in the directory, beyond the quota, and more than 25 ids per call (W4, W6)', async () => {
    const { ws, ds } = clients();
    await ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'k00001-0002', GivenName: 'a', Surname: 'b' });
    await ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'k00001-0003', GivenName: 'a', Surname: 'b' });
    const r = await ws.send(
      new CreateWorkspacesCommand({
        Workspaces: [create('k00001-0001'), create('nobody-0001'), create('k00001-0002'), create('k00001-0003')],
      }),
    );
    expect(r.PendingRequests?.map((w) => w.UserName)).toEqual(['k00001-0001', 'k00001-0002']);
    expect(r.FailedRequests?.map((f) => [f.WorkspaceRequest?.UserName, f.ErrorCode])).toEqual([
      ['nobody-0001', 'ResourceNotFound.User'],
      ['k00001-0003', 'ResourceLimitExceeded'],
    ]);
    const ids = Array.from({ length: 26 }, (_, i) => `ws-${String(i).padStart(9, '0')}`);
    await expect(ws.send(new DescribeWorkspacesCommand({ WorkspaceIds: ids }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      ws.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: ids.map((WorkspaceId) => ({ WorkspaceId })) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(emu.list().filter((w) => w.State !== 'TERMINATED')).toHaveLength(2);
  });

  it('keeps desktops and users across a restart (the store and the emulator never disagree after npm start restarts)', async () => {
    const before = {
      desktops: emu.list().map((w) => [w.WorkspaceId, w.UserName]),
      users: emu
        .users()
        .map((u) => u.SAMAccountName)
        .sort(),
    };
    await new Promise((r) => setTimeout(r, 300)); // state is written shortly after each change
    await emu.close();
    emu = await startWorkspacesEmulator({ statePath, provisionDelayMs: 0, maxWorkspaces: 2 });
    expect(emu.list().map((w) => [w.WorkspaceId, w.UserName])).toEqual(before.desktops);
    expect(
      emu
        .users()
        .map((u) => u.SAMAccountName)
        .sort(),
    ).toEqual(before.users);
    const { ws } = clients();
    const described = await ws.send(new DescribeWorkspacesCommand({ WorkspaceIds: before.desktops.map(([id]) => id!) }));
    expect(described.Workspaces?.map((w) => w.UserName).sort()).toEqual(['k00001-0001', 'k00001-0002']);
  });

  it("answers the test clock's in-process transport as it answers HTTP: the same refusals, and a terminated desktop frees its user and the quota", async () => {
    const over = { requestHandler: inProcessHandler(emu.respond), fetch: inProcessFetch(emu.respond) };
    const ws = makeWorkspacesClient({ endpoint: emu.url, region, ...over });
    const ds = new DsDataClient({ endpoint: emu.url, region, maxAttempts: 1, ...over });
    const http = clients();
    // The directory: the same refusals as over HTTP (W2).
    await expect(ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'K00001-0002', GivenName: 'a', Surname: 'b' })).rejects.toMatchObject({
      name: 'ConflictException',
    });
    await expect(
      ds.send('CreateUser', DIRECTORY, { SAMAccountName: 'k' + 'x'.repeat(20), GivenName: 'a', Surname: 'b' }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // WorkSpaces at the quota (2): the same refusals over both transports.
    const ask = () => new CreateWorkspacesCommand({ Workspaces: [create('k00001-0001'), create('k00001-0003')] });
    const failed = (r: { FailedRequests?: { WorkspaceRequest?: { UserName?: string }; ErrorCode?: string }[] }) =>
      r.FailedRequests?.map((f) => [f.WorkspaceRequest?.UserName, f.ErrorCode]);
    const viaHttp = failed(await http.ws.send(ask()));
    expect(viaHttp).toEqual([
      ['k00001-0001', 'ResourceLimitExceeded'],
      ['k00001-0003', 'ResourceLimitExceeded'],
    ]);
    expect(failed(await ws.send(ask()))).toEqual(viaHttp);
    const byUser = (UserName: string) => new DescribeWorkspacesCommand({ DirectoryId: DIRECTORY, UserName });
    const theirs = await ws.send(byUser('K00001-0002'));
    expect(theirs.Workspaces?.map((w) => w.UserName)).toEqual(['k00001-0002']);
    expect(theirs.Workspaces).toEqual((await http.ws.send(byUser('k00001-0002'))).Workspaces);
    // One terminated (settled at the next call: no delay here) no longer counts: the quota has room for
    // k00001-0003, while k00001-0001 still has its desktop.
    const id = theirs.Workspaces![0]!.WorkspaceId!;
    expect((await ws.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: [{ WorkspaceId: id }] }))).FailedRequests).toEqual(
      [],
    );
    const again = await ws.send(ask());
    expect(failed(again)).toEqual([['k00001-0001', 'ResourceExists.WorkSpace']]);
    expect(again.PendingRequests?.map((w) => w.UserName)).toEqual(['k00001-0003']);
    expect(emu.list().find((w) => w.WorkspaceId === id)?.State).toBe('TERMINATED');
    expect((await ws.send(byUser('k00001-0002'))).Workspaces).toEqual([]);
    expect(emu.list().filter((w) => w.State !== 'TERMINATED')).toHaveLength(2);
  });
});
