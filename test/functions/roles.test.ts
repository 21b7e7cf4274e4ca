/**
 * Every role × every route of the api handler, table-driven, through the real handler and store:
 * allowed, 403 FORBIDDEN (the role may not do this) or 404 NOT_FOUND (an agent asking for a contract
 * it did not sell). Authorization lives in the use cases (shared/use-cases/authz.ts); this checks it
 * from the outside. A route missing from the table fails the first test: a new route must be classified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalUser } from '#functions/api/auth.ts';
import { routes } from '#functions/api/handler.ts';
import type { ApiDeps } from '#functions/api/deps.ts';
import { PERMISSIONS, ROLES, type Role } from '#use-cases/authz.ts';
import type { Context } from 'aws-lambda';
import { date } from '#domain/calendar.ts';
import { transferFile } from '#use-cases/deposits.ts';
import { apiEvent } from '#local/http-server.ts';
import { acmeApplication, apiCall, dailyRun, testStack, type TestStack } from '../support.ts';

const USERS: LocalUser[] = [
  { id: 'op', role: 'operator', name: 'op', token: 'tok-op' },
  { id: 'view', role: 'viewer', name: 'view', token: 'tok-view' },
  { id: 'ag', role: 'agent', name: 'ag', agentEmail: 'sales@agent.example', token: 'tok-ag' },
];
const TOKENS: Record<Role, string> = { operator: 'tok-op', viewer: 'tok-view', agent: 'tok-ag' };
const AGENT = { name: '代理店', email: 'sales@agent.example' };
const OTHER = { name: '他の代理店', email: 'other@agent2.example' };

type Expect = 'allow' | 403 | 404;
/** For an agent: on another agent's contract / on its own. */
type Cell = Expect | { readonly theirs: Expect; readonly mine: Expect };
type Req = { method: string; url: string; body?: unknown; headers?: Record<string, string> };

let n = 0;
const app = (agent: typeof AGENT | null, cn = '7000012050002') =>
  acmeApplication({
    ref: `new${++n}`,
    contractor: {
      kind: 'corporation',
      name: '新規株式会社',
      corporateNumber: cn,
      accountManager: { name: '新規', email: 'new@example.jp' },
      agent,
    },
  });

