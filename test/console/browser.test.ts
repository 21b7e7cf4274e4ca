/**
 * The console end to end in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the embedded stack serves the built console and the API on one port; people sign in as the local
 * users of each role. Screenshots of each page go to .screenshots/ (git-ignored).
 * Skipped when /usr/bin/chromium is absent (`.ci/run` installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalUser } from '#functions/api/auth.ts';
import { acmeApplication, testStack, TOKEN, type TestStack } from '../support.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, '.screenshots');

const USERS: LocalUser[] = [
  { id: 'operator', role: 'operator', name: '運用 太郎', password: 'op-pass', token: 'tok-operator' },
  { id: 'viewer', role: 'viewer', name: '閲覧 花子', password: 'view-pass', token: 'tok-viewer' },
  { id: 'agent', role: 'agent', name: '代理店 一郎', agentEmail: 'sales@agent.example', password: 'agent-pass', token: 'tok-agent' },
];
const AGENT = { name: '代理店 一郎', email: 'sales@agent.example' };
const OTHER_AGENT = { name: '別代理店', email: 'other@agent2.example' };

let stack: TestStack;
let browser: Browser;
let base: string;

async function api(method: string, path: string, body?: unknown, token = TOKEN) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

async function signIn(user: string, password: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'ja-JP' });
  page.setDefaultTimeout(20_000);
  await page.goto(`${base}/console/`);
  await page.getByLabel('ユーザー名').fill(user);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.getByTestId('business-date').waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!existsSync(CHROMIUM))('the console in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await testStack('2024-02-01', { ports: { api: 0 }, users: USERS, consoleDir: join(ROOT, 'console', 'dist') });
    base = stack.urls.api!;
    // The queue: acme first, then beta; units sold by the agent and by another agent.
    expect((await api('POST', '/applications', acmeApplication())).status).toBe(201);
    const corp = (ref: string, name: string, corporateNumber: string, agent: typeof AGENT | null) =>
      acmeApplication({
        ref,
        contractor: {
          kind: 'corporation',
          name,
          corporateNumber,
          accountManager: { name: '佐藤 花子', email: `${ref}@example.jp` },
          agent,
        },
      });
    expect((await api('POST', '/applications', corp('beta', '株式会社ベータ', '3202100105259', null))).status).toBe(201);
    expect((await api('POST', '/applications', corp('agsold', '株式会社代理店経由', '3100002001000', AGENT))).status).toBe(201);
    expect((await api('POST', '/applications', corp('other', '株式会社他社経由', '2800002013000', OTHER_AGENT))).status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('an operator accepts the first application, sees the start mail, moves the clock, sees AVAILABLE desktops, pays once on a double click, and is offered the earliest end of a late cancellation', async () => {
    const page = await signIn('operator', 'op-pass');
    await expect.poll(() => page.getByTestId('business-date').textContent()).toBe('2024年2月1日');
    await shot(page, '01-today');

    // 申込: the FIFO queue; the first one is marked and accepted with a start date.
    await page.getByRole('link', { name: '申込' }).click();
    const first = page.locator('li.first');
    await expect.poll(() => first.getAttribute('data-unit')).toBe('acme');
    await expect.poll(() => first.locator('.badge').textContent()).toBe('次に判断する申込');
    // Deciding out of order is refused in words (Art 6-1).
    const second = page.locator('li[data-unit="beta"]');
    await second.getByRole('button', { name: '承諾' }).click();
    await second.getByLabel('提供開始日').fill('2024-02-15');
    await second.getByRole('button', { name: /承諾する/ }).click();
    await second.locator('[data-code="EARLIER_APPLICATION_PENDING"]').waitFor();
    await shot(page, '02-applications');
    await first.getByRole('button', { name: '承諾' }).click();
    await first.getByLabel('提供開始日').fill('2024-02-15');
    await first.getByRole('button', { name: /承諾する/ }).click();
    await expect.poll(async () => (await api('GET', '/units/acme')).body.application.status).toBe('accepted');

    // 契約: the unit's page shows the service-start mail as the customer saw it.
    await page.goto(`${base}/console/#/units/acme`);
    await page.getByRole('button', { name: /サービス提供開始通知/ }).click();
    const mail = page.frameLocator('iframe.mail');
    await expect.poll(() => mail.locator('body').textContent(), { timeout: 20_000 }).toContain('k00001-0001');
    await shot(page, '03-unit');

    // The test clock: to the start date; the daily runs in between run; the desktops come up.
    await page.getByLabel('テストクロック：進める日付').fill('2024-02-15');
    await page.getByRole('button', { name: '日付を進める' }).click();
    await expect.poll(() => page.getByTestId('business-date').textContent(), { timeout: 60_000 }).toBe('2024年2月15日');
    await page.goto(`${base}/console/#/units/acme`);
    await expect.poll(() => page.getByTestId('unit-status').textContent()).toBe('利用中');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: '最新の状態を取得' }).click();
          return page.locator('[data-testid="desktops"] td.ws-AVAILABLE').count();
        },
        { timeout: 30_000 },
      )
      .toBe(10);
    await shot(page, '04-unit-active');

    // The first invoice (issued 2024-03-01): a double click on 入金を記録する records ONE payment.
    await page.getByLabel('テストクロック：進める日付').fill('2024-03-05');
    await page.getByRole('button', { name: '日付を進める' }).click();
    await expect.poll(() => page.getByTestId('business-date').textContent(), { timeout: 60_000 }).toBe('2024年3月5日');
    await page.goto(`${base}/console/#/invoices/acme.2024-03-01.fees`);
    await page.getByLabel('入金額（円）').fill('100000');
    await page.getByRole('button', { name: '入金を記録する' }).dblclick();
    await page.getByRole('status').waitFor();
    await expect.poll(async () => (await api('GET', '/invoices/acme.2024-03-01.fees')).body.payments.length).toBe(1);
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="payments"] tbody tr').count()).toBe(1);
    await shot(page, '05-invoice');

    // A late cancellation (end 2024-03-31: its deadline 2024-02-29 has passed): the earliest end is offered.
    await page.goto(`${base}/console/#/units/acme`);
    await page.getByLabel('月末日を指定').check();
    await page.getByLabel('終了日（月末日）').fill('2024-03-31');
    await expect.poll(() => page.getByTestId('deadline').textContent()).toContain('2024年2月29日');
    await page.getByRole('button', { name: '解約を申し出る' }).click();
    await page.locator('[data-code="CANCELLATION_DEADLINE_PASSED"]').waitFor();
    await expect.poll(() => page.locator('.earliest').textContent()).toBe('最も早い終了日: 2024年4月30日');
    await shot(page, '06-late-cancellation');
    await page.getByRole('button', { name: '2024年4月30日 で解約する' }).click();
    await expect.poll(async () => (await api('GET', '/units/acme')).body.cancellation?.end).toBe('2024-04-30');

    // The other pages, for the record (and they render).
    for (const [path, name, text] of [
      ['/', '07-today-after', '7日以内の予定'],
      ['/units', '08-units', '件（解約申出期限の近い順）'],
      ['/invoices', '09-invoices', '請求'],
      ['/outages', '10-outages', '障害を記録する'],
      ['/audit', '11-audit', 'application.accept'],
    ] as const) {
      await page.goto(`${base}/console/#${path}`);
      await page.getByText(text).first().waitFor();
      await shot(page, name);
    }
    await page.close();
  }, 240_000);

  it("an agent sees only its own contracts; another agent's unit is not reachable by URL", async () => {
    const page = await signIn('agent', 'agent-pass');
    await page.goto(`${base}/console/#/units`);
    const rows = page.locator('[data-testid="units"] tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('agsold');
    expect(await page.getByRole('link', { name: '監査ログ' }).count()).toBe(0);
    await shot(page, '12-agent-units');
    await page.goto(`${base}/console/#/units/other`);
    await page.locator('[data-code="NOT_FOUND"]').waitFor();
    await page.goto(`${base}/console/#/units/acme`);
    await page.locator('[data-code="NOT_FOUND"]').waitFor();
    await page.close();
    // And not by the API either.
    expect((await api('GET', '/units/other', undefined, 'tok-agent')).status).toBe(404);
    expect((await api('GET', '/units/agsold', undefined, 'tok-agent')).status).toBe(200);
  }, 120_000);

  it('a viewer cannot change anything', async () => {
    const page = await signIn('viewer', 'view-pass');
    await page.goto(`${base}/console/#/applications`);
    await page.locator('li[data-unit="beta"]').waitFor();
    expect(await page.getByRole('button', { name: '承諾' }).count()).toBe(0);
    await page.goto(`${base}/console/#/invoices/acme.2024-03-01.fees`);
    await page.getByTestId('balance').waitFor();
    expect(await page.getByRole('button', { name: '入金を記録する' }).count()).toBe(0);
    expect(await page.getByLabel('テストクロック：進める日付').count()).toBe(0);
    await page.goto(`${base}/console/#/units/acme`);
    await page.getByTestId('unit-status').waitFor();
    expect(await page.getByRole('button', { name: '解約を申し出る' }).count()).toBe(0);
    await shot(page, '13-viewer-unit');
    await page.close();
    // Hidden in the UI AND refused by the use cases.
    const r = await api('POST', '/applications/beta/accept', { startDate: '2024-03-20' }, 'tok-viewer');
    expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await api('GET', '/units/beta')).body.application.status).toBe('received');
  }, 120_000);
});
