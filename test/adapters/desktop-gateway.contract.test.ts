/**
 * The DesktopGateway contract, run on the in-memory fake and on WorkspacesDesktopGateway + the
 * real WorkSpaces SDK client against the local emulator; then emulator-only protocol tests.
 */
import {
  CreateWorkspacesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  InvalidResourceStateException,
  ModifyWorkspaceStateCommand,
  paginateDescribeWorkspaces,
  ResourceNotFoundException,
  TerminateWorkspacesCommand,
  ValidationException,
  type DescribeWorkspacesRequest,
  type Workspace,
  type WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspacesClient } from '#adapters/workspaces/client.ts';
import { WorkspacesDesktopGateway } from '#adapters/workspaces/workspaces-desktop-gateway.ts';
import { startWorkspacesEmulator, type WorkspacesEmulator } from '#local/workspaces-emulator.ts';
import type { DesktopGateway } from '#use-cases/ports.ts';
import { InMemoryDesktopGateway } from '../fakes/in-memory-desktop-gateway.ts';

const DIRECTORY = { directoryId: 'd-local000001', bundleId: 'wsb-local00001' };
const REGION = 'ap-northeast-1';
const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);

/** The behaviour every DesktopGateway must have; `make` gives a gateway over an empty service. */
function desktopGatewayContract(name: string, make: () => DesktopGateway) {
  describe(`DesktopGateway contract: ${name}`, () => {
    let gw: DesktopGateway;
    beforeEach(() => {
      gw = make();
    });

    it('creates desktops and finds them by user name', async () => {
      const { created, failed } = await gw.create(['alice', 'bob', 'carol']);
      expect(failed).toEqual([]);
      expect(created.map((d) => d.userName)).toEqual(['alice', 'bob', 'carol']);
      expect(new Set(created.map((d) => d.workspaceId)).size).toBe(3);
      for (const d of created) {
        expect(d.workspaceId).toMatch(/^ws-[0-9a-z]{9}$/);
        expect(['PENDING', 'AVAILABLE']).toContain(d.state);
      }

      const found = await gw.findByUserNames(['carol', 'alice', 'bob', 'nobody']);
      expect(found.map((d) => [d.userName, d.workspaceId])).toEqual(
        ['carol', 'alice', 'bob'].map((u) => [u, created.find((c) => c.userName === u)?.workspaceId]),
      );
      expect(found.every((d) => d.state === 'AVAILABLE')).toBe(true);
    });

    it('refuses a user who already has a desktop, for that user only, and creates no second one', async () => {
      const [first] = (await gw.create(['alice'])).created;
      const { created, failed } = await gw.create(['dave', 'alice', 'ALICE']);
      expect(created.map((d) => d.userName)).toEqual(['dave']);
      expect(failed.map((f) => [f.userName, f.code])).toEqual([
        ['alice', 'ResourceExists.WorkSpace'],
        ['ALICE', 'ResourceExists.WorkSpace'],
      ]);
      expect(failed[0]?.message).not.toBe('');
      expect(await gw.findByUserNames(['alice', 'Alice'])).toEqual([expect.objectContaining({ workspaceId: first?.workspaceId })]);
    });

    it('reports an empty user name as failed', async () => {
      const { created, failed } = await gw.create(['']);
      expect(created).toEqual([]);
      expect(failed).toEqual([expect.objectContaining({ userName: '', code: 'InvalidParameterValuesException' })]);
    });

    it('refuses more than 25 per call, creating or terminating nothing', async () => {
      await expect(gw.create(users('u', 26))).rejects.toThrow(/25/);
      expect(await gw.findByUserNames(users('u', 26))).toEqual([]);
      const { created } = await gw.create(['alice']);
      const ids = [...Array.from({ length: 25 }, (_, i) => `ws-missing${String(i).padStart(2, '0')}`), created[0]?.workspaceId ?? ''];
      await expect(gw.terminate(ids)).rejects.toThrow(/25/);
      expect(await gw.findByUserNames(['alice'])).toHaveLength(1);
    });

    it('accepts 25 per call and empty batches', async () => {
      expect((await gw.create(users('v', 25))).created).toHaveLength(25);
      expect(await gw.create([])).toEqual({ created: [], failed: [] });
      expect(await gw.terminate([])).toEqual({ failed: [] });
    });

    it('terminates: the desktop is not found anymore, unknown ids are reported, the user can get a new one', async () => {
      const { created } = await gw.create(['alice', 'bob']);
      const alice = created[0]?.workspaceId ?? '';
      const { failed } = await gw.terminate([alice, 'ws-unknown00']);
      expect(failed).toEqual(['ws-unknown00']);
      expect((await gw.findByUserNames(['alice', 'bob'])).map((d) => d.userName)).toEqual(['bob']);
      expect(await gw.terminate([alice])).toEqual({ failed: [alice] });
      const again = await gw.create(['alice']);
      expect(again.failed).toEqual([]);
      expect(again.created[0]?.workspaceId).not.toBe(alice);
    });

    it('sets ADMIN_MAINTENANCE then AVAILABLE, idempotently', async () => {
      const [alice] = (await gw.create(['alice'])).created;
      const id = alice?.workspaceId ?? '';
      await gw.setState(id, 'ADMIN_MAINTENANCE');
      expect((await gw.findByUserNames(['alice']))[0]?.state).toBe('ADMIN_MAINTENANCE');
      await gw.setState(id, 'ADMIN_MAINTENANCE');
      expect((await gw.findByUserNames(['alice']))[0]?.state).toBe('ADMIN_MAINTENANCE');
      await gw.setState(id, 'AVAILABLE');
      await gw.setState(id, 'AVAILABLE');
      expect((await gw.findByUserNames(['alice']))[0]?.state).toBe('AVAILABLE');
    });

    it('refuses to set the state of an unknown or terminated desktop', async () => {
      await expect(gw.setState('ws-unknown00', 'AVAILABLE')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const [alice] = (await gw.create(['alice'])).created;
      await gw.terminate([alice?.workspaceId ?? '']);
      await expect(gw.setState(alice?.workspaceId ?? '', 'ADMIN_MAINTENANCE')).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });
}

desktopGatewayContract('in-memory fake', () => new InMemoryDesktopGateway());

describe('WorkSpaces emulator', () => {
  let emulator: WorkspacesEmulator;
  let client: WorkSpacesClient;
  beforeAll(async () => {
    emulator = await startWorkspacesEmulator({ port: 0, provisionDelayMs: 0 });
    client = makeWorkspacesClient({ endpoint: emulator.url, region: REGION });
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });

  desktopGatewayContract('WorkspacesDesktopGateway + SDK + emulator', () => {
    emulator.reset();
    return new WorkspacesDesktopGateway(client, DIRECTORY);
  });

  describe('protocol', () => {
    beforeEach(() => emulator.reset());
    const create = (names: readonly string[]) =>
      client.send(
        new CreateWorkspacesCommand({
          Workspaces: names.map((UserName) => ({ UserName, DirectoryId: DIRECTORY.directoryId, BundleId: DIRECTORY.bundleId })),
        }),
      );

    it('pages DescribeWorkspaces with Limit and NextToken (30 WorkSpaces created in two calls)', async () => {
      const names = users('p', 30);
      expect((await create(names.slice(0, 25))).PendingRequests).toHaveLength(25);
      expect((await create(names.slice(25))).PendingRequests).toHaveLength(5);

      const first = await client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORY.directoryId }));
      expect(first.Workspaces).toHaveLength(25);
      expect(first.NextToken).toBeTruthy();
      const second = await client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORY.directoryId, NextToken: first.NextToken }));
      expect(second.Workspaces).toHaveLength(5);
      expect(second.NextToken).toBeUndefined();

      const all: Workspace[] = [];
      for await (const page of paginateDescribeWorkspaces({ client }, { DirectoryId: DIRECTORY.directoryId, Limit: 7 })) {
        all.push(...(page.Workspaces ?? []));
      }
      expect(all.map((w) => w.UserName)).toEqual(names);
      expect(all.every((w) => w.State === 'AVAILABLE' && w.BundleId === DIRECTORY.bundleId)).toBe(true);
      expect(emulator.calls.filter((c) => c.op === 'DescribeWorkspaces')).toHaveLength(2 + 5);
    });

    it('filters by WorkspaceIds, BundleId and DirectoryId + UserName; refuses combinations AWS refuses', async () => {
      const describeWs = (input: DescribeWorkspacesRequest) => client.send(new DescribeWorkspacesCommand(input));
      const ids = (await create(['a1', 'a2', 'a3'])).PendingRequests?.map((w) => w.WorkspaceId ?? '') ?? [];
      const byIds = await describeWs({ WorkspaceIds: [ids[2] ?? '', ids[0] ?? ''] });
      expect(byIds.Workspaces?.map((w) => w.WorkspaceId)).toEqual([ids[0], ids[2]]);
      expect((await describeWs({ BundleId: DIRECTORY.bundleId })).Workspaces).toHaveLength(3);
      expect((await describeWs({ BundleId: 'wsb-other0000' })).Workspaces).toEqual([]);
      const byUser = await describeWs({ DirectoryId: DIRECTORY.directoryId, UserName: 'A2' });
      expect(byUser.Workspaces?.map((w) => w.UserName)).toEqual(['a2']);

      for (const refused of [
        { UserName: 'a2' },
        { DirectoryId: DIRECTORY.directoryId, BundleId: DIRECTORY.bundleId },
        { NextToken: 'garbage' },
      ]) {
        await expect(describeWs(refused)).rejects.toBeInstanceOf(InvalidParameterValuesException);
      }
      for (const invalid of [{ Limit: 26 }, { Limit: 0 }, { WorkspaceIds: users('ws-', 26) }]) {
        await expect(describeWs(invalid)).rejects.toBeInstanceOf(ValidationException);
      }
    });

    it('answers typed exceptions: 26 items, unknown WorkSpace, invalid transition', async () => {
      const tooMany = create(users('t', 26));
      await expect(tooMany).rejects.toBeInstanceOf(ValidationException);
      await expect(tooMany).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
      await expect(client.send(new CreateWorkspacesCommand({ Workspaces: [] }))).rejects.toBeInstanceOf(ValidationException);
      await expect(
        client.send(
          new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: users('ws-', 26).map((WorkspaceId) => ({ WorkspaceId })) }),
        ),
      ).rejects.toBeInstanceOf(ValidationException);
      expect(emulator.list()).toEqual([]);

      const unknown = client.send(new ModifyWorkspaceStateCommand({ WorkspaceId: 'ws-unknown00', WorkspaceState: 'AVAILABLE' }));
      await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(unknown).rejects.toMatchObject({ ResourceId: 'ws-unknown00' });

      const id = (await create(['m1'])).PendingRequests?.[0]?.WorkspaceId ?? '';
      await expect(client.send(new ModifyWorkspaceStateCommand({ WorkspaceId: id, WorkspaceState: 'AVAILABLE' }))).rejects.toBeInstanceOf(
        InvalidResourceStateException,
      );
    });

    it('reports malformed directory and bundle ids per WorkSpace', async () => {
      const out = await client.send(
        new CreateWorkspacesCommand({
          Workspaces: [
            { UserName: 'x1', DirectoryId: 'nope', BundleId: DIRECTORY.bundleId },
            { UserName: 'x2', DirectoryId: DIRECTORY.directoryId, BundleId: 'nope' },
            { UserName: 'x3', DirectoryId: DIRECTORY.directoryId, BundleId: DIRECTORY.bundleId },
          ],
        }),
      );
      expect(out.FailedRequests?.map((f) => [f.WorkspaceRequest?.UserName, f.ErrorCode])).toEqual([
        ['x1', 'ResourceNotFound.Directory'],
        ['x2', 'ResourceNotFound.Bundle'],
      ]);
      expect(out.PendingRequests?.map((w) => [w.UserName, w.State])).toEqual([['x3', 'PENDING']]);
      expect(out.PendingRequests?.[0]?.WorkspaceId).toMatch(/^ws-[0-9a-z]{9}$/);
    });

    it('absorbs two injected ThrottlingExceptions through the client retries', async () => {
      const gw = new WorkspacesDesktopGateway(client, DIRECTORY);
      emulator.injectThrottling(2);
      const { created } = await gw.create(['busy']);
      expect(created).toHaveLength(1);
      expect(emulator.calls.map((c) => [c.op, c.error])).toEqual([
        ['CreateWorkspaces', 'ThrottlingException'],
        ['CreateWorkspaces', 'ThrottlingException'],
        ['CreateWorkspaces', undefined],
      ]);
      expect(emulator.calls[2]?.input).toEqual({
        Workspaces: [{ DirectoryId: DIRECTORY.directoryId, BundleId: DIRECTORY.bundleId, UserName: 'busy' }],
      });
    });

    it('answers an unknown X-Amz-Target and malformed JSON with 400 and __type', async () => {
      const post = (target: string, body: string) =>
        fetch(emulator.url, {
          method: 'POST',
          headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
          body,
        });
      const unknown = await post('WorkspacesService.RebootWorkspaces', '{}');
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException', message: expect.any(String) });

      const malformed = await post('WorkspacesService.DescribeWorkspaces', '{"Limit": ');
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('x-amzn-errortype')).toBe('SerializationException');
      expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });
      expect(emulator.calls.map((c) => [c.op, c.error])).toEqual([
        ['RebootWorkspaces', 'UnknownOperationException'],
        ['DescribeWorkspaces', 'SerializationException'],
      ]);
    });
  });

  describe('with a provisioning delay', () => {
    let slow: WorkspacesEmulator;
    let slowClient: WorkSpacesClient;
    beforeAll(async () => {
      slow = await startWorkspacesEmulator({ port: 0, provisionDelayMs: 500 });
      slowClient = makeWorkspacesClient({ endpoint: slow.url, region: REGION });
    });
    afterAll(async () => {
      slowClient?.destroy();
      await slow?.close();
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('goes PENDING → AVAILABLE, then TERMINATING → TERMINATED (gone from Describe) after the delay', async () => {
      const gw = new WorkspacesDesktopGateway(slowClient, DIRECTORY);
      const [desktop] = (await gw.create(['slow'])).created;
      expect(desktop?.state).toBe('PENDING');
      expect((await gw.findByUserNames(['slow']))[0]?.state).toBe('PENDING');
      await sleep(550);
      expect((await gw.findByUserNames(['slow']))[0]?.state).toBe('AVAILABLE');

      const id = desktop?.workspaceId ?? '';
      await gw.terminate([id]);
      const describeById = () => slowClient.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }));
      expect((await describeById()).Workspaces?.map((w) => w.State)).toEqual(['TERMINATING']);
      expect(await gw.findByUserNames(['slow'])).toEqual([]);
      expect((await gw.create(['slow'])).failed.map((f) => f.code)).toEqual(['ResourceExists.WorkSpace']);
      await sleep(550);
      expect((await describeById()).Workspaces).toEqual([]);
      expect(slow.list().map((w) => [w.WorkspaceId, w.State])).toEqual([[id, 'TERMINATED']]);
      expect((await gw.create(['slow'])).created).toHaveLength(1);
    });
  });
});
