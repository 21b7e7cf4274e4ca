/**
 * The whole app as `cdk synth` builds it — esbuild bundles and cdk-nag AwsSolutionsChecks — with
 * zero unacknowledged findings and no warnings; every acknowledgment carries a reason and is still
 * needed (a stale one would hide nothing but mislead the reader).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envSchemas } from '#runtime/env.ts';
import { testApp } from './cdk-app.ts';

interface Violation {
  ruleName: string;
  severity?: string;
  violatingConstructs?: { constructPath: string }[];
}

const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

function tempOutdir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kokona-cdk-'));
  outdirs.push(d);
  return d;
}

/**
 * Synthesizes with cdk-nag from cdk.json's context alone (what `npx cdk synth` does in a fresh clone,
 * offline); returns the violations of the validation report (none when it passes).
 */
function synthWithNag(opts: { bundle: boolean }): { app: App; outdir: string; violations: Violation[]; error?: Error } {
  const outdir = tempOutdir();
  const { app } = testApp({}, { nag: true, bundle: opts.bundle, outdir });
  try {
    app.synth();
    return { app, outdir, violations: [] };
  } catch (error) {
    const report = join(outdir, 'validation-report.json');
    if (!existsSync(report)) throw error;
    const json = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: { violations: Violation[] }[] };
    return { app, outdir, violations: json.pluginReports.flatMap((p) => p.violations), error: error as Error };
  }
}

const describeViolation = (v: Violation) => `${v.ruleName} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`;

/** The acknowledgments recorded with Validations.of(scope).acknowledge({ id, reason }). */
function acknowledgments(app: App): { path: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((c: IConstruct) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk synth with cdk-nag', () => {
  let full: ReturnType<typeof synthWithNag>;
  // Bundling every function and synthesising takes minutes on a loaded 2-core machine.
  beforeAll(() => {
    full = synthWithNag({ bundle: true });
  }, 600_000);

  it('has no unacknowledged AwsSolutions finding', () => {
    expect(full.violations.map(describeViolation)).toEqual([]);
    expect(full.error).toBeUndefined();
  });

  it('emits no warning or error annotation', () => {
    const manifest = JSON.parse(readFileSync(join(full.outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { metadata?: Record<string, { type: string; data: unknown }[]> }>;
    };
    const messages = Object.values(manifest.artifacts).flatMap((a) =>
      Object.entries(a.metadata ?? {}).flatMap(([path, entries]) =>
        entries.filter((e) => e.type === 'aws:cdk:warning' || e.type === 'aws:cdk:error').map((e) => `${path}: ${String(e.data)}`),
      ),
    );
    expect(messages).toEqual([]);
  });

  it('bundles each function as ESM (index.mjs; the api with its route-group chunks beside it) with the createRequire banner and no unresolved alias', () => {
    const assets = readdirAssets(full.outdir);
    expect(assets).toHaveLength(Object.keys(envSchemas).length);
    let split = 0;
    for (const dir of assets) {
      const code = readFileSync(join(full.outdir, dir, 'index.mjs'), 'utf8');
      expect(code, dir).toMatch(/from\s*["']@aws-sdk\//); // the AWS SDK is the Lambda runtime's (issue 15, infra/cdk/bundling.ts RUNTIME_PROVIDED), not bundled
      const files = readdirSync(join(full.outdir, dir)).filter((f) => f.endsWith('.mjs'));
      if (files.length > 1) split++;
      for (const f of files) {
        const js = readFileSync(join(full.outdir, dir, f), 'utf8');
        expect(js.startsWith("import { createRequire } from 'module';const require = createRequire(import.meta.url);"), `${dir}/${f}`).toBe(
          true,
        );
        expect(js, `${dir}/${f}`).not.toMatch(/from\s*["']#(domain|runtime|adapters|use-cases|functions)\//);
        expect(existsSync(join(full.outdir, dir, `${f}.map`)), `${dir}/${f}`).toBe(true);
      }
    }
    expect(split).toBe(1); // the api (SPLIT_FUNCTIONS)
  });

  it('gives every acknowledgment a reason, and each one is still needed', () => {
    const acks = acknowledgments(full.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);

    // The same app without any acknowledgment: every acknowledged rule must fire under its scope.
    const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let raw: Violation[];
    try {
      raw = synthWithNag({ bundle: false }).violations;
    } finally {
      spy.mockRestore();
    }
    for (const a of acks) {
      const fires = raw.some(
        (v) =>
          v.ruleName === a.id &&
          (v.violatingConstructs ?? []).some((c) => c.constructPath === a.path || c.constructPath.startsWith(`${a.path}/`)),
      );
      expect(fires, `stale acknowledgment ${a.id} on ${a.path}`).toBe(true);
    }
  });
});

function readdirAssets(outdir: string): string[] {
  // Our functions' bundles (the console's files and the CDK BucketDeployment handler are assets too).
  return readdirSync(outdir).filter((d) => d.startsWith('asset.') && existsSync(join(outdir, d, 'index.mjs')));
}
