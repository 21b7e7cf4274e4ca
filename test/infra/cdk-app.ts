/** Builds the CDK app for tests: cdk.json's context + a test deploy context, esbuild skipped unless asked. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildAppOptions } from '../../infra/cdk/build-app.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const CDK_JSON = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { app: string; context: Record<string, unknown> };

export const TEST_WORKSPACES = { directoryId: 'd-906700abcd', bundleId: 'wsb-bh8rsxt14' };

/** What an operator passes with -c on a deploy. */
export const TEST_CONTEXT = {
  stage: 'test',
  sesIdentity: 'kokona-work.example',
  alarmEmail: 'ops@kokona-work.example',
  config: { workspaces: TEST_WORKSPACES },
};

export function testApp(
  context: Record<string, unknown> = TEST_CONTEXT,
  opts: BuildAppOptions & { bundle?: boolean; outdir?: string } = {},
) {
  const app = new App({
    ...(opts.outdir ? { outdir: opts.outdir } : {}),
    context: { ...CDK_JSON.context, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const built = buildApp(app, { nag: false, targetAccount: undefined, ...opts });
  return { app, ...built };
}

/** The three templates of the test app (one synth). */
export function templates() {
  const built = testApp();
  return {
    ...built,
    dataT: Template.fromStack(built.data),
    jobsT: Template.fromStack(built.jobs),
    apiT: Template.fromStack(built.api),
  };
}
