/**
 * Bundle sizes and cold-start proxies per function, built with the very options BackofficeFunction
 * deploys with (infra/cdk/bundling.ts).
 *
 *   npm run bundle-report                 KB per function, import time, assets, before/after
 *   npm run bundle-report -- --top 8      … and the biggest packages in each bundle
 *   npm run bundle-report -- --runs 9     import each bundle 9 times per rule (median; default 5)
 *   npm run bundle-report -- --json
 *
 * "import ms" is the time to import the function's module (index.mjs: its composition root, clients
 * built, nothing sent) in a fresh Node process — a proxy for the init phase of a cold start. The
 * runtime-provided SDK is loaded from node_modules as Lambda loads it from its runtime. "before" is
 * the previous rule (the AWS SDK bundled into every function), built from the same source and
 * measured in the same run, interleaved with "after", so that a busy machine slows both alike; compare
 * the ratio. Non-JavaScript assets (ASSETS, e.g. a font) are listed on their own line, not counted.
 * The invoice renderer (PDF_CHUNK: pdf/invoice-pdf.mjs beside index.mjs in api and mailer, imported on
 * the first PDF only) is listed on its own line as lazily loaded, with its own import time: not
 * counted, since a cold start does not load it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { envSchemas, type FunctionName } from '#runtime/env.ts';
import {
  ASSETS,
  BUNDLE_LIMIT_BYTES,
  FONT_LICENCE,
  FONT_SOURCE,
  OPENAPI_FILE,
  OPENAPI_SOURCE,
  PDF_CHUNK,
  PDF_FUNCTIONS,
  PROJECT_ROOT,
  esbuildOptions,
  pdfChunkCommands,
} from '../infra/cdk/bundling.ts';

const { values } = parseArgs({
  options: { top: { type: 'string', default: '0' }, runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
});
const top = Number(values.top);
const runs = Math.max(1, Number(values.runs));

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** Bytes in the output per package (node_modules/<pkg> or @scope/pkg), or per source folder of this repo. */
function byPackage(meta: Metafile): [string, number][] {
  const out = new Map<string, number>();
  for (const o of Object.values(meta.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(o.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = m ? m[1]! : path.split('/').slice(0, 2).join('/');
      out.set(name, (out.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

type Rule = 'before' | 'after';
/** before: the SDK bundled (the rule until issue 15); after: the current rule. */
const RULES: Record<Rule, (name: FunctionName) => BuildOptions> = {
  before: (name) => ({ ...esbuildOptions(name), external: [] }),
  after: (name) => esbuildOptions(name),
};

interface Built {
  js: number;
  gzip: number;
  map: number;
  meta: Metafile;
  file: string;
  importMs: number[];
}

const OUT = join(PROJECT_ROOT, '.local', 'bundle-report');

async function buildOne(name: FunctionName, rule: Rule): Promise<Built> {
  const dir = join(OUT, rule, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const r = await build({ ...RULES[rule](name), outfile: file, write: false, metafile: true });
  const js = r.outputFiles.find((f) => f.path.endsWith('.mjs'))!;
  const map = r.outputFiles.find((f) => f.path.endsWith('.map'));
  writeFileSync(file, js.contents);
  // What deploys beside index.mjs (lambdaBundling's afterBundling): the invoice font and its licence.
  if (PDF_FUNCTIONS.includes(name)) {
    mkdirSync(join(dir, 'fonts'), { recursive: true });
    copyFileSync(FONT_SOURCE, join(dir, 'fonts', 'NotoSansJP-Regular.ttf'));
    copyFileSync(FONT_LICENCE, join(dir, 'fonts', 'OFL.txt'));
    // … and the invoice renderer, built by the very commands the deploy runs.
    for (const c of pdfChunkCommands(dir)) execFileSync('bash', ['-c', c], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (name === 'api') copyFileSync(OPENAPI_SOURCE, join(dir, OPENAPI_FILE));
  return {
    js: js.contents.byteLength,
    gzip: gzipSync(js.contents).byteLength,
    map: map?.contents.byteLength ?? 0,
    meta: r.metafile,
    file,
    importMs: [],
  };
}

/** An environment every composition root accepts (nothing is called: no credentials, no network). */
const ENV = {
  ...process.env,
  AWS_REGION: 'ap-northeast-1',
  AWS_ACCESS_KEY_ID: 'report',
  AWS_SECRET_ACCESS_KEY: 'report',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: 'kokona',
  MAIL_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/mail',
  DESKTOP_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/desktops',
  LIFECYCLE_QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/lifecycle',
  ARCHIVE_BUCKET: 'kokona-archive',
  KIT_KEY_ID: 'arn:aws:kms:ap-northeast-1:123456789012:key/report',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  NODE_OPTIONS: '',
};

/** Milliseconds to import `file` in a fresh Node process (measured inside it, process start excluded). */
function importMs(file: string): number {
  const code = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  try {
    return Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', code], {
        env: ENV,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '');
    const reason = stderr.split('\n').find((l) => /^\w*Error\b|Error:/.test(l)) ?? stderr.split('\n').at(-2) ?? '';
    throw new Error(`importing ${file} failed: ${reason.slice(0, 300)}`);
  }
}

const dirBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const names = Object.keys(envSchemas) as FunctionName[];
rmSync(OUT, { recursive: true, force: true });
const built: Record<Rule, Record<string, Built>> = { before: {}, after: {} };
for (const rule of ['before', 'after'] as const) for (const n of names) built[rule][n] = await buildOne(n, rule);
// Interleaved: before and after of each function back to back, `runs` rounds.
for (let i = 0; i < runs; i++)
  for (const n of names) for (const rule of ['before', 'after'] as const) built[rule][n]!.importMs.push(importMs(built[rule][n]!.file));

const rows = names.map((n) => {
  const b = built.before[n]!;
  const a = built.after[n]!;
  const assets = (ASSETS[n] ?? []).map((p) => ({ path: p, bytes: statSync(join(PROJECT_ROOT, p)).size }));
  return {
    name: n,
    kbMin: Number(kb(a.js)),
    kbGzip: Number(kb(a.gzip)),
    kbMap: Number(kb(a.map)),
    withinLimit: a.js <= BUNDLE_LIMIT_BYTES,
    importMs: Math.round(median(a.importMs)),
    before: { kbMin: Number(kb(b.js)), importMs: Math.round(median(b.importMs)) },
    sizeRatio: Math.round((a.js / b.js) * 100) / 100,
    importRatio: Math.round((median(a.importMs) / median(b.importMs)) * 100) / 100,
    assets,
  };
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ limitKb: BUNDLE_LIMIT_BYTES / 1024, runs, functions: rows }, null, 2)}\n`);
} else {
  const w = Math.max(...names.map((n) => n.length), 'function'.length);
  const head = ['KB min', 'KB gzip', 'KB map', 'import ms', '| before: KB min', 'import ms', '| size ×', 'import ×'];
  console.log(`${'function'.padEnd(w)}  ${head.map((h) => h.padStart(9)).join('  ')}`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(w)}  ${[
        kb(r.kbMin * 1024),
        kb(r.kbGzip * 1024),
        kb(r.kbMap * 1024),
        String(r.importMs),
        `| ${kb(r.before.kbMin * 1024)}`,
        String(r.before.importMs),
        `| ${r.sizeRatio.toFixed(2)}`,
        r.importRatio.toFixed(2),
      ]
        .map((c) => c.padStart(9))
        .join('  ')}${r.withinLimit ? '' : `  OVER ${BUNDLE_LIMIT_BYTES / 1024} KB`}`,
    );
  const chunk = PDF_FUNCTIONS[0] && built.after[PDF_FUNCTIONS[0]];
  if (chunk) {
    const file = join(dirname(chunk.file), PDF_CHUNK.file);
    const ms = Array.from({ length: runs }, () => importMs(file));
    console.log(
      `lazily loaded (not counted; imported on the first PDF only): ${PDF_FUNCTIONS.join(', ')}: ${PDF_CHUNK.file} ${kb(statSync(file).size)} KB min, import ${Math.round(median(ms))} ms; ` +
        `its ${PDF_CHUNK.dir}/standard-fonts (pdfkit's AFM metrics) ${kb(dirBytes(join(dirname(file), 'standard-fonts')))} KB`,
    );
  }
  const assets = rows.flatMap((r) => r.assets.map((a) => `${r.name}: ${a.path} ${kb(a.bytes)} KB`));
  console.log(`assets (not JavaScript, not counted): ${assets.length ? assets.join('; ') : 'none'}`);
  console.log(
    `(index.mjs per function: ESM, minified, node22, AWS SDK from the Lambda runtime; limit ${BUNDLE_LIMIT_BYTES / 1024} KB minified. ` +
      `import ms: median of ${runs} imports in a fresh Node process on this machine. before: the same source with the AWS SDK bundled, measured interleaved in this run.)`,
  );
  if (top > 0) {
    for (const n of names) {
      console.log(`\n${n}:`);
      for (const [pkg, bytes] of byPackage(built.after[n]!.meta).slice(0, top)) console.log(`  ${kb(bytes).padStart(8)} KB  ${pkg}`);
    }
  }
}
