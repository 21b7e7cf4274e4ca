/** The console's API types are generated from docs/openapi.json: they must be current (`npm run console:types`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('console/src/api-types.ts', () => {
  it('is generated from the current docs/openapi.json', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
    const fresh = astToString(await openapiTS(doc));
    const norm = (s: string) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
    expect(norm(readFileSync(join(ROOT, 'console/src/api-types.ts'), 'utf8'))).toBe(norm(fresh));
  }, 60_000);
});