/** The request of each route, for a unit `u` (another agent's or one's own). */
const TABLE: Record<string, { req: (u: string, mine: boolean) => Req; operator: Cell; viewer: Cell; agent: Cell }> = {
  'GET /openapi.json': { req: () => ({ method: 'GET', url: '/openapi.json' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'POST /applications': {
    req: (_u, mine) => ({ method: 'POST', url: '/applications', body: app(mine ? AGENT : OTHER) }),
    operator: 'allow',
    viewer: 403,
    agent: { theirs: 403, mine: 'allow' },
  },
  'GET /applications': { req: () => ({ method: 'GET', url: '/applications' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'POST /applications/{id}/accept': {
    req: (u) => ({ method: 'POST', url: `/applications/${u}/accept`, body: { startDate: '2024-04-01' } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'POST /applications/{id}/reject': {
    req: (u) => ({ method: 'POST', url: `/applications/${u}/reject`, body: { reason: 'x' } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'POST /applications/{id}/defer': {
    req: (u) => ({ method: 'POST', url: `/applications/${u}/defer`, body: { reason: 'x', expectedOn: '2024-04-01' } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /units': { req: () => ({ method: 'GET', url: '/units' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'GET /units/{id}': {
    req: (u) => ({ method: 'GET', url: `/units/${u}` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'POST /units/{id}/lines': {
    req: (u) => ({ method: 'POST', url: `/units/${u}/lines`, body: { accounts: 5, startDate: '2024-03-20' } }),
    operator: 'allow',
    viewer: 403,
    agent: { theirs: 404, mine: 'allow' },
  },
  'POST /units/{id}/cancellations': {
    req: (u) => ({ method: 'POST', url: `/units/${u}/cancellations`, body: { end: 'term_end' } }),
    operator: 'allow',
    viewer: 403,
    agent: { theirs: 404, mine: 'allow' },
  },
  'PATCH /units/{id}/contact': {
    req: (u) => ({ method: 'PATCH', url: `/units/${u}/contact`, body: { name: '新担当', email: 'new-am@example.jp' } }),
    operator: 'allow',
    viewer: 403,
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /units/{id}/balance': {
    req: (u) => ({ method: 'GET', url: `/units/${u}/balance` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /units/{id}/notices': {
    req: (u) => ({ method: 'GET', url: `/units/${u}/notices` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /units/{id}/desktops': {
    req: (u) => ({ method: 'GET', url: `/units/${u}/desktops` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /invoices': { req: () => ({ method: 'GET', url: '/invoices' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'GET /invoices/{id}': {
    req: (u) => ({ method: 'GET', url: `/invoices/${u}.2024-03-01.fees` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'POST /invoices/{id}/payments': {
    req: (u) => ({
      method: 'POST',
      url: `/invoices/${u}.2024-03-01.fees/payments`,
      body: { amount: 1000 },
      headers: { 'idempotency-key': `k-${++n}` },
    }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'POST /outages': {
    req: () => ({ method: 'POST', url: '/outages', body: { knownAt: '2024-03-01T09:00:00+09:00', scope: 'all', cause: 'operator_fault' } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /outages': { req: () => ({ method: 'GET', url: '/outages' }), operator: 'allow', viewer: 'allow', agent: 403 },
  'GET /outages/{id}': { req: () => ({ method: 'GET', url: '/outages/out1' }), operator: 'allow', viewer: 'allow', agent: 403 },
  'PATCH /outages/{id}': {
    req: () => ({ method: 'PATCH', url: '/outages/out1', body: { description: `訂正 ${++n}` } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'POST /compensations/{id}/payout': {
    req: (u) => ({ method: 'POST', url: `/compensations/out1.${u}.1/payout` }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'POST /maintenances': {
    req: () => ({
      method: 'POST',
      url: '/maintenances',
      body: { startsAt: '2024-04-01T01:00:00+09:00', endsAt: '2024-04-01T03:00:00+09:00', scope: 'all' },
    }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /audit': { req: (u) => ({ method: 'GET', url: `/audit?unit=${u}` }), operator: 'allow', viewer: 'allow', agent: 403 },
  'GET /clock': { req: () => ({ method: 'GET', url: '/clock' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'POST /clock/advance': {
    req: () => ({ method: 'POST', url: '/clock/advance', body: { to: '2024-01-01' } }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /dashboard': { req: () => ({ method: 'GET', url: '/dashboard' }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  // The account kit link: no principal at all (its token is the credential); an unknown token is 410 for anyone.
  'GET /kit/{token}': { req: () => ({ method: 'GET', url: `/kit/${'x'.repeat(43)}` }), operator: 'allow', viewer: 'allow', agent: 'allow' },
  'POST /units/{id}/kit': { req: (u) => ({ method: 'POST', url: `/units/${u}/kit` }), operator: 'allow', viewer: 403, agent: 403 },
  'GET /units/{id}/accounts': {
    req: (u) => ({ method: 'GET', url: `/units/${u}/accounts` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /desktop-jobs': {
    req: () => ({ method: 'GET', url: '/desktop-jobs?status=failed' }),
    operator: 'allow',
    viewer: 'allow',
    agent: 403,
  },
  'POST /desktop-jobs/{id}/retry': {
    req: (u) => ({ method: 'POST', url: `/desktop-jobs/${encodeURIComponent(`D#${u}#${u}#create#2024-02-15`)}/retry` }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  // Before GET /desktops/drift: the operator's run leaves the report it reads.
  'POST /desktops/reconcile': { req: () => ({ method: 'POST', url: '/desktops/reconcile' }), operator: 'allow', viewer: 403, agent: 403 },
  'GET /desktops/drift': { req: () => ({ method: 'GET', url: '/desktops/drift' }), operator: 'allow', viewer: 'allow', agent: 403 },
  // A notice's delivery evidence: like its unit; a resend only by the operator.
  'GET /notices/{id}': {
    req: (u) => ({ method: 'GET', url: `/notices/${encodeURIComponent(invoiceNotice(u))}` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'POST /notices/{id}/resend': {
    req: (u) => ({ method: 'POST', url: `/notices/${encodeURIComponent(invoiceNotice(u))}/resend` }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  // Money in: the back office's own books (an agent has no part in them); the invoice PDF like the invoice.
  'POST /bank-files': {
    req: () => ({ method: 'POST', url: '/bank-files', body: 'not a bank file' }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /deposits': { req: () => ({ method: 'GET', url: '/deposits' }), operator: 'allow', viewer: 'allow', agent: 403 },
  'GET /deposits/{id}': { req: () => ({ method: 'GET', url: `/deposits/${depositId}` }), operator: 'allow', viewer: 'allow', agent: 403 },
  'POST /deposits/{id}/match': {
    req: (u) => ({
      method: 'POST',
      url: `/deposits/${depositId}/match`,
      body: { unit: u, invoices: [`${u}.2024-03-01.fees`], move: true },
    }),
    operator: 'allow',
    viewer: 403,
    agent: 403,
  },
  'GET /invoices/{id}/pdf': {
    req: (u) => ({ method: 'GET', url: `/invoices/${u}.2024-03-01.fees/pdf` }),
    operator: 'allow',
    viewer: 'allow',
    agent: { theirs: 404, mine: 'allow' },
  },
  'GET /archive': { req: () => ({ method: 'GET', url: '/archive?from=2024-03-01' }), operator: 'allow', viewer: 'allow', agent: 403 },
  'GET /archive/{key}': {
    req: (u) => ({ method: 'GET', url: `/archive/${u}.2024-03-01.fees.pdf` }),
    operator: 'allow',
    viewer: 'allow',
    agent: 403,
  },
};

/** The invoice mail of each unit's first fees invoice (sent by the daily run of 2024-03-01; read in beforeAll). */
const invoiceNotices = new Map<string, string>();
const invoiceNotice = (u: string) => invoiceNotices.get(u) ?? `N#${u}#missing`;
/** A deposit to the ordinary account that names no one (imported in beforeAll). */
let depositId = '';

const handlerRoutes = () => routes({} as unknown as ApiDeps).map((r) => `${r.method} ${r.path}`);

describe('the role table', () => {
  it('classifies every route of the api handler (a new route must be added here), and nothing else', () => {
    expect(Object.keys(TABLE).sort()).toEqual(handlerRoutes().sort());
  });

  it('gives every role an access to every action (one table in shared/use-cases/authz.ts)', () => {
    for (const [action, byRole] of Object.entries(PERMISSIONS)) expect(Object.keys(byRole).sort(), action).toEqual([...ROLES].sort());
    expect(PERMISSIONS['payments.record'].viewer).toBe('none');
  });
});

describe('every role × route', () => {
  let stack: TestStack;
  const call = (role: Role, r: Req) => apiCall(stack, r.method, r.url, r.body, { authorization: `Bearer ${TOKENS[role]}`, ...r.headers });

  beforeAll(async () => {
    stack = await testStack('2024-02-01', { users: USERS });
    const op = (r: Req) => call('operator', r);
    const corp = (ref: string, agent: typeof AGENT, cn: string) =>
      acmeApplication({
        ref,
        contractor: {
          kind: 'corporation',
          name: `${ref}株式会社`,
          corporateNumber: cn,
          accountManager: { name: '担当', email: `${ref}@example.jp` },
          agent,
        },
      });
    expect((await op({ method: 'POST', url: '/applications', body: corp('mine', AGENT, '3202100105259') })).status).toBe(201);
    expect((await op({ method: 'POST', url: '/applications', body: corp('theirs', OTHER, '2800002013000') })).status).toBe(201);
    for (const u of ['mine', 'theirs'])
      expect((await op({ method: 'POST', url: `/applications/${u}/accept`, body: { startDate: '2024-02-15' } })).status).toBe(200);
    await dailyRun(stack, '2024-02-15');
    await dailyRun(stack, '2024-03-01');
    stack.setToday('2024-03-05');
    expect(
      (
        await op({
          method: 'POST',
          url: '/outages',
          body: { ref: 'out1', knownAt: '2024-02-20T09:00:00+09:00', scope: { units: ['mine', 'theirs'] }, cause: 'operator_fault' },
        })
      ).status,
    ).toBe(201);
    expect((await op({ method: 'PATCH', url: '/outages/out1', body: { endedAt: '2024-02-27T09:00:00+09:00' } })).status).toBe(200);
    expect((await op({ method: 'GET', url: '/outages/out1' })).body.compensations).toHaveLength(2);
    for (const u of ['mine', 'theirs']) {
      const notices = (await op({ method: 'GET', url: `/units/${u}/notices` })).body.items as { id: string; type: string }[];
      invoiceNotices.set(u, notices.find((x) => x.type === 'invoice_issued')!.id);
    }
    const file = transferFile({
      createdOn: date('2024-03-05'),
      accounts: [
        {
          ...{ bankCode: stack.config.bank.code, bankName: 'ﾐｽﾞﾎ', branchCode: stack.config.bank.branchCode, branchName: 'ﾄｳｷﾖｳ' },
          ...{ accountNumber: stack.config.bank.accountNumber, accountName: stack.config.bank.holderKana },
          deposits: [{ inquiry: 1, valueDate: date('2024-03-05'), amount: 1_000, remitter: 'ﾀﾞﾚｶ' }],
        },
      ],
    });
    const headers = { authorization: `Bearer ${TOKENS.operator}`, 'content-type': 'application/octet-stream' };
    const imported = await stack.api(apiEvent({ method: 'POST', url: '/bank-files', headers, body: Buffer.from(file) }), {} as Context);
    expect(imported.statusCode).toBe(200);
    depositId = (JSON.parse(imported.body ?? '{}') as { deposits: { deposit: string }[] }).deposits[0]!.deposit;
  }, 120_000);
  afterAll(() => stack?.stop());

  const cells = Object.entries(TABLE).flatMap(([route, t]) =>
    (['viewer', 'agent', 'operator'] as const).flatMap((role) => {
      const cell = t[role];
      if (typeof cell === 'object')
        return [
          { route, role, unit: 'theirs', want: cell.theirs },
          { route, role, unit: 'mine', want: cell.mine },
        ];
      return [{ route, role, unit: role === 'agent' ? 'mine' : 'theirs', want: cell }];
    }),
  );

  it.each(cells)('$route as $role on $unit → $want', async ({ route, role, unit, want }) => {
    const r = await call(role, TABLE[route]!.req(unit, unit === 'mine'));
    if (want === 'allow') {
      expect([401, 403, 404], `${r.status} ${r.body.code}`).not.toContain(r.status);
      expect(r.status).toBeLessThan(500);
    } else {
      expect([r.status, r.body.code]).toEqual([want, want === 403 ? 'FORBIDDEN' : 'NOT_FOUND']);
    }
  });

  it('lists show an agent only its own contracts', async () => {
    const units = (await call('agent', { method: 'GET', url: '/units' })).body.items as { id: string }[];
    expect(units.map((u) => u.id)).toContain('mine');
    expect(units.map((u) => u.id)).not.toContain('theirs');
    const invoices = (await call('agent', { method: 'GET', url: '/invoices' })).body.items as { unitId: string }[];
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.every((i) => i.unitId === 'mine')).toBe(true);
    const apps = (await call('agent', { method: 'GET', url: '/applications' })).body.items as {
      contractor: { agent: { email: string } | null };
    }[];
    expect(apps.every((a) => a.contractor.agent?.email === AGENT.email)).toBe(true);
  });

  it('records every change in the audit trail with who, what, when, the request id and before/after — and refusals change nothing', async () => {
    const page = (await call('operator', { method: 'GET', url: '/audit?unit=theirs&limit=200' })).body as {
      items: any[];
      next: string | null;
    };
    const accept = page.items.find((e) => e.action === 'application.accept');
    expect(accept).toMatchObject({
      actor: { id: 'op', role: 'operator' },
      unit: 'theirs',
      before: { application: { status: 'received' } },
      after: { application: { status: 'accepted' } },
    });
    expect(accept.requestId).toMatch(/^local-/);
    expect(accept.at).toMatch(/\+09:00$/);
    expect(page.items.some((e) => e.action === 'unit.advance' && e.actor.id === 'system:lifecycle-worker')).toBe(true);
    expect(page.items.some((e) => e.action === 'notice.send' && e.actor.role === 'system')).toBe(true);
    expect(page.items.some((e) => e.action === 'payment.record' && e.actor.id === 'op')).toBe(true);
    // No viewer or agent ever changed a unit.
    expect(page.items.filter((e) => e.actor.role === 'viewer' || e.actor.role === 'agent')).toEqual([]);
    const daily = (await call('operator', { method: 'GET', url: '/audit?actor=system:daily-run&limit=5' })).body.items as any[];
    expect(daily[0]).toMatchObject({ action: 'daily_run.complete', actor: { role: 'system' } });
    // Paging: a small page and its cursor give the next entries, none twice.
    const p1 = (await call('operator', { method: 'GET', url: '/audit?limit=3' })).body;
    const p2 = (await call('operator', { method: 'GET', url: `/audit?limit=3&next=${p1.next}` })).body;
    expect(p1.items).toHaveLength(3);
    expect(p2.items.length).toBeGreaterThan(0);
    expect(p2.items.map((e: any) => JSON.stringify(e))).not.toContain(JSON.stringify(p1.items[2]));
    expect((await call('operator', { method: 'GET', url: '/audit?next=nonsense!' })).status).toBe(400);
  });
});
