/**
 * Writes docs/openapi.json from the route table and zod schemas (shared/runtime/openapi.ts).
 *   npm run openapi            write it
 *   npm run openapi -- --check exit 1 when the file is not current (test/functions/openapi.test.ts checks too)
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '#runtime/openapi.ts';

export const OPENAPI_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'openapi.json');

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderOpenApi();
  if (process.argv.includes('--check')) {
    const current = existsSync(OPENAPI_PATH) ? readFileSync(OPENAPI_PATH, 'utf8') : '';
    if (current !== text) {
      console.error('docs/openapi.json is out of date: run `npm run openapi`');
      process.exit(1);
    }
    console.log('docs/openapi.json is current');
  } else {
    mkdirSync(dirname(OPENAPI_PATH), { recursive: true });
    writeFileSync(OPENAPI_PATH, text);
    const paths = Object.values((JSON.parse(text) as { paths: Record<string, object> }).paths).reduce(
      (n, p) => n + Object.keys(p).length,
      0,
    );
    console.log(`wrote docs/openapi.json (${paths} operations)`);
  }
}
