import type { Yen } from './money.ts';

/** Operator policy values (RULES.md "config"); every one overridable (DETAILS G1: deep merge, arrays replaced). */
export interface PlanConfig {
  readonly monthlyPrice: Yen;
  readonly minAccounts: number;
  /** Plans with a virtual desktop per account (Art 45): `kokona`. */
  readonly desktops: boolean;
  readonly displayName: string;
}

export type PaymentDue = { readonly monthsAfter: number; readonly day: 'end' | number } | { readonly days: number };

export interface Config {
  readonly plans: Readonly<Record<string, PlanConfig>>;
  readonly taxRatePercent: number;
  readonly issuer: { readonly name: string; readonly registrationNumber: string; readonly address: string };
  readonly mail: { readonly from: string; readonly operatorAddress: string; readonly sendRatePerSecond: number };
  readonly workspaces: { readonly directoryId: string; readonly bundleId: string };
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
}

export const DEFAULT_CONFIG: Config = {
  plans: {
    kokona: { monthlyPrice: 6000 as Yen, minAccounts: 5, desktops: true, displayName: 'ココナワーク' },
    self: { monthlyPrice: 1500 as Yen, minAccounts: 5, desktops: false, displayName: 'ココナワーク セルフ' },
  },
  taxRatePercent: 10,
  issuer: { name: 'NTTテクノクロス株式会社', registrationNumber: 'T8700110005901', address: '東京都港区港南二丁目16番4号' },
  mail: { from: 'noreply@kokona-work.example', operatorAddress: 'operator@kokona-work.example', sendRatePerSecond: 14 },
  workspaces: { directoryId: 'd-9067000001', bundleId: 'wsb-0000000001' },
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
    plans[name] = { monthlyPrice: 0 as Yen, minAccounts: 1, desktops: name === 'kokona', displayName: name, ...p };
  }
  return { ...merged, plans };
}
