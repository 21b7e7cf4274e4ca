/**
 * The one set of esbuild options for every Lambda bundle: used by `BackofficeFunction` (through
 * NodejsFunction's local esbuild) and by `scripts/bundle-report.ts` (esbuild directly), so the
 * sizes the report prints are the sizes that deploy.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FunctionName } from '#runtime/env.ts';

/** The repository root (esbuild resolves the package.json `imports` aliases from here). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');

/** The composition root of a function: `functions/<name>/index.ts`, exporting `handler`. */
export function entryOf(name: FunctionName): string {
  return join(PROJECT_ROOT, 'functions', name, 'index.ts');
}

/** middy 6 is ESM-only; a few CommonJS dependencies (nodemailer) still call `require`. */
const BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * House options. Nothing is external: the AWS SDK v3 clients are bundled (tree-shaken, minified)
 * so each function runs exactly the client versions package-lock.json pins and the tests ran —
 * the SDK in the nodejs22.x runtime is whatever version AWS ships that month.
 */
export const BUNDLE = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: BANNER,
  externalModules: [] as string[],
  /** Keep the Japanese notice templates as UTF-8 rather than \u escapes (smaller, readable). */
  charset: 'utf8',
} as const;

/** Functions that render invoice PDFs (MONEY-IN V2): the Japanese font and its licence ship beside the bundle. */
export const PDF_FUNCTIONS: readonly FunctionName[] = ['api', 'mailer'];
export const FONT_SOURCE = join(PROJECT_ROOT, 'node_modules/@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
export const FONT_LICENCE = join(PROJECT_ROOT, 'node_modules/@expo-google-fonts/noto-sans-jp/LICENSE_FONT');

/** The options for NodejsFunction (local esbuild; Docker is never needed). */
export function lambdaBundling(name?: FunctionName): BundlingOptions {
  const font = name !== undefined && PDF_FUNCTIONS.includes(name);
  return {
    ...(font
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_in: string, out: string) => [
              `mkdir -p "${out}/fonts"`,
              `cp "${FONT_SOURCE}" "${out}/fonts/NotoSansJP-Regular.ttf"`,
              `cp "${FONT_LICENCE}" "${out}/fonts/OFL.txt"`,
            ],
          },
        }
      : {}),
    format: OutputFormat.ESM,
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: BUNDLE.banner,
    externalModules: [...BUNDLE.externalModules],
    bundleAwsSDK: true,
    // BundlingOptions.charset exists but aws-cdk-lib 2.276 never passes it to esbuild: say it directly.
    esbuildArgs: { '--charset': BUNDLE.charset },
    logLevel: LogLevel.WARNING,
  };
}

/** The same options for esbuild's API (bundle report). */
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
    logLevel: 'warning',
  };
}
