/**
 * The one set of esbuild options for every Lambda bundle, and the one function that writes a bundle
 * directory (buildFunction): used by `BackofficeFunction` (its asset's local bundling), by
 * `scripts/bundle-report.ts` and by test/infra/bundles.test.ts, so the sizes the report prints are the
 * sizes that deploy.
 */
import { execSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import type { FunctionName } from '#runtime/env.ts';

/** The repository root (esbuild resolves the package.json `imports` aliases from here). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The composition root of a function: `functions/<name>/index.ts`, exporting `handler`. */
export function entryOf(name: FunctionName): string {
  return join(PROJECT_ROOT, 'functions', name, 'index.ts');
}

/** middy 6 is ESM-only; a CommonJS dependency that calls `require` would need it (none left today; kept for the next one). */
const BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * The bundling rules, one decision per dependency (the README's "Lambda bundles" has the measurements):
 *  - AWS SDK v3 (`@aws-sdk/*`, and the `@smithy/*` it pulls in): taken from the Lambda runtime
 *    (external). nodejs22.x ships the whole v3 SDK (every client and lib-dynamodb) at a version AWS
 *    fixes per runtime release, older than the 3.116x clients package-lock.json pins for the tests.
 *    Pinning does not matter for what the functions call: DynamoDB Get/Put/Update/Query/
 *    TransactWrite/BatchWrite with lib-dynamodb marshalling, SQS SendMessageBatch, SES SendRawEmail,
 *    WorkSpaces Create/Describe/Terminate/ModifyWorkspaceState and Directory Service user calls have
 *    been in the SDK since before nodejs18.x (3.188). Bundled, the SDK was 250–320 KB of every
 *    function (more than the whole budget). A call that needs a feature newer than the runtime's SDK
 *    would have to bundle its client on purpose (none does today).
 *  - zod: bundled as zod/mini everywhere (`import * as z from 'zod/mini'`; the api's request schemas
 *    too, shared/runtime/schemas.ts, with the English locale set as classic zod sets it): the classic
 *    build does not tree-shake (~99 KB in the api, with ~17 KB of JSON Schema code it never ran);
 *    mini is ~31 KB there. Only scripts/openapi.ts (build time, no bundle) uses classic zod, reading
 *    the mini schemas as zod core schemas; docs/openapi.json did not change.
 *  - middy, Powertools (logger, metrics, tracer, batch): bundled — small, ESM, tree-shaken, and not in
 *    the runtime (a Powertools layer would pin a second version beside package-lock.json).
 *  - nodemailer: replaced by shared/adapters/ses/mime.ts (a 100-line MIME builder; was 125 KB).
 *  - pdfkit + fontkit (invoice PDFs, api and mailer): bundled, but into a file of their own,
 *    pdf/invoice-pdf.mjs beside index.mjs (PDF_CHUNK), imported on the first PDF only — a cold start
 *    never loads them (~420 KB minified, reported on its own line, not counted). No smaller library
 *    embeds a subset of a Japanese TrueType font; the font itself is a file beside the bundle (ASSETS).
 *  - brotli (fontkit's WOFF2 decoder, ~475 KB): replaced by a stub that throws (alias, renderer only):
 *    the invoice font is TrueType, so it is never called; test/infra/bundles.test.ts renders with the
 *    built renderer and gets the source's bytes.
 *  - iconv-lite (~266 KB of code-page tables, api and bank-import): replaced by shared/domain/
 *    jis-x0201.ts, an exact 50-line codec for the only characters a 全銀 file holds (ASCII and half-width
 *    kana); any other byte refuses the file (BANK_FILE_INVALID with the record). Not TextDecoder
 *    ('shift_jis'): it would decode kanji a 全銀 file cannot hold, and there is no encoder.
 *  - semver (~28 KB in every function with the X-Ray SDK): replaced by a stub that throws (STUBBED):
 *    only aws-xray-sdk-core's AWS SDK v2 patcher (captureAWS) requires it; the functions capture v3 clients.
 *  - aws-xray-sdk-core (~68 KB, with cls-hooked, shimmer and emitter-listener ~90 KB with Powertools'
 *    Tracer): bundled in every function but the api — the handler and AWS-call subsegments are the
 *    tracing the stacks promise. Not stubbed further: its aws_whitelist.json (10.4 KB) is not
 *    SDK-v2-only — the v3 patcher (aws3_p → segments/attributes/aws → call_capturer) reads it to put
 *    each call's parameters (table name, queue URL, …) on the AWS subsegment; what is dead on Lambda
 *    (~20 KB: the v2 patcher, centralized sampling, the EC2/ECS/EB plugins) is reached by relative
 *    requires inside the package, which esbuild's `alias` cannot replace.
 *    The api: replaced by shared/runtime/light-tracer.ts (~6 KB), which writes the same subsegments
 *    (the invocation, each AWS SDK call with the whitelisted parameters of the calls the functions
 *    make) to the daemon; test/runtime/light-tracer.test.ts runs one handler under both and compares
 *    what the daemon receives. With the SDK the api's largest cold path was 309.8 KB; without it
 *    223.3. The other functions are under the limit with Tracer and keep it (ARCHITECTURE: Powertools
 *    per function); the api's trace loses only what it never used (fetch/http subsegments outside the
 *    SDK, response metadata).
 *  - the api's route groups: code splitting (SPLIT_FUNCTIONS). Each group of routes
 *    (functions/api/routes/<group>.ts) is imported on its first request, so a cold start loads
 *    index.mjs, its static chunks (framework, adapters, shared domain) and one group's chunks; the
 *    limit applies to the largest such path (coldPath). NodejsFunction cannot split (`--outfile`):
 *    BackofficeFunction is a lambda.Function whose asset runs buildFunction (local, no Docker).
 * Every function must stay ≤ BUNDLE_LIMIT_BYTES minified — for a split function its largest cold path —
 * OVER_BUDGET excepted (test/infra/bundles.test.ts).
 */
export const BUNDLE_LIMIT_BYTES = 250 * 1024;

/**
 * Known exceptions: none. A function over the limit is listed here with a reason and a ceiling
 * (test/infra/bundles.test.ts then asserts it is over the limit and under the ceiling, so that growth
 * is caught and a fix fails the test until the entry is removed). The api was the last one: 1654.8 KB
 * after issues 9–14, 426.7 with the decisions above in one index.mjs, 309.8 on its largest cold path
 * with zod/mini and its route groups split off, 223.3 without the X-Ray SDK (KB minified, `npm run
 * bundle-report`): index.mjs 83.3, with the chunks it imports statically 164.0 (every cold start:
 * Powertools Logger and Metrics ~32, zod/mini ~31, middy ~6, the adapters the composition root builds
 * ~42 with their domain), and a route group 12–59 on top (units the largest: use-cases/applications.ts
 * with deposits, zengin and account-kit for GET /units/{id}).
 * Tried and left out: building the adapters on first use (a Proxy per port, each adapter a chunk)
 * takes them out of index.mjs, but esbuild cannot tell which group's requests load which adapter, so
 * an honest bound counts all of them on every path: it needs the adapters attributed to the route
 * groups (e.g. each group declaring its ports) before it can pay off.
 */
export const OVER_BUDGET: Partial<Record<FunctionName, { readonly maxBytes: number; readonly reason: string }>> = {};

/** Non-JavaScript files a function ships beside index.mjs (path relative to the repo), e.g. a font. */
export const ASSETS: Partial<Record<FunctionName, readonly string[]>> = {
  api: [
    'docs/openapi.json',
    'node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
    'node_modules/@expo-google-fonts/noto-sans-jp/LICENSE_FONT',
  ],
  mailer: [
    'node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
    'node_modules/@expo-google-fonts/noto-sans-jp/LICENSE_FONT',
  ],
};

/** What the Lambda runtime provides (not bundled). */
export const RUNTIME_PROVIDED = ['@aws-sdk/*', '@smithy/*'] as const;

export const BUNDLE = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: BANNER,
  externalModules: [...RUNTIME_PROVIDED] as string[],
  /** Keep the Japanese notice templates as UTF-8 rather than \u escapes (smaller, readable). */
  charset: 'utf8',
} as const;

/** Functions that render invoice PDFs (MONEY-IN V2): the renderer, the Japanese font and its licence ship beside the bundle. */
export const PDF_FUNCTIONS: readonly FunctionName[] = ['api', 'mailer'];
export const FONT_SOURCE = join(PROJECT_ROOT, 'node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
export const FONT_LICENCE = join(PROJECT_ROOT, 'node_modules/@expo-google-fonts/noto-sans-jp/LICENSE_FONT');

/**
 * The invoice renderer (PDFKit, fontkit), built by esbuild on its own into pdf/invoice-pdf.mjs beside
 * index.mjs and imported by shared/adapters/pdf/invoice-pdf.ts on the first PDF only. index.mjs learns
 * its path through `define` (INVOICE_PDF_CHUNK); a cold start does not load it, so it is reported on
 * its own line ("lazily loaded") and not counted in BUNDLE_LIMIT_BYTES.
 * PDFKit loads its default font's metrics (Helvetica, loaded though never drawn) with
 * `createRequire(import.meta.url)('#standard-fonts/Helvetica')`, which esbuild cannot follow: the
 * pdf/ folder gets a package.json mapping `#standard-fonts/*` (as pdfkit's own does) to copies of
 * pdfkit's standard-font modules (js/standard-fonts, ~105 KB of AFM data; only Helvetica is loaded, with the renderer). Without it the
 * deployed renderer failed on its first PDF (the bundle had no package.json; tests ran the source).
 */
export const PDF_CHUNK = {
  entry: join(PROJECT_ROOT, 'shared/adapters/pdf/invoice-pdf-render.ts'),
  dir: 'pdf',
  file: 'pdf/invoice-pdf.mjs',
  standardFonts: join(PROJECT_ROOT, 'node_modules/pdfkit/js/standard-fonts'),
  packageJson: { private: true, imports: { '#standard-fonts/*': './standard-fonts/*.cjs' } },
  /** fontkit's WOFF2 decoder (brotli, ~475 KB): never called with the TrueType font, replaced by a stub that throws. */
  alias: { 'brotli/decompress.js': './infra/cdk/stubs/brotli-decompress.ts' },
} as const;
/**
 * Packages replaced by a stub that throws, in every bundle: code a dependency imports for a path the
 * functions never take (semver: aws-xray-sdk-core's AWS SDK v2 patcher, ~28 KB).
 */
export const STUBBED = { semver: './infra/cdk/stubs/semver.ts' } as const;
/** The OpenAPI document the api serves (GET /openapi.json), a file beside its index.mjs (ASSETS). */
export const OPENAPI_SOURCE = join(PROJECT_ROOT, 'docs/openapi.json');
export const OPENAPI_FILE = 'openapi.json';
const DEFINE = { INVOICE_PDF_CHUNK: JSON.stringify(`./${PDF_CHUNK.file}`), OPENAPI_DOCUMENT: JSON.stringify(`./${OPENAPI_FILE}`) };

/** POSIX shell quoting for the afterBundling commands. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The esbuild command line for the renderer file: the options of pdfChunkOptions, spelled for the CLI. */
function pdfChunkEsbuild(outFile: string): string {
  const args = [
    '--bundle',
    PDF_CHUNK.entry,
    `--outfile=${outFile}`,
    `--format=${BUNDLE.format}`,
    `--target=${BUNDLE.target}`,
    `--platform=${BUNDLE.platform}`,
    ...(BUNDLE.minify ? ['--minify'] : []),
    ...(BUNDLE.sourceMap ? ['--sourcemap'] : []),
    `--sources-content=${String(BUNDLE.sourcesContent)}`,
    `--main-fields=${BUNDLE.mainFields.join(',')}`,
    `--banner:js=${BUNDLE.banner}`,
    ...BUNDLE.externalModules.map((m) => `--external:${m}`),
    `--charset=${BUNDLE.charset}`,
    ...Object.entries({ ...STUBBED, ...PDF_CHUNK.alias }).map(([k, v]) => `--alias:${k}=${v}`),
    '--log-level=warning',
  ];
  return `cd ${sh(PROJECT_ROOT)} && ${sh(join(PROJECT_ROOT, 'node_modules/.bin/esbuild'))} ${args.map(sh).join(' ')}`;
}

/** The shell commands that write the renderer's folder (pdf/) into a bundle directory `out` (afterBundling, bundle report, tests). */
export function pdfChunkCommands(out: string): string[] {
  const dir = join(out, PDF_CHUNK.dir);
  return [
    pdfChunkEsbuild(join(out, PDF_CHUNK.file)),
    `mkdir -p ${sh(join(dir, 'standard-fonts'))}`,
    `cp -R ${sh(PDF_CHUNK.standardFonts)}/. ${sh(join(dir, 'standard-fonts'))}/`,
    `printf '%s\\n' ${sh(JSON.stringify(PDF_CHUNK.packageJson))} > ${sh(join(dir, 'package.json'))}`,
  ];
}

/** The renderer file's options for esbuild's API (bundle report, test/infra/bundles.test.ts). */
export function pdfChunkOptions(): BuildOptions {
  return {
    entryPoints: [PDF_CHUNK.entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    format: BUNDLE.format,
    target: BUNDLE.target,
    platform: BUNDLE.platform,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: [...BUNDLE.externalModules],
    charset: BUNDLE.charset,
    alias: { ...STUBBED, ...PDF_CHUNK.alias },
    logLevel: 'warning',
  };
}

/**
 * Functions built with esbuild code splitting: index.mjs plus chunks beside it (`[name]-[hash].mjs`,
 * in the same folder, so `new URL('./…', import.meta.url)` means the same in a chunk as in index.mjs).
 * The api's route groups are imported on their first request (functions/api/routes/index.ts), so a
 * cold start loads index.mjs, the chunks it imports, and the chunks of the one group its request needs.
 */
export const SPLIT_FUNCTIONS: readonly FunctionName[] = ['api'];

/** esbuild's output options for a function's bundle folder `dir`: one index.mjs, or index.mjs and its chunks. */
export function outputOptions(name: FunctionName, dir: string): BuildOptions {
  return SPLIT_FUNCTIONS.includes(name)
    ? { splitting: true, outdir: dir, entryNames: '[name]', chunkNames: '[name]-[hash]', outExtension: { '.js': '.mjs' } }
    : { outfile: join(dir, 'index.mjs') };
}

/**
 * Writes a function's bundle folder `dir` as it deploys: index.mjs (and chunks) with source maps, and
 * for PDF_FUNCTIONS the renderer (pdf/), the font and its licence, for the api its openapi.json.
 * Synchronous (the CDK's local bundling is). `overrides` (the bundle report's "before" rule) change
 * esbuild's options. Returns esbuild's metafile.
 */
export function buildFunction(name: FunctionName, dir: string, overrides: BuildOptions = {}): Metafile {
  mkdirSync(dir, { recursive: true });
  const r = buildSync({ ...esbuildOptions(name), ...outputOptions(name, dir), ...overrides, metafile: true, write: true });
  if (PDF_FUNCTIONS.includes(name)) {
    for (const c of pdfChunkCommands(dir)) execSync(c, { stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(join(dir, 'fonts'), { recursive: true });
    copyFileSync(FONT_SOURCE, join(dir, 'fonts', 'NotoSansJP-Regular.ttf'));
    copyFileSync(FONT_LICENCE, join(dir, 'fonts', 'OFL.txt'));
  }
  if (name === 'api') copyFileSync(OPENAPI_SOURCE, join(dir, OPENAPI_FILE));
  return r.metafile;
}

/** What a cold start loads, from esbuild's metafile of one function (index.mjs and its chunks). */
export interface ColdPath {
  /** index.mjs alone. */
  readonly indexBytes: number;
  /** index.mjs and every chunk it imports statically: what importing the handler loads. */
  readonly initBytes: number;
  /** The largest load of one request's cold start: initBytes plus the chunks of the biggest chain of dynamic imports. */
  readonly largestBytes: number;
  /** The source modules along that chain (the route group's, e.g. functions/api/routes/console.ts), empty when nothing is split. */
  readonly largestVia: readonly string[];
  /** The output files of that load (metafile paths, relative to PROJECT_ROOT), and the dynamic imports along the chain in order. */
  readonly largestFiles: readonly string[];
  readonly largestChain: readonly string[];
  /** Every first dynamic import of the static closure (e.g. each route group): its source module and its cold path's bytes. */
  readonly paths: readonly { readonly via: string; readonly bytes: number }[];
  /** Every output file, bytes (index.mjs and chunks). */
  readonly files: Readonly<Record<string, number>>;
}

/**
 * The cold paths of a bundle. A request's cold start loads index.mjs with its static imports, then the
 * chunk a dynamic `import()` names (a route group) with its static imports, and so on along one chain;
 * the largest such load is what BUNDLE_LIMIT_BYTES bounds. (The invoice renderer, PDF_CHUNK, is a build
 * of its own that esbuild does not see here: reported on its own line.)
 */
export function coldPath(meta: Metafile): ColdPath {
  const outs = Object.fromEntries(Object.entries(meta.outputs).filter(([k]) => k.endsWith('.mjs')));
  const entry = Object.keys(outs).find((k) => /(^|\/)index\.mjs$/.test(k));
  if (!entry) throw new Error('no index.mjs in the metafile');
  const bytes = (set: Iterable<string>) => [...set].reduce((n, k) => n + outs[k]!.bytes, 0);
  const closure = (from: string, into: Set<string>): Set<string> => {
    if (into.has(from)) return into;
    into.add(from);
    for (const i of outs[from]!.imports) if (i.kind === 'import-statement' && !i.external && outs[i.path]) closure(i.path, into);
    return into;
  };
  const init = closure(entry, new Set());
  let largest = { bytes: bytes(init), via: [] as string[], files: [...init], chain: [] as string[] };
  const paths: { via: string; bytes: number }[] = [];
  const walk = (loaded: Set<string>, from: Set<string>, via: string[], chain: string[]) => {
    const dynamic = new Set(
      [...from].flatMap((k) =>
        outs[k]!.imports.filter((i) => i.kind === 'dynamic-import' && !i.external && outs[i.path]).map((i) => i.path),
      ),
    );
    for (const d of dynamic) {
      if (loaded.has(d)) continue;
      const added = closure(d, new Set(loaded));
      const step = new Set([...added].filter((k) => !loaded.has(k)));
      const path = [...via, outs[d]!.entryPoint ?? d];
      if (via.length === 0) paths.push({ via: path[0]!, bytes: bytes(added) });
      if (bytes(added) > largest.bytes) largest = { bytes: bytes(added), via: path, files: [...added], chain: [...chain, d] };
      walk(added, step, path, [...chain, d]);
    }
  };
  walk(init, init, [], []);
  return {
    indexBytes: outs[entry]!.bytes,
    initBytes: bytes(init),
    largestBytes: largest.bytes,
    largestVia: largest.via,
    largestFiles: largest.files,
    largestChain: largest.chain,
    paths: paths.sort((a, b) => b.bytes - a.bytes),
    files: Object.fromEntries(Object.entries(outs).map(([k, o]) => [k, o.bytes])),
  };
}
/** esbuild's options for a function, output aside (outputOptions): the same for every function. */
export function esbuildOptions(name: FunctionName): BuildOptions {
  return {
    entryPoints: [entryOf(name)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    format: BUNDLE.format,
    target: BUNDLE.target,
    platform: BUNDLE.platform,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: [...BUNDLE.externalModules],
    charset: BUNDLE.charset,
    define: { ...DEFINE },
    alias: { ...STUBBED },
    logLevel: 'warning',
  };
}
