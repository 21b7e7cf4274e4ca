/**
 * `npm run console:measure`: the console's bundle size (gzip) and the time to first render of the
 * 契約 page with 1,000 units in the store, in headless Chromium (Debian's chromium, playwright-core).
 * Runs its own embedded stack (in-memory DynamoDB Local); prints one JSON line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { date } from '#domain/calendar.ts';
import { newApplication } from '#domain/applications.ts';
import { settableClock } from '#runtime/clock.ts';
import { startEmbeddedStack } from '#local/stack.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = join(import.meta.dirname, '..');
const UNITS = Number(process.argv[2] ?? 1000);

const assets = join(ROOT, 'console/dist/assets');
const bundle = readdirSync(assets).map((f) => ({ f, raw: readFileSync(join(assets, f)) }));
const size = {
  jsBytes: bundle.filter((b) => b.f.endsWith('.js')).reduce((s, b) => s + b.raw.length, 0),
  jsGzip: bundle.filter((b) => b.f.endsWith('.js')).reduce((s, b) => s + gzipSync(b.raw, { level: 9 }).length, 0),
  cssGzip: bundle.filter((b) => b.f.endsWith('.css')).reduce((s, b) => s + gzipSync(b.raw, { level: 9 }).length, 0),
};

const users = [{ id: 'operator', role: 'operator' as const, name: '計測', password: 'pw', token: 'tok' }];
const stack = await startEmbeddedStack({
  clock: settableClock({ pinned: date('2025-03-01') }),
  ports: { api: 0 },
  users,
  consoleDir: join(ROOT, 'console/dist'),
  provisionDelayMs: 0,
  mailRatePerSecond: Infinity,
});
try {
  const t0 = Date.now();
  const ids = Array.from({ length: UNITS }, (_, i) => i);
  for (let i = 0; i < ids.length; i += 16)
    await Promise.all(
      ids.slice(i, i + 16).map((n) =>
        stack.store.units.create(
          newApplication(
            `u${String(n).padStart(5, '0')}`,
            {
              plan: 'kokona',
              accounts: 5 + (n % 20),
              contractor: {
                kind: 'corporation',
                name: `株式会社テスト${n}`,
                corporateNumber: withCheckDigit(String(100000000000 + n)),
                accountManager: { name: '担当', email: `am${n}@example.jp` },
                agent: null,
              },
            },
            date('2025-03-01'),
          ),
        ),
      ),
    );
  const seedMs = Date.now() - t0;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  await page.goto(`${stack.urls.api}/console/`);
  await page.getByLabel('ユーザー名').fill('operator');
  await page.getByLabel('パスワード').fill('pw');
  await page.getByRole('button', { name: 'サインイン' }).click();
  await page.getByTestId('business-date').waitFor();
  const runs: number[] = [];
  for (let k = 0; k < 5; k++) {
    // A cold load of the page (new document): navigation start → the first row of the table painted.
    await page.goto('about:blank');
    const start = Date.now();
    await page.goto(`${stack.urls.api}/console/#/units`);
    await page.locator('[data-testid="units"] tbody tr').first().waitFor();
    runs.push(Date.now() - start);
  }
  const rows = await page.locator('[data-testid="units"] tbody tr').count();
  await browser.close();
  runs.sort((a, b) => a - b);
  console.log(
    JSON.stringify({ ...size, units: UNITS, seedMs, rowsShown: rows, firstRenderMs: { min: runs[0], median: runs[2], max: runs[4] } }),
  );
} finally {
  await stack.stop();
}
