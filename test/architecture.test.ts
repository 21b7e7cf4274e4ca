/**
 * The layer direction of ARCHITECTURE.md: functions → use-cases → domain; adapters implement ports;
 * only composition roots and infra wire adapters. Fails on any import that points the wrong way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

type Layer = 'domain' | 'notices' | 'use-cases' | 'adapters' | 'runtime' | 'functions' | 'infra-local' | 'infra-cdk' | 'test' | 'other';

const ROOT = join(import.meta.dirname, '..');

function layerOfPath(p: string): Layer {
  if (p.startsWith('shared/domain/')) return 'domain';
  if (p.startsWith('shared/notices/')) return 'notices';
  if (p.startsWith('shared/use-cases/')) return 'use-cases';
  if (p.startsWith('shared/adapters/')) return 'adapters';
  if (p.startsWith('shared/runtime/')) return 'runtime';
  if (p.startsWith('functions/')) return 'functions';
  if (p.startsWith('infra/local/')) return 'infra-local';
  if (p.startsWith('infra/cdk/')) return 'infra-cdk';
  if (p.startsWith('test/')) return 'test';
  return 'other';
}

const ALIASES: Record<string, string> = {
  '#domain/': 'shared/domain/',
  '#notices/': 'shared/notices/',
  '#use-cases/': 'shared/use-cases/',
  '#adapters/': 'shared/adapters/',
  '#runtime/': 'shared/runtime/',
  '#functions/': 'functions/',
  '#local/': 'infra/local/',
};

/** The repo path an import points to, or `pkg:<name>` for a package / node built-in. */
export function target(fromFile: string, spec: string): string {
  for (const [alias, dir] of Object.entries(ALIASES)) if (spec.startsWith(alias)) return dir + spec.slice(alias.length);
  if (spec.startsWith('.')) return relative(ROOT, join(ROOT, fromFile, '..', spec));
  return `pkg:${spec}`;
}

/** What each layer may import (besides itself). */
const ALLOWED: Record<Layer, (t: string, tl: Layer) => boolean> = {
  // Pure: only the domain itself — no SDK, no zod, no node built-ins.
  domain: (_t, tl) => tl === 'domain',
  // Presentation (the mails): pure like the domain, and reads it; the domain never reads it.
  notices: (_t, tl) => tl === 'domain' || tl === 'notices',
  // Use cases: the domain, the mails, their ports; no adapters, no SDK.
  'use-cases': (t, tl) =>
    tl === 'domain' || tl === 'notices' || tl === 'use-cases' || (t.startsWith('pkg:') && !t.startsWith('pkg:@aws-sdk')),
  // Adapters: implement ports (ports.ts only from use-cases), may use SDKs; never call a use case.
  adapters: (t, tl) =>
    tl === 'domain' || tl === 'notices' || tl === 'adapters' || t === 'shared/use-cases/ports.ts' || t.startsWith('pkg:'),
  runtime: (t, tl) => tl === 'domain' || tl === 'runtime' || t === 'shared/use-cases/ports.ts' || t.startsWith('pkg:'),
  functions: (_t, tl) => ['domain', 'notices', 'use-cases', 'adapters', 'runtime', 'functions'].includes(tl) || _t.startsWith('pkg:'),
  'infra-local': (_t, tl) => tl !== 'infra-cdk' && tl !== 'test',
  'infra-cdk': (_t, tl) => tl !== 'infra-local' && tl !== 'test',
  test: () => true,
  other: () => true,
};

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function violations(sources: { file: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const { file, text } of sources) {
    const from = layerOfPath(file);
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2]!;
      const t = target(file, spec);
      const tl = t.startsWith('pkg:') ? 'other' : layerOfPath(t);
      if (tl === from && !t.startsWith('pkg:')) continue;
      if (!ALLOWED[from](t, tl)) bad.push(`${file} imports ${spec} (${from} → ${t.startsWith('pkg:') ? t : tl})`);
    }
  }
  return bad;
}

describe('architecture: imports follow the layer direction', () => {
  it('the whole tree has no import against the direction', () => {
    const sources = ['shared', 'functions', 'infra'].flatMap(files).map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
    expect(sources.length).toBeGreaterThan(20);
    expect(violations(sources)).toEqual([]);
  });

  it.each([
    ['shared/domain/terms.ts', "import { z } from 'zod';"],
    ['shared/domain/terms.ts', "import { readFileSync } from 'node:fs';"],
    ['shared/domain/terms.ts', "import type { Clock } from '#use-cases/ports.ts';"],
    ['shared/use-cases/applications.ts', "import { DynamoUnitRepository } from '#adapters/dynamodb/dynamo-unit-repository.ts';"],
    ['shared/use-cases/applications.ts', "import { GetCommand } from '@aws-sdk/lib-dynamodb';"],
    ['shared/adapters/ses/ses-mailer.ts', "import { deliverNotice } from '#use-cases/deliver-notice.ts';"],
    ['shared/domain/unit.ts', "export { x } from '../use-cases/ports.ts';"],
    ['functions/api/handler.ts', "import { startEmbeddedStack } from '#local/stack.ts';"],
    ['shared/domain/billing.ts', "import { renderNotice } from '#notices/render.ts';"],
    ['shared/notices/render.ts', "import type { Mailer } from '#use-cases/ports.ts';"],
    ['shared/notices/layout.ts', "import { readFileSync } from 'node:fs';"],
  ])('detects %s: %s', (file, text) => {
    expect(violations([{ file, text }])).toHaveLength(1);
  });

  it('allows the right direction', () => {
    expect(
      violations([
        {
          file: 'shared/use-cases/x.ts',
          text: "import { firstTermEnd } from '#domain/terms.ts';\nimport type { Clock } from './ports.ts';",
        },
        {
          file: 'shared/adapters/x/y.ts',
          text: "import type { Mailer } from '#use-cases/ports.ts';\nimport { SESClient } from '@aws-sdk/client-ses';",
        },
        { file: 'shared/domain/x.ts', text: "import { addDays } from './calendar.ts';" },
        { file: 'shared/notices/x.ts', text: "import type { Notice } from '#domain/effects.ts';" },
        { file: 'shared/use-cases/y.ts', text: "import { renderNotice } from '#notices/render.ts';" },
      ]),
    ).toEqual([]);
  });
});
