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
 * A function built with code splitting (SPLIT_FUNCTIONS: the api) is counted by its largest cold path
 * (coldPath: index.mjs, its static chunks, and the chunks of the route group that loads the most), and
 * its import ms imports that path (index.mjs, then the group's chunk); a line below the table gives
 * index.mjs alone and every group's path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { BuildOptions, Metafile } from 'esbuild';
import { envSchemas, type FunctionName } from '#runtime/env.ts';
import {
  ASSETS,
  BUNDLE_LIMIT_BYTES,
  PDF_CHUNK,
  PDF_FUNCTIONS,
  PROJECT_ROOT,
  SPLIT_FUNCTIONS,
  buildFunction,
  coldPath,
  type ColdPath,
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
const RULES: Record<Rule, BuildOptions> = { before: { external: [] }, after: {} };

interface Built {
  /** The counted bytes: the largest cold path (index.mjs alone when nothing is split). */
  js: number;
  gzip: number;
  map: number;
  meta: Metafile;
  cold: ColdPath;
  /** index.mjs, then the chunk each dynamic import of the largest path names (imported in this order). */
  files: string[];
  importMs: number[];
}

const OUT = join(PROJECT_ROOT, '.local', 'bundle-report');

function buildOne(name: FunctionName, rule: Rule): Built {
  const dir = join(OUT, rule, name);
  // The folder as it deploys (BackofficeFunction's local bundling runs the same buildFunction).
  const meta = buildFunction(name, dir, RULES[rule]);
  const cold = coldPath(meta);
  const abs = (f: string) => join(PROJECT_ROOT, f);
  const counted = cold.largestFiles.map(abs);
  return {
    js: cold.largestBytes,
    gzip: counted.reduce((n, f) => n + gzipSync(readFileSync(f)).byteLength, 0),
    map: counted.reduce((n, f) => n + statSync(`${f}.map`).size, 0),
    meta,
    cold,
    files: [join(dir, 'index.mjs'), ...cold.largestChain.map(abs)],
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

/** Milliseconds to import `files` one after the other in a fresh Node process (measured inside it, process start excluded). */
function importMs(...files: string[]): number {
  const imports = files.map((f) => `await import(${JSON.stringify(pathToFileURL(f).href)});`).join('');
  const code = `const t=performance.now();${imports}process.stdout.write(String(performance.now()-t));`;
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
    throw new Error(`importing ${files.join(', ')} failed: ${reason.slice(0, 300)}`);
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
for (const rule of ['before', 'after'] as const) for (const n of names) built[rule][n] = buildOne(n, rule);
// Interleaved: before and after of each function back to back, `runs` rounds.
for (let i = 0; i < runs; i++)
  for (const n of names) for (const rule of ['before', 'after'] as const) built[rule][n]!.importMs.push(importMs(...built[rule][n]!.files));

const rows = names.map((n) => {
  const b = built.before[n]!;
  const a = built.after[n]!;
  const assets = (ASSETS[n] ?? []).map((p) => ({ path: p, bytes: statSync(join(PROJECT_ROOT, p)).size }));
  return {
    name: n,
    kbMin: Number(kb(a.js)),
    kbGzip: Number(kb(a.gzip)),
    kbMap: Number(kb(a.map)),
    ...(SPLIT_FUNCTIONS.includes(n)
      ? {
          split: {
            kbIndex: Number(kb(a.cold.indexBytes)),
            kbInit: Number(kb(a.cold.initBytes)),
            kbLargest: Number(kb(a.cold.largestBytes)),
            largestVia: a.cold.largestVia,
            paths: a.cold.paths.map((p) => ({ via: p.via, kb: Number(kb(p.bytes)) })),
            chunks: Object.keys(a.cold.files).length - 1,
          },
        }
      : {}),
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
  for (const r of rows)
    if (r.split)
      console.log(
        `${r.name}, split (index.mjs and ${r.split.chunks} chunks; counted: the largest cold path): index.mjs ${kb(r.split.kbIndex * 1024)} KB; ` +
          `with its static chunks (every cold start) ${kb(r.split.kbInit * 1024)} KB; largest cold path ${kb(r.split.kbLargest * 1024)} KB ` +
          `(+ ${r.split.largestVia.join(' → ')} and its chunks); import ms imports that path. Every path: ` +
          r.split.paths.map((p) => `${p.via.replace(/^.*\//, '').replace(/\.ts$/, '')} ${kb(p.kb * 1024)}`).join(', '),
      );
  const chunk = PDF_FUNCTIONS[0] && built.after[PDF_FUNCTIONS[0]];
  if (chunk) {
    const file = join(dirname(chunk.files[0]!), PDF_CHUNK.file);
    const ms = Array.from({ length: runs }, () => importMs(file));
    console.log(
      `lazily loaded (not counted; imported on the first PDF only): ${PDF_FUNCTIONS.join(', ')}: ${PDF_CHUNK.file} ${kb(statSync(file).size)} KB min, import ${Math.round(median(ms))} ms; ` +
        `its ${PDF_CHUNK.dir}/standard-fonts (pdfkit's AFM metrics) ${kb(dirBytes(join(dirname(file), 'standard-fonts')))} KB`,
    );
  }
  const assets = rows.flatMap((r) => r.assets.map((a) => `${r.name}: ${a.path} ${kb(a.bytes)} KB`));
  console.log(`assets (not JavaScript, not counted): ${assets.length ? assets.join('; ') : 'none'}`);
  console.log(
    `(index.mjs per function — for a split function its largest cold path: ESM, minified, node22, AWS SDK from the Lambda runtime; limit ${BUNDLE_LIMIT_BYTES / 1024} KB minified. ` +
      `import ms: median of ${runs} imports in a fresh Node process on this machine. before: the same source with the AWS SDK bundled, measured interleaved in this run.)`,
  );
  if (top > 0) {
    for (const n of names) {
      console.log(`\n${n}:`);
      for (const [pkg, bytes] of byPackage(built.after[n]!.meta).slice(0, top)) console.log(`  ${kb(bytes).padStart(8)} KB  ${pkg}`);
    }
  }
}
