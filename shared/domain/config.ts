import { isValidRegistrationNumber } from './corporate-number.ts';
import type { Yen } from './money.ts';

/** Operator policy values (RULES.md "config"); every one overridable (DETAILS G1: deep merge, arrays replaced). */
export interface PlanConfig {
  readonly monthlyPrice: Yen;
  readonly minAccounts: number;
  /** Plans with a virtual desktop per account (Art 45): `kokona`. */
  readonly desktops: boolean;
  readonly displayName: string;
  /** W10: the most accounts one line (a basic contract or an addition) may have; more is 422 TOO_MANY_ACCOUNTS. */
  readonly maxAccountsPerLine: number;
}

/** Desktop jobs and the reconciler (docs/DESKTOPS.md W4–W9). */
export interface DesktopsConfig {
  /** `AUTO_STOP` (default) or `ALWAYS_ON`. */
  readonly runningMode: 'AUTO_STOP' | 'ALWAYS_ON';
  /** AUTO_STOP: minutes without a connection before the desktop stops (multiples of 60). */
  readonly autoStopTimeoutMinutes: number;
  /** Root and user volume encryption with this KMS key (ARN or alias); null: not encrypted. */
  readonly volumeEncryptionKey: string | null;
  /** A job waits this long for every desktop to be AVAILABLE before it fails with READY_TIMEOUT. */
  readonly readyTimeoutMinutes: number;
  /** A desktop in ERROR is terminated and created again at most this many times. */
  readonly maxRecreate: number;
  /** The first re-check of a job that waits (seconds; doubled each time, at most 900, SQS's limit). */
  readonly recheckSeconds: number;
  /** The reconciler terminates a tagged desktop of no live account this many days after it first saw it. */
  readonly orphanGraceDays: number;
}

export type PaymentDue = { readonly monthsAfter: number; readonly day: 'end' | number } | { readonly days: number };

export interface Config {
  readonly plans: Readonly<Record<string, PlanConfig>>;
  readonly taxRatePercent: number;
  readonly issuer: { readonly name: string; readonly registrationNumber: string; readonly address: string };
  readonly mail: { readonly from: string; readonly operatorAddress: string; readonly sendRatePerSecond: number };
  /** registrationCode: the directory's registration code the WorkSpaces client asks for (in the kit). */
  readonly workspaces: { readonly directoryId: string; readonly bundleId: string; readonly registrationCode: string };
  readonly desktops: DesktopsConfig;
  /** W3: the one-time account kit link of the サービス提供開始通知書. */
  readonly kit: { readonly retrievalDays: number; readonly baseUrl: string; readonly fetchesPerMinute: number };
  readonly renewalReminderDays: readonly number[];
  readonly dataRetrievalReminderDays: readonly number[];
  readonly desktopDeletionDelayDays: number;
  readonly paymentDue: PaymentDue;
  readonly overdueNoticeDays: number;
  readonly suspendAfterDays: number;
  readonly suspensionNoticeDays: number;
  readonly terminateAfterDays: number;
  readonly terminationNoticeDays: number;
  readonly outageThresholdHours: number;
  /** MONEY-IN B3a, V1: the operator's account (name-only deposits) and the range of virtual accounts, one per payer. */
  readonly bank: BankConfig;
  /** MONEY-IN A1: how long the archive keeps every issued invoice (S3 Object Lock, compliance mode). */
  readonly archive: { readonly retentionYears: number };
}

export interface BankConfig {
  /** 銀行コード (4 digits) and 銀行名 as printed on invoices. */
  readonly code: string;
  readonly name: string;
  /** 支店コード (3 digits) and 支店名. */
  readonly branchCode: string;
  readonly branchName: string;
  /** The operator's ordinary (普通) account: deposits to it are matched by name only. */
  readonly accountNumber: string;
  /** 口座名義 in half-width kana, as the bank prints it. */
  readonly holderKana: string;
  /** The virtual account numbers handed out to payers (7 digits, inclusive). */
  readonly virtualAccounts: { readonly from: string; readonly to: string };
}

