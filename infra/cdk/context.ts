/**
 * The deploy-time inputs of the CDK app, read from CDK context (cdk.json, cdk.context.json or
 * `-c key=value`) and checked once, with messages an operator can act on:
 *
 *   stage        short name in stack names and tags (default `dev`)
 *   config       RULES.md overrides as a JSON object (→ every function's CONFIG_JSON);
 *                `workspaces.directoryId` and `workspaces.bundleId` are required on AWS
 *   sesIdentity  the SES identity notices are sent as: a domain or one address
 *   alarmEmail   where CloudWatch alarms are mailed (through the alarm SNS topic)
 *
 * A synth that could deploy (the CLI found credentials and set CDK_DEFAULT_ACCOUNT) must get all
 * of them. A synth without an account (offline, CI, tests) — or with `-c offline=true` — fills the
 * missing ones from the `offlinePlaceholders` context of cdk.json, so a fresh clone synthesizes.
 */
import { z } from 'zod';
import { buildConfig, configProblems, unknownKeys, type Config } from '#domain/config.ts';

export const CONTEXT_KEYS = ['stage', 'config', 'sesIdentity', 'alarmEmail'] as const;

/** Lambda allows 4 KB of environment in total; keep CONFIG_JSON well under it. */
export const MAX_CONFIG_JSON_BYTES = 3_000;

const Hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i, 'a domain name such as example.co.jp');
const DirectoryId = z.string().regex(/^d-[0-9a-f]{10}$/, 'a WorkSpaces directory id such as d-906700abcd');
const BundleId = z.string().regex(/^wsb-[0-9a-z]{8,63}$/, 'a WorkSpaces bundle id such as wsb-bh8rsxt14');

const Placeholders = z.object({
  sesIdentity: z.string(),
  alarmEmail: z.string(),
  workspaces: z.object({ directoryId: z.string(), bundleId: z.string() }),
});

export type SesIdentity = { readonly kind: 'domain' | 'email'; readonly value: string };

export interface DeployContext {
  readonly stage: string;
  /** The effective config (defaults merged with the overrides), for synth-time checks. */
  readonly config: Config;
  /** The overrides as given (plus placeholders when offline): the functions' CONFIG_JSON. */
  readonly configJson: string;
  readonly sesIdentity: SesIdentity;
  readonly alarmEmail: string;
  /** Context keys that were missing and filled from `offlinePlaceholders` (empty on a deploy). */
  readonly placeholders: readonly string[];
  /** True when the synth targets an account (a `cdk deploy` is possible). */
  readonly deploying: boolean;
}

export class ContextError extends Error {
  constructor(message: string) {
    super(`Invalid CDK context (see docs/DEPLOY.md "Context keys"):\n  - ${message}`);
    this.name = 'ContextError';
  }
}

type Lookup = (key: string) => unknown;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `-c config='{"…"}'` arrives as a string; cdk.json / cdk.context.json give an object. */
function parseConfigOverride(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ContextError('`config` is not valid JSON (pass it as -c config="$(cat config.json)")');
    }
  }
  if (!isRecord(value)) throw new ContextError('`config` must be a JSON object of RULES.md config overrides');
  return value;
}

/** The bare address of `Name <addr>` or `addr`. */
function address(from: string): string {
  const m = /<([^>]+)>\s*$/.exec(from);
  return (m?.[1] ?? from).trim().toLowerCase();
}

/** SES lets a verified domain send from its addresses and those of its subdomains. */
export function identityCovers(identity: SesIdentity, from: string): boolean {
  const addr = address(from);
  if (identity.kind === 'email') return addr === identity.value.toLowerCase();
  const domain = addr.split('@')[1] ?? '';
  const id = identity.value.toLowerCase();
  return domain === id || domain.endsWith(`.${id}`);
}

