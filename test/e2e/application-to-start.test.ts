/**
 * The first slice end to end through the embedded stack, no mocks: HTTP → api handler → DynamoDB
 * Local → outbox → mailer → local SES; daily run → lifecycle worker → provisioner → WorkSpaces emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '#adapters/dynamodb/client.ts';
import { acmeApplication, testStack, TOKEN } from '../support.ts';

type Stack = Awaited<ReturnType<typeof testStack>>;

async function call(stack: Stack, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function scan(stack: Stack) {
  const db = makeDocumentClient({ endpoint: stack.urls.dynamodb });
  const r = await db.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }));
  // State only: the audit trail logs the rerun itself (daily_run.complete), which is the point of a log.
  return (r.Items ?? [])
    .filter((i) => !String(i.pk).startsWith('AUDIT#'))
    .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('application → acceptance → start (Art 5–7, 13, 45)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01', { ports: { api: 0 } });
  });
  afterAll(async () => stack?.stop());

  it('accepts in order, mails the service-start notice, starts on the start date with one desktop per account, and a rerun changes nothing', async () => {
    const applied = await call(stack, 'POST', '/applications', acmeApplication());
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ id: 'acme', status: 'pending', application: { status: 'received' } });

    const accepted = await call(stack, 'POST', '/applications/acme/accept', { startDate: '2024-02-15' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'pending',
      startDate: '2024-02-15',
      lines: [{ id: 'acme', kind: 'basic', accounts: 10, termEnd: null }],
    });
    await stack.drain();

    const mails = await stack.mail.list();
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['yamada@acme.example']);
    expect(mail.subject).toContain('サービス提供開始通知書');
    expect(mail.headers).toMatchObject({
      'x-kokona-notice': 'application_accepted',
      'x-kokona-unit': 'acme',
      'x-kokona-date': '2024-02-01',
      'x-kokona-role': 'account_manager',
    });
    expect(mail.text).toContain('2024年2月15日');
    // W2: short user names from the unit's code (never the ref), listed in the mail; the passwords only in the kit.
    const listed = [...new Set(mail.text.match(/\bk[0-9a-z]+-\d{4}\b/g) ?? [])];
    expect(listed).toHaveLength(10);
    expect(listed.every((n) => n.length <= 20)).toBe(true);
    // Never a password in a mail: no "password: value" line, in either language.
    expect(mail.text + mail.html).not.toMatch(/(パスワード|password)\s*[:：]\s*\S/i);
    expect(mail.html).toContain('<html lang="ja">');

    // Before the start date nothing happens.
    stack.setToday('2024-02-14', 0);
    await stack.runDaily({ scheduledTime: '2024-02-14T00:05:00+09:00' });
    expect((await call(stack, 'GET', '/units/acme')).body.status).toBe('pending');
    expect(stack.emulator.list()).toHaveLength(0);

    // The start date: active, ten desktops, their ids on the accounts.
    stack.setToday('2024-02-15', 0);
    const run = await stack.runDaily({ scheduledTime: '2024-02-15T00:05:00+09:00' });
    expect(run).toMatchObject({ dates: ['2024-02-15'], dueUnits: 1 });
    const unit = (await call(stack, 'GET', '/units/acme')).body;
    expect(unit.status).toBe('active');
    expect(unit.history.map(({ date, status }: { date: string; status: string }) => ({ date, status }))).toEqual([
      { date: '2024-02-01', status: 'pending' },
      { date: '2024-02-15', status: 'active' },
    ]);
    // O2: the start takes effect at the daily run, 00:05 JST of the start date.
    expect(unit.history[1].at).toBe(Date.parse('2024-02-15T00:05:00+09:00'));
    expect(unit.lines[0]).toMatchObject({ started: true, termEnd: '2025-02-28' });
    const desktops = stack.emulator.list();
    expect(desktops).toHaveLength(10);
    const accounts = (await call(stack, 'GET', '/units/acme/accounts?limit=200')).body.items as {
      userName: string;
      workspaceId: string | null;
    }[];
    expect(new Set(desktops.map((d) => d.UserName))).toEqual(new Set(accounts.map((a) => a.userName)));
    expect(new Set(accounts.map((a) => a.userName))).toEqual(new Set(listed));
    expect(accounts.every((a) => a.workspaceId?.startsWith('ws-'))).toBe(true);
    const described = stack.emulator.list().map((d) => d.WorkspaceId);
    expect(described).toEqual(expect.arrayContaining(accounts.map((a) => a.workspaceId)));

    // The same daily run again: the store, the mails and the emulator are untouched.
    const before = await scan(stack);
    const calls = stack.emulator.calls.filter((c) => c.op === 'CreateWorkspaces').length;
    await stack.runDaily({ scheduledTime: '2024-02-15T00:05:00+09:00' });
    expect(await scan(stack)).toEqual(before);
    expect(stack.emulator.calls.filter((c) => c.op === 'CreateWorkspaces').length).toBe(calls);
    expect(await stack.mail.list()).toHaveLength(1);
    expect(stack.emulator.list()).toHaveLength(10);
  });
});

describe('same-day start and duplicate delivery (X2, at-least-once queues)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await testStack('2024-04-01', { ports: { api: 0 }, duplicates: 2 });
  });
  afterAll(async () => stack?.stop());

  it('accepting with today as start date activates at once; every message delivered twice still yields one mail and one desktop per account', async () => {
    expect((await call(stack, 'POST', '/applications', acmeApplication({ ref: 'dup', accounts: 30 }))).status).toBe(201);
    const accepted = await call(stack, 'POST', '/applications/dup/accept', { startDate: '2024-04-01' });
    expect(accepted.body).toMatchObject({ status: 'active', lines: [{ termEnd: '2025-04-30' }] });
    await stack.drain();
    expect(await stack.mail.list()).toHaveLength(1);
    const desktops = stack.emulator.list();
    expect(desktops).toHaveLength(30);
    expect(new Set(desktops.map((d) => d.UserName)).size).toBe(30);
    // 30 accounts: created in batches of at most 25.
    for (const c of stack.emulator.calls.filter((x) => x.op === 'CreateWorkspaces'))
      expect((c.input as { Workspaces: unknown[] }).Workspaces.length).toBeLessThanOrEqual(25);
    await stack.runDaily({ date: '2024-04-01' });
    expect(stack.emulator.list()).toHaveLength(30);
  });

  it('a self plan gets no desktops', async () => {
    await call(
      stack,
      'POST',
      '/applications',
      acmeApplication({ ref: 'selfy', plan: 'self', contractor: { ...acmeApplication().contractor, corporateNumber: '4011001000001' } }),
    );
    const r = await call(stack, 'POST', '/applications/selfy/accept', { startDate: '2024-04-01' });
    expect(r.body.status).toBe('active');
    await stack.drain();
    expect(stack.emulator.list().filter((d) => d.UserName.startsWith('selfy'))).toHaveLength(0);
  });
});