export const DEFAULT_CONFIG: Config = {
  plans: {
    kokona: { monthlyPrice: 6000 as Yen, minAccounts: 5, desktops: true, displayName: 'ココナワーク', maxAccountsPerLine: 2000 },
    self: { monthlyPrice: 1500 as Yen, minAccounts: 5, desktops: false, displayName: 'ココナワーク セルフ', maxAccountsPerLine: 2000 },
  },
  taxRatePercent: 10,
  issuer: { name: 'NTTテクノクロス株式会社', registrationNumber: 'T8700110005901', address: '東京都港区港南二丁目16番4号' },
  mail: { from: 'noreply@kokona-work.example', operatorAddress: 'operator@kokona-work.example', sendRatePerSecond: 1 }, // SES sandbox quota: raise it to the account's rate after production access
  workspaces: { directoryId: 'd-9067000001', bundleId: 'wsb-0000000001', registrationCode: 'wsnrt+LOCAL1' },
  desktops: {
    runningMode: 'AUTO_STOP',
    autoStopTimeoutMinutes: 60,
    volumeEncryptionKey: null,
    readyTimeoutMinutes: 120,
    maxRecreate: 2,
    recheckSeconds: 60,
    orphanGraceDays: 7,
  },
  kit: { retrievalDays: 14, baseUrl: 'https://backoffice.kokona-work.example', fetchesPerMinute: 10 },
  renewalReminderDays: [30, 7],
  dataRetrievalReminderDays: [30, 7],
  desktopDeletionDelayDays: 1,
  paymentDue: { monthsAfter: 1, day: 'end' },
  overdueNoticeDays: 1,
  suspendAfterDays: 30,
  suspensionNoticeDays: 10,
  terminateAfterDays: 30,
  terminationNoticeDays: 10,
  outageThresholdHours: 120,
  bank: {
    code: '0001',
    name: 'みずほ銀行',
    branchCode: '100',
    branchName: '東京営業部',
    accountNumber: '1234567',
    holderKana: 'ｴﾇﾃｲﾃｲﾃｸﾉｸﾛｽ(ｶ',
    virtualAccounts: { from: '3000000', to: '3999999' },
  },
  archive: { retentionYears: 10 },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** DETAILS G1: objects deep-merged, arrays and scalars replaced. A plan added by config inherits no fields. */
export function mergeConfig<T>(base: T, override: unknown): T {
  if (!isPlainObject(override) || !isPlainObject(base)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const b = (base as Record<string, unknown>)[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeConfig(b, v) : v;
  }
  return out as T;
}

/** Builds a config from overrides; a plan added through config gets the house defaults for missing keys. */
export function buildConfig(override: unknown = {}): Config {
  const merged = mergeConfig(DEFAULT_CONFIG, override);
  const plans: Record<string, PlanConfig> = {};
  for (const [name, p] of Object.entries(merged.plans as Record<string, Partial<PlanConfig>>)) {
    plans[name] = {
      monthlyPrice: 0 as Yen,
      minAccounts: 1,
      desktops: name === 'kokona',
      displayName: name,
      maxAccountsPerLine: 2000,
      ...p,
    };
  }
  return { ...merged, plans };
}

const isInt = (v: unknown, min = 0) => Number.isInteger(v) && (v as number) >= min;
const isDays = (v: unknown) => Array.isArray(v) && v.every((k) => isInt(k, 0));

/**
 * What is wrong with a config (empty when nothing): checked at start-up by every composition root, the
 * embedded stack and the simulator, so a typo in an override fails loudly instead of being ignored.
 */
export function configProblems(c: Config): string[] {
  const p: string[] = [];
  for (const [name, plan] of Object.entries(c.plans)) {
    if (!isInt(plan.monthlyPrice, 0)) p.push(`plans.${name}.monthlyPrice must be an integer number of yen ≥ 0`);
    if (!isInt(plan.minAccounts, 1)) p.push(`plans.${name}.minAccounts must be an integer ≥ 1`);
    if (typeof plan.desktops !== 'boolean') p.push(`plans.${name}.desktops must be true or false`);
    if (!isInt(plan.maxAccountsPerLine, 1) || plan.maxAccountsPerLine > 1_000_000)
      p.push(`plans.${name}.maxAccountsPerLine must be an integer from 1 to 1000000`);
    else if (isInt(plan.minAccounts, 1) && plan.maxAccountsPerLine < plan.minAccounts)
      p.push(`plans.${name}.maxAccountsPerLine must not be below minAccounts`);
  }
  if (typeof c.taxRatePercent !== 'number' || !(c.taxRatePercent >= 0) || !/^\d+(\.\d+)?$/.test(String(c.taxRatePercent)))
    p.push('taxRatePercent must be a non-negative decimal number');
  if (!isValidRegistrationNumber(c.issuer?.registrationNumber))
    p.push('issuer.registrationNumber must be "T" + a valid 13-digit corporate number (Art 30)');
  if (typeof c.issuer?.name !== 'string' || c.issuer.name === '') p.push('issuer.name is required');
  if (!(typeof c.mail?.sendRatePerSecond === 'number' && c.mail.sendRatePerSecond > 0)) p.push('mail.sendRatePerSecond must be > 0');
  for (const k of ['from', 'operatorAddress'] as const)
    if (typeof c.mail?.[k] !== 'string' || !c.mail[k].includes('@')) p.push(`mail.${k} must be an e-mail address`);
  if (!isDays(c.renewalReminderDays)) p.push('renewalReminderDays must be an array of whole days ≥ 0');
  if (!isDays(c.dataRetrievalReminderDays)) p.push('dataRetrievalReminderDays must be an array of whole days ≥ 0');
  for (const k of [
    'desktopDeletionDelayDays',
    'overdueNoticeDays',
    'suspendAfterDays',
    'suspensionNoticeDays',
    'terminateAfterDays',
    'terminationNoticeDays',
  ] as const)
    if (!isInt(c[k], 0)) p.push(`${k} must be a whole number of days ≥ 0`);
  if (c.suspensionNoticeDays > c.suspendAfterDays) p.push('suspensionNoticeDays must not exceed suspendAfterDays');
  if (c.terminationNoticeDays > c.terminateAfterDays) p.push('terminationNoticeDays must not exceed terminateAfterDays');
  if (!(typeof c.outageThresholdHours === 'number' && c.outageThresholdHours > 0)) p.push('outageThresholdHours must be > 0');
  const b = c.bank as unknown as Record<string, unknown> | undefined;
  const digits = (v: unknown, n: number) => typeof v === 'string' && new RegExp(`^\\d{${n}}$`).test(v);
  if (!b || !digits(b.code, 4)) p.push('bank.code must be the 4-digit 銀行コード');
  if (!b || !digits(b.branchCode, 3)) p.push('bank.branchCode must be the 3-digit 支店コード');
  if (!b || !digits(b.accountNumber, 7)) p.push('bank.accountNumber must be a 7-digit account number');
  for (const k of ['name', 'branchName', 'holderKana'] as const)
    if (!b || typeof b[k] !== 'string' || b[k] === '') p.push(`bank.${k} is required`);
  const range = b?.virtualAccounts as Record<string, unknown> | undefined;
  if (!range || !digits(range.from, 7) || !digits(range.to, 7) || (range.from as string) > (range.to as string))
    p.push('bank.virtualAccounts must be { "from": 7 digits, "to": 7 digits } with from ≤ to');
  else if (b && typeof b.accountNumber === 'string' && b.accountNumber >= (range.from as string) && b.accountNumber <= (range.to as string))
    p.push('bank.accountNumber must lie outside bank.virtualAccounts');
  if (!isInt(c.archive?.retentionYears, 1) || c.archive.retentionYears > 100)
    p.push('archive.retentionYears must be a whole number of years from 1 to 100');
  const d = c.desktops;
  if (d.runningMode !== 'AUTO_STOP' && d.runningMode !== 'ALWAYS_ON') p.push('desktops.runningMode must be "AUTO_STOP" or "ALWAYS_ON"');
  if (!isInt(d.autoStopTimeoutMinutes, 60) || d.autoStopTimeoutMinutes % 60 !== 0)
    p.push('desktops.autoStopTimeoutMinutes must be a multiple of 60');
  if (d.volumeEncryptionKey !== null && (typeof d.volumeEncryptionKey !== 'string' || d.volumeEncryptionKey === ''))
    p.push('desktops.volumeEncryptionKey must be a KMS key ARN or alias, or null');
  if (!isInt(d.readyTimeoutMinutes, 1)) p.push('desktops.readyTimeoutMinutes must be a whole number of minutes ≥ 1');
  if (!isInt(d.maxRecreate, 0) || d.maxRecreate > 10) p.push('desktops.maxRecreate must be an integer from 0 to 10');
  if (!isInt(d.recheckSeconds, 0) || d.recheckSeconds > 900) p.push('desktops.recheckSeconds must be an integer from 0 to 900');
  if (!isInt(d.orphanGraceDays, 0)) p.push('desktops.orphanGraceDays must be a whole number of days ≥ 0');
  if (!isInt(c.kit.retrievalDays, 1)) p.push('kit.retrievalDays must be a whole number of days ≥ 1');
  if (typeof c.kit.baseUrl !== 'string' || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(c.kit.baseUrl))
    p.push('kit.baseUrl must be an http(s) URL');
  if (!isInt(c.kit.fetchesPerMinute, 1)) p.push('kit.fetchesPerMinute must be an integer ≥ 1');
  const due = c.paymentDue as Record<string, unknown>;
  const dueOk = 'days' in due ? isInt(due.days, 0) : isInt(due.monthsAfter, 0) && (due.day === 'end' || isInt(due.day, 1));
  if (!dueOk) p.push('paymentDue must be { "monthsAfter": k, "day": "end" | n } or { "days": n } (DETAILS I5)');
  return p;
}

/** Keys of an override that no config has (a typo would otherwise be silently ignored). */
export function unknownKeys(override: Record<string, unknown>): string[] {
  const known: Record<string, readonly string[] | 'plans'> = {
    plans: 'plans',
    issuer: ['name', 'registrationNumber', 'address'],
    mail: ['from', 'operatorAddress', 'sendRatePerSecond'],
    workspaces: ['directoryId', 'bundleId', 'registrationCode'],
    desktops: [
      'runningMode',
      'autoStopTimeoutMinutes',
      'volumeEncryptionKey',
      'readyTimeoutMinutes',
      'maxRecreate',
      'recheckSeconds',
      'orphanGraceDays',
    ],
    kit: ['retrievalDays', 'baseUrl', 'fetchesPerMinute'],
    paymentDue: ['monthsAfter', 'day', 'days'],
    bank: ['code', 'name', 'branchCode', 'branchName', 'accountNumber', 'holderKana', 'virtualAccounts'],
    archive: ['retentionYears'],
  };
  const out: string[] = [];
  for (const [k, v] of Object.entries(override)) {
    if (!(k in DEFAULT_CONFIG)) out.push(k);
    const sub = known[k];
    if (!isPlainObject(v) || !sub) continue;
    if (sub === 'plans') {
      for (const [plan, pv] of Object.entries(v))
        if (isPlainObject(pv))
          for (const pk of Object.keys(pv))
            if (!['monthlyPrice', 'minAccounts', 'desktops', 'displayName', 'maxAccountsPerLine'].includes(pk))
              out.push(`plans.${plan}.${pk}`);
    } else
      for (const [sk, sv] of Object.entries(v)) {
        if (!sub.includes(sk)) out.push(`${k}.${sk}`);
        else if (k === 'bank' && sk === 'virtualAccounts' && isPlainObject(sv))
          for (const rk of Object.keys(sv)) if (rk !== 'from' && rk !== 'to') out.push(`bank.virtualAccounts.${rk}`);
      }
  }
  return out;
}

/** buildConfig, refusing a config with problems or unknown keys (the message lists them all). */
export function validConfig(override: unknown = {}): Config {
  if (override !== undefined && !isPlainObject(override)) throw new Error('config must be a JSON object');
  const c = buildConfig(override);
  const problems = [...unknownKeys(override ?? {}).map((k) => `unknown key ${k}`), ...configProblems(c)];
  if (problems.length) throw new Error(`invalid config: ${problems.join('; ')}`);
  return c;
}
