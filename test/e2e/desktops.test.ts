/**
 * Real desktops (docs/DESKTOPS.md W1–W10) through the embedded stack, no mocks of our parts: the api
 * handler, DynamoDB Local, the provisioner, the real WorkSpaces / Directory Service SDK clients (and
 * our ds-data client) against the strict emulators, the local SES sink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopJobId } from '#domain/effects.ts';
import { apiCall, acmeApplication, dailyRun, testStack, type TestStack } from '../support.ts';

const app = (ref: string, accounts: number, corporateNumber = '8700110005901') =>
  acmeApplication({
    ref,
    accounts,
    contractor: { ...acmeApplication().contractor, corporateNumber, accountManager: { name: '山田 太郎', email: `${ref}@acme.example` } },
  });

/** Today's audit entries (UTC day of the stack clock). */
const auditToday = async (stack: TestStack) => {
  const day = new Date(stack.clock.now()).toISOString().slice(0, 10);
  return (await stack.store.audit.query({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59.999Z`, limit: 500 })).items;
};
const kitToken = (text: string) => /\/kit\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const wsCalls = (stack: TestStack, from = 0) => {
  const by: Record<string, number> = {};
  for (const c of stack.emulator.calls.slice(from)) if (!c.op.startsWith('ds')) by[c.op] = (by[c.op] ?? 0) + 1;
  return by;
};
const desktopsOf = (stack: TestStack, prefix: string) =>
  stack.emulator.list().filter((w) => w.UserName.startsWith(prefix) && w.State !== 'TERMINATED');

async function accounts(stack: TestStack, unit: string) {
  const out: Record<string, any>[] = [];
  let next: string | null = null;
  do {
    const r = await apiCall(stack, 'GET', `/units/${unit}/accounts?limit=200${next ? `&next=${next}` : ''}`);
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    next = r.body.next;
  } while (next);
  return out;
}

describe('a 5-account unit end to end (W1–W3, W7, W8)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { queueDelayScale: 1 });
  });
  afterAll(async () => stack?.stop());

  it('users before desktops, AVAILABLE, the kit fetched once, suspend/resume, cancel removes desktops and users; names never reused', async () => {
    expect((await apiCall(stack, 'POST', '/applications', app('five', 5))).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/applications/five/accept', { startDate: '2024-02-01' })).status).toBe(200);
    const mail = (await stack.mail.list()).find((m) => m.headers['x-kokona-notice'] === 'application_accepted')!;
    const token = kitToken(mail.text)!;
    expect(token).toBeDefined();
    // No password in the mail, and it says what happens.
    expect(mail.text + mail.html).not.toMatch(/(パスワード|password)\s*[:：]\s*\S/i);
    expect(mail.text).toContain('一度に限り');

    const users = stack.emulator
      .users()
      .map((u) => u.SAMAccountName)
      .sort();
    expect(users).toHaveLength(5);
    for (const u of users) expect(u).toMatch(/^[a-z0-9-]{1,20}$/);
    expect(stack.emulator.users().every((u) => u.Enabled && u.password)).toBe(true);
    const desktops = desktopsOf(stack, users[0]!.split('-')[0]!);
    expect(desktops.map((d) => d.State)).toEqual(Array(5).fill('AVAILABLE'));
    expect(desktops.map((d) => d.UserName).sort()).toEqual(users);
    // Users were created before their desktops (W1).
    const firstCreateUser = stack.emulator.calls.findIndex((c) => c.op === 'ds-data:CreateUser');
    const firstCreateWs = stack.emulator.calls.findIndex((c) => c.op === 'CreateWorkspaces');
    expect(firstCreateUser).toBeGreaterThanOrEqual(0);
    expect(firstCreateUser).toBeLessThan(firstCreateWs);

    // The kit: once, then 410; passwords match the directory; the fetch is audited.
    const kit = await apiCall(stack, 'GET', `/kit/${token}`, undefined, { authorization: '' });
    expect(kit.status).toBe(200);
    expect(kit.body.accounts).toHaveLength(5);
    for (const a of kit.body.accounts)
      expect(stack.emulator.users().find((u) => u.SAMAccountName === a.userName)?.password).toBe(a.initialPassword);
    expect((await apiCall(stack, 'GET', `/kit/${token}`, undefined, { authorization: '' })).body.code).toBe('GONE');
    expect((await apiCall(stack, 'GET', `/kit/${token}`, undefined, { authorization: '' })).status).toBe(410);
    expect((await accounts(stack, 'five')).every((a) => a.passwordAwaitingKit === false)).toBe(true);
    const audit = await auditToday(stack);
    expect(audit.map((e) => e.action)).toContain('account_kit.fetched');

    // Reissue: new link mailed, new passwords, the old link stays gone; audited.
    const re = await apiCall(stack, 'POST', '/units/five/kit');
    expect(re.status).toBe(202);
    const reMail = (await stack.mail.list()).find((m) => m.headers['x-kokona-notice'] === 'account_kit')!;
    const token2 = kitToken(reMail.text)!;
    expect(token2).not.toBe(token);
    const kit2 = await apiCall(stack, 'GET', `/kit/${token2}`, undefined, { authorization: '' });
    expect(kit2.status).toBe(200);
    expect(kit2.body.accounts.map((a: any) => a.initialPassword)).not.toEqual(kit.body.accounts.map((a: any) => a.initialPassword));
    expect((await auditToday(stack)).map((e) => e.action)).toContain('account_kit.reissued');

    // Suspension stops sign-in (ADMIN_MAINTENANCE; AUTO_STOP desktops stopped first), resumption returns AVAILABLE.
    const ids = desktops.map((d) => d.WorkspaceId);
    const job = (action: 'suspend' | 'resume') => ({
      kind: 'desktop' as const,
      id: desktopJobId({ unitId: 'five', lineId: 'five', action, date: '2024-02-02' as never }),
      action,
      unitId: 'five',
      lineId: 'five',
      date: '2024-02-02' as never,
      accounts: 5,
    });
    await stack.store.outbox.add([job('suspend')]);
    await stack.queues.desktops.send([{ outboxId: job('suspend').id }]);
    await stack.drain();
    expect(
      stack.emulator
        .list()
        .filter((w) => ids.includes(w.WorkspaceId))
        .map((w) => w.State),
    ).toEqual(Array(5).fill('ADMIN_MAINTENANCE'));
    expect(stack.emulator.calls.some((c) => c.op === 'StopWorkspaces')).toBe(true);
    await stack.store.outbox.add([job('resume')]);
    await stack.queues.desktops.send([{ outboxId: job('resume').id }]);
    await stack.drain();
    expect(
      stack.emulator
        .list()
        .filter((w) => ids.includes(w.WorkspaceId))
        .map((w) => w.State),
    ).toEqual(Array(5).fill('AVAILABLE'));

    // Cancel at a month end: on the deletion date the desktops go (confirmed), then the users.
    await dailyRun(stack, '2024-02-02');
    expect((await apiCall(stack, 'POST', '/units/five/cancellations', { end: '2024-03-31' })).status).toBe(201);
    const after = '2024-04-03';
    await dailyRun(stack, after);
    expect(
      stack.emulator
        .list()
        .filter((w) => ids.includes(w.WorkspaceId))
        .map((w) => w.State),
    ).toEqual(Array(5).fill('TERMINATED'));
    expect(stack.emulator.users().filter((u) => users.includes(u.SAMAccountName))).toEqual([]);
    expect((await accounts(stack, 'five')).every((a) => a.deleted && a.workspaceId === null)).toBe(true);

    // A later unit never gets those names (W2).
    expect((await apiCall(stack, 'POST', '/applications', app('later', 5, '4011001000001'))).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/applications/later/accept', { startDate: after })).status).toBe(200);
    const laterNames = (await accounts(stack, 'later')).map((a) => a.userName);
    expect(laterNames).toHaveLength(5);
    for (const n of laterNames) expect(users).not.toContain(n);
  });
});

describe('faults (W4, W5)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { queueDelayScale: 1 });
  });
  afterAll(async () => stack?.stop());

  it('throttling: the job still completes; a desktop in ERROR is recreated', async () => {
    stack.emulator.injectThrottling(4);
    stack.emulator.failNextDesktops(1);
    expect((await apiCall(stack, 'POST', '/applications', app('flaky', 5))).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/applications/flaky/accept', { startDate: '2024-02-01' })).status).toBe(200);
    expect(stack.emulator.calls.filter((c) => c.error === 'ThrottlingException')).toHaveLength(4);
    const live = stack.emulator.list().filter((w) => w.State !== 'TERMINATED');
    expect(live.map((w) => w.State)).toEqual(Array(5).fill('AVAILABLE'));
    expect(stack.emulator.list().filter((w) => w.State === 'TERMINATED')).toHaveLength(1); // the ERROR one, replaced
    const job = await stack.store.outbox.get(
      desktopJobId({ unitId: 'flaky', lineId: 'flaky', action: 'create', date: '2024-02-01' as never }),
    );
    expect(job?.state).toBe('done');
  });

  it('a user missing from the directory: one failed job with the AWS code, one operator mail, no retry storm; the operator retries it', async () => {
    expect((await apiCall(stack, 'POST', '/applications', app('gone', 5, '8700110005901'))).status).toBe(201);
    const before = stack.emulator.calls.length;
    // The directory loses one user between the users step and CreateWorkspaces.
    const orig = stack.desktops.create.bind(stack.desktops);
    let victim = '';
    (stack.desktops as { create: typeof orig }).create = async (reqs) => {
      if (!victim) {
        victim = reqs[0]!.userName;
        stack.emulator.tamper.deleteUser(victim);
      }
      return orig(reqs);
    };
    expect((await apiCall(stack, 'POST', '/applications/gone/accept', { startDate: '2024-02-01' })).status).toBe(200);
    (stack.desktops as { create: typeof orig }).create = orig;
    const jobId = desktopJobId({ unitId: 'gone', lineId: 'gone', action: 'create', date: '2024-02-01' as never });
    const failed = await apiCall(stack, 'GET', '/desktop-jobs?status=failed');
    expect(failed.status).toBe(200);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ id: jobId, failure: { code: 'ResourceNotFound.User', userName: victim } });
    expect(stack.emulator.calls.slice(before).filter((c) => c.op === 'CreateWorkspaces')).toHaveLength(1); // no retry storm
    const operatorMails = (await stack.mail.list()).filter((m) => m.headers['x-kokona-notice'] === 'desktop_job_failed');
    expect(operatorMails).toHaveLength(1);
    expect(operatorMails[0]!.to).toEqual([stack.config.mail.operatorAddress]);
    expect(operatorMails[0]!.text).toContain('ResourceNotFound.User');
    // Another delivery of the same message does nothing (never retried blindly).
    await stack.queues.desktops.send([{ outboxId: jobId }]);
    await stack.drain();
    expect(stack.emulator.calls.slice(before).filter((c) => c.op === 'CreateWorkspaces')).toHaveLength(1);
    expect((await stack.mail.list()).filter((m) => m.headers['x-kokona-notice'] === 'desktop_job_failed')).toHaveLength(1);
    // The operator fixes the cause (the user is back) and retries: done, one desktop per account.
    await stack.directory.createUser(victim, { givenName: victim, surname: 'gone' });
    await stack.directory.setPassword(victim, 'Xy7#restored-pw');
    const retry = await apiCall(stack, 'POST', `/desktop-jobs/${encodeURIComponent(jobId)}/retry`);
    expect(retry.status).toBe(202);
    expect((await stack.store.outbox.get(jobId))?.state).toBe('done');
    expect((await apiCall(stack, 'GET', '/desktop-jobs?status=failed')).body.items).toEqual([]);
    expect((await apiCall(stack, 'POST', `/desktop-jobs/${encodeURIComponent(jobId)}/retry`)).body.code).toBe('JOB_NOT_FAILED');
    const names = (await accounts(stack, 'gone')).map((a) => a.userName);
    expect(stack.emulator.list().filter((w) => names.includes(w.UserName) && w.State !== 'TERMINATED')).toHaveLength(5);
  });

  it('a crash between CreateUser and CreateWorkspaces, rerun: exactly one user and one desktop per account', async () => {
    expect((await apiCall(stack, 'POST', '/applications', app('crash', 6, '8700110005901'))).status).toBe(201);
    // The first CreateWorkspaces call fails hard (as if the function died there); the queue redelivers.
    stack.emulator.injectThrottling(0);
    const orig = stack.desktops.create.bind(stack.desktops);
    let crashed = false;
    (stack.desktops as { create: typeof orig }).create = async (reqs) => {
      const r = await orig(reqs); // the desktops exist …
      if (!crashed) {
        crashed = true; // … but the function dies before it records their ids
        throw Object.assign(new Error('Task timed out'), { name: 'ECONNRESET' });
      }
      return r;
    };
    expect((await apiCall(stack, 'POST', '/applications/crash/accept', { startDate: '2024-02-01' })).status).toBe(200);
    (stack.desktops as { create: typeof orig }).create = orig;
    expect(crashed).toBe(true);
    const accts = await accounts(stack, 'crash');
    expect(accts).toHaveLength(6);
    const names = accts.map((a) => a.userName);
    expect(stack.emulator.users().filter((u) => names.includes(u.SAMAccountName))).toHaveLength(6);
    const live = stack.emulator.list().filter((w) => names.includes(w.UserName) && w.State !== 'TERMINATED');
    expect(live).toHaveLength(6);
    expect(new Set(live.map((w) => w.UserName)).size).toBe(6);
    expect(accts.map((a) => a.workspaceId).sort()).toEqual(live.map((w) => w.WorkspaceId).sort());
  });
});

describe('the reconciler (W9)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { queueDelayScale: 1 });
  });
  afterAll(async () => stack?.stop());

  it('repairs a deleted desktop and an AVAILABLE one on a suspended unit, reports a foreign one untouched; a second run finds nothing', async () => {
    for (const [ref, num] of [
      ['rc1', '8700110005901'],
      ['rc2', '8700110005901'],
    ] as const) {
      expect((await apiCall(stack, 'POST', '/applications', app(ref, 5, num))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: '2024-02-01' })).status).toBe(200);
    }
    // rc2 suspended (its job ran: every desktop in ADMIN_MAINTENANCE), then one made AVAILABLE behind our back.
    const unit2 = await stack.store.units.get('rc2');
    await stack.store.units.save({ ...unit2!, status: 'suspended', suspendedOn: '2024-02-01' as never }, { outbox: [], wakeUps: [] });
    const acc1 = await accounts(stack, 'rc1');
    const acc2 = await accounts(stack, 'rc2');
    for (const a of acc2) stack.emulator.tamper.setState(a.workspaceId, 'ADMIN_MAINTENANCE');
    stack.emulator.tamper.setState(acc2[0]!.workspaceId, 'AVAILABLE');
    stack.emulator.tamper.terminate(acc1[2]!.workspaceId);
    const foreign = stack.emulator.tamper.addForeign(stack.config.workspaces.directoryId, stack.config.workspaces.bundleId, 'someone-else');

    const first = await apiCall(stack, 'POST', '/desktops/reconcile');
    expect(first.status).toBe(200);
    expect(first.body.drift).toBe(2);
    expect(first.body.counts).toMatchObject({ missing: 1, should_be_suspended: 1, foreign: 1 });
    expect(first.body.repaired).toMatchObject({ created: 1, suspended: 1, terminated: 0, failed: 0 });
    expect(stack.emulator.list().find((w) => w.WorkspaceId === foreign)?.State).toBe('AVAILABLE');
    expect(stack.emulator.list().find((w) => w.WorkspaceId === acc2[0]!.workspaceId)?.State).toBe('ADMIN_MAINTENANCE');
    const replaced = (await accounts(stack, 'rc1'))[2]!;
    expect(replaced.workspaceId).not.toBe(acc1[2]!.workspaceId);
    expect((await apiCall(stack, 'GET', '/desktops/drift')).body.id).toBe(first.body.id);

    const second = await apiCall(stack, 'POST', '/desktops/reconcile');
    expect(second.body.drift).toBe(0);
    expect(second.body.repaired).toMatchObject({ created: 0, suspended: 0, resumed: 0, terminated: 0 });
    expect(second.body.counts.foreign).toBe(1);
  });
});

describe('a 2,000-account line (W6, W10)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { queueDelayScale: 1, emulator: { maxWorkspaces: 5000 } });
  });
  afterAll(async () => stack?.stop());

  it('is accepted and provisioned with few WorkSpaces calls, a bounded unit item and a mail within SES limits; 2,001 is refused', async () => {
    expect((await apiCall(stack, 'POST', '/applications', app('big', 2001))).body.code).toBe('TOO_MANY_ACCOUNTS');
    expect((await apiCall(stack, 'POST', '/applications', app('big', 2000))).status).toBe(201);
    const t0 = Date.now();
    const accepted = await apiCall(stack, 'POST', '/applications/big/accept', { startDate: '2024-02-01' });
    expect(accepted.status).toBe(200);
    const seconds = (Date.now() - t0) / 1000;
    const live = stack.emulator.list().filter((w) => w.State === 'AVAILABLE');
    expect(live).toHaveLength(2000);
    expect(stack.emulator.users()).toHaveLength(2000);
    const calls = wsCalls(stack);
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    // ⌈2000/25⌉ = 80 CreateWorkspaces; Describe by ids, 25 per call, once per check.
    expect(calls.CreateWorkspaces).toBe(80);
    expect(total).toBeLessThanOrEqual(80 * 4);
    const job = await stack.store.outbox.get(desktopJobId({ unitId: 'big', lineId: 'big', action: 'create', date: '2024-02-01' as never }));
    expect(job?.state).toBe('done');
    // The unit item stays small: no user names, no desktop ids in it.
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { makeDocumentClient } = await import('#adapters/dynamodb/client.ts');
    const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
    const item = (await db.send(new GetCommand({ TableName: stack.tableName, Key: { pk: 'UNIT#big', sk: 'A' } }))).Item!;
    db.destroy();
    const unitBytes = Buffer.byteLength(JSON.stringify(item), 'utf8');
    expect(unitBytes).toBeLessThan(8 * 1024);
    // The service-start mail lists the first user names only and points to the kit.
    const mail = (await stack.mail.list()).find(
      (m) => m.headers['x-kokona-unit'] === 'big' && m.headers['x-kokona-notice'] === 'application_accepted',
    )!;
    const mailBytes = Buffer.byteLength(mail.text, 'utf8') + Buffer.byteLength(mail.html, 'utf8');
    expect(mailBytes).toBeLessThan(100 * 1024); // SES: 10 MB (40 MB v2) per message; this mail stays tiny
    expect(mail.text).toContain('全2000件のうち先頭20件');
    console.log(
      `2,000-account line: ${JSON.stringify(calls)} (${total} WorkSpaces calls), unit item ${unitBytes} B, service-start mail ${mailBytes} B (text+html), accept→provisioned ${seconds.toFixed(1)} s`,
    );
  }, 600_000);
});
