/** The deploy context: placeholders offline, clear refusals on a deploy, checks an operator can act on. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextError, MAX_CONFIG_JSON_BYTES, identityCovers, resolveDeployContext } from '../../infra/cdk/context.ts';
import { CDK_JSON, TEST_CONTEXT, TEST_WORKSPACES, testApp } from './cdk-app.ts';

const lookupOf = (ctx: Record<string, unknown>) => (k: string) => ({ ...CDK_JSON.context, ...ctx })[k];
const resolve = (ctx: Record<string, unknown>, targetAccount?: string) => resolveDeployContext(lookupOf(ctx), { targetAccount });

describe('cdk.json', () => {
  it('runs the app with tsx and synthesizes without network calls (no notices, version reporting or telemetry)', () => {
    expect(CDK_JSON).toMatchObject({ app: 'npx tsx infra/cdk/app.ts', notices: false, versionReporting: false });
    expect(CDK_JSON.context['cli-telemetry']).toBe(false);
    expect(existsSync(join(import.meta.dirname, '..', '..', 'infra', 'cdk', 'app.ts'))).toBe(true);
  });
});

describe('offline synth (no account)', () => {
  it('fills what is missing from cdk.json offlinePlaceholders, so a fresh clone synthesizes', () => {
    const c = resolve({});
    expect(c.deploying).toBe(false);
    expect(c.stage).toBe('dev');
    expect([...c.placeholders].sort()).toEqual([
      'alarmEmail',
      'config.workspaces.bundleId',
      'config.workspaces.directoryId',
      'sesIdentity',
    ]);
    expect(JSON.parse(c.configJson)).toEqual({ workspaces: (CDK_JSON.context.offlinePlaceholders as { workspaces: unknown }).workspaces });
    expect(c.sesIdentity).toEqual({ kind: 'domain', value: 'kokona-work.example' });
  });

  it('builds the app from cdk.json alone', () => {
    expect(() => testApp({})).not.toThrow();
  });

  it('takes what is given and reports nothing as a placeholder', () => {
    const c = resolve(TEST_CONTEXT);
    expect(c.placeholders).toEqual([]);
    expect(c.stage).toBe('test');
    expect(c.config.workspaces).toMatchObject(TEST_WORKSPACES);
  });
});

describe('a synth that can deploy (the CLI found an account)', () => {
  it('refuses missing keys, naming each, and says how to pass them', () => {
    expect(() => resolve({}, '123456789012')).toThrowError(ContextError);
    try {
      resolve({ sesIdentity: 'kokona-work.example' }, '123456789012');
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain('`config.workspaces.directoryId`');
      expect(m).toContain('`config.workspaces.bundleId`');
      expect(m).toContain('`alarmEmail`');
      expect(m).not.toContain('`sesIdentity`');
      expect(m).toContain('-c config=');
    }
  });

  it('refuses a deploy without workspaces.directoryId even when the rest is there', () => {
    expect(() => resolve({ ...TEST_CONTEXT, config: { workspaces: { bundleId: TEST_WORKSPACES.bundleId } } }, '123456789012')).toThrowError(
      /`config\.workspaces\.directoryId`/,
    );
    expect(() => testApp({ ...TEST_CONTEXT, config: {} }, { targetAccount: '123456789012' })).toThrowError(/missing for a deploy/);
  });

  it('accepts a complete context, and -c offline=true allows placeholders on purpose', () => {
    expect(resolve(TEST_CONTEXT, '123456789012').deploying).toBe(true);
    expect(resolve({ offline: 'true' }, '123456789012').deploying).toBe(false);
  });
});

describe('checks', () => {
  it('parses `-c config=<json>` (a string) as well as an object', () => {
    const c = resolve({ ...TEST_CONTEXT, config: JSON.stringify({ workspaces: TEST_WORKSPACES, taxRatePercent: 8 }) });
    expect(c.config.taxRatePercent).toBe(8);
    expect(() => resolve({ ...TEST_CONTEXT, config: '{nope' })).toThrowError(/not valid JSON/);
    expect(() => resolve({ ...TEST_CONTEXT, config: '[1]' })).toThrowError(/JSON object/);
  });

  it('validates ids, addresses and the stage', () => {
    expect(() =>
      resolve({ ...TEST_CONTEXT, config: { workspaces: { directoryId: 'dir-1', bundleId: TEST_WORKSPACES.bundleId } } }),
    ).toThrowError(/directoryId/);
    expect(() => resolve({ ...TEST_CONTEXT, alarmEmail: 'ops' })).toThrowError(/alarmEmail/);
    expect(() => resolve({ ...TEST_CONTEXT, sesIdentity: 'not a domain' })).toThrowError(/sesIdentity/);
    expect(() => resolve({ ...TEST_CONTEXT, stage: 'Prod_1' })).toThrowError(/stage/);
  });

  it('refuses a mail.from the SES identity does not cover (every notice would bounce off SES)', () => {
    expect(() => resolve({ ...TEST_CONTEXT, sesIdentity: 'other.example' })).toThrowError(/mail\.from/);
    expect(resolve({ ...TEST_CONTEXT, sesIdentity: 'noreply@kokona-work.example' }).sesIdentity.kind).toBe('email');
    expect(identityCovers({ kind: 'domain', value: 'example.co.jp' }, 'ココナ <noreply@mail.example.co.jp>')).toBe(true);
    expect(identityCovers({ kind: 'domain', value: 'example.co.jp' }, 'noreply@badexample.co.jp')).toBe(false);
    expect(identityCovers({ kind: 'email', value: 'a@example.jp' }, 'b@example.jp')).toBe(false);
  });

  it('keeps CONFIG_JSON within the Lambda environment limit', () => {
    const big = { workspaces: TEST_WORKSPACES, issuer: { address: 'x'.repeat(MAX_CONFIG_JSON_BYTES) } };
    expect(() => resolve({ ...TEST_CONTEXT, config: big })).toThrowError(/4 KB/);
  });
});