export function resolveDeployContext(lookup: Lookup, opts: { readonly targetAccount?: string }): DeployContext {
  const offlineFlag = lookup('offline');
  const deploying = Boolean(opts.targetAccount) && offlineFlag !== true && offlineFlag !== 'true';
  const placeholders = Placeholders.safeParse(lookup('offlinePlaceholders'));
  const filled: string[] = [];
  const missing: string[] = [];

  /** A missing value: required on a deploy, a placeholder otherwise. */
  function fallback<T>(key: string, pick: (p: z.infer<typeof Placeholders>) => T): T | undefined {
    if (deploying) {
      missing.push(key);
      return undefined;
    }
    if (!placeholders.success)
      throw new ContextError(`\`${key}\` is missing and cdk.json has no valid \`offlinePlaceholders\` to fall back on`);
    filled.push(key);
    return pick(placeholders.data);
  }

  const stageRaw = lookup('stage') ?? 'dev';
  const stage = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,15}$/)
    .safeParse(stageRaw);
  if (!stage.success) throw new ContextError(`\`stage\` must be 1–16 of [a-z0-9-] starting with a letter, got ${JSON.stringify(stageRaw)}`);

  const override = parseConfigOverride(lookup('config'));
  const ws = isRecord(override.workspaces) ? { ...override.workspaces } : {};
  if (ws.directoryId === undefined) ws.directoryId = fallback('config.workspaces.directoryId', (p) => p.workspaces.directoryId);
  if (ws.bundleId === undefined) ws.bundleId = fallback('config.workspaces.bundleId', (p) => p.workspaces.bundleId);
  const withWorkspaces = { ...override, workspaces: ws };

  const sesRaw = lookup('sesIdentity') ?? fallback('sesIdentity', (p) => p.sesIdentity);
  const alarmRaw = lookup('alarmEmail') ?? fallback('alarmEmail', (p) => p.alarmEmail);

  if (missing.length > 0) {
    throw new ContextError(
      `missing for a deploy to account ${opts.targetAccount}: ${missing.map((k) => `\`${k}\``).join(', ')}.` +
        ' Pass them with -c (e.g. -c sesIdentity=example.co.jp -c alarmEmail=ops@example.co.jp' +
        ` -c config='{"workspaces":{"directoryId":"d-…","bundleId":"wsb-…"}}'), or -c offline=true to synthesize with placeholders`,
    );
  }

  const problems: string[] = [];
  const dir = DirectoryId.safeParse(ws.directoryId);
  if (!dir.success) problems.push(`config.workspaces.directoryId: ${dir.error.issues[0]?.message}, got ${JSON.stringify(ws.directoryId)}`);
  const bundle = BundleId.safeParse(ws.bundleId);
  if (!bundle.success) problems.push(`config.workspaces.bundleId: ${bundle.error.issues[0]?.message}, got ${JSON.stringify(ws.bundleId)}`);

  let sesIdentity: SesIdentity | undefined;
  if (typeof sesRaw === 'string' && z.email().safeParse(sesRaw).success) sesIdentity = { kind: 'email', value: sesRaw };
  else if (typeof sesRaw === 'string' && Hostname.safeParse(sesRaw).success) sesIdentity = { kind: 'domain', value: sesRaw.toLowerCase() };
  else problems.push(`sesIdentity: a domain or an e-mail address, got ${JSON.stringify(sesRaw)}`);

  const alarm = z.email().safeParse(alarmRaw);
  if (!alarm.success) problems.push(`alarmEmail: an e-mail address, got ${JSON.stringify(alarmRaw)}`);

  const config = buildConfig(withWorkspaces);
  // The same checks every function makes at cold start: a typo fails the synth, not the first invocation.
  problems.push(...unknownKeys(override).map((k) => `config: unknown key ${k}`), ...configProblems(config).map((p) => `config: ${p}`));
  if (sesIdentity && !identityCovers(sesIdentity, config.mail.from)) {
    problems.push(
      `config.mail.from (${config.mail.from}) is not covered by the SES identity ${sesIdentity.value}: SES would refuse every notice`,
    );
  }
  const configJson = JSON.stringify(withWorkspaces);
  if (Buffer.byteLength(configJson) > MAX_CONFIG_JSON_BYTES) {
    problems.push(
      `config is ${Buffer.byteLength(configJson)} bytes as JSON; Lambda environments hold 4 KB in all (limit here ${MAX_CONFIG_JSON_BYTES})`,
    );
  }
  if (problems.length > 0 || !sesIdentity || !alarm.success) throw new ContextError(problems.join('\n  - '));

  return { stage: stage.data, config, configJson, sesIdentity, alarmEmail: alarm.data, placeholders: filled, deploying };
}
