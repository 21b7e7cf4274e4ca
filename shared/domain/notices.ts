/** Building notices: who receives what (RULES §1: the account manager unless said otherwise; DETAILS I6, D1, M3). */
import { compareDates, type LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { noticeId, type Notice, type NoticeDataOf, type Role } from './effects.ts';
import type { NoticeTarget, UnitNoticeBase, UnitNoticeType } from './notice-data.ts';
import type { Person, Unit } from './unit.ts';

/** A unit notice's own data: what the rule computes, without the contractor and plan `unitNotice` adds. */
export type UnitNoticeFields<T extends UnitNoticeType> = Omit<NoticeDataOf<T>, keyof UnitNoticeBase>;

/** The notice types to the operator about no unit in particular. */
export type OperatorNoticeType = 'outage_threshold_reached' | 'notice_bounced' | 'deposit_cancelled';

export interface NoticeOptions {
  readonly lineId?: string;
  /** Distinguishes two notices of one type, unit, date and role (e.g. two contact changes in a day). */
  readonly discriminator?: string;
  /** Overrides the recipient (e.g. the previous account manager's address, M3). */
  readonly to?: Person;
  readonly refs?: Notice['refs'];
}

export function recipient(unit: Unit, role: Role, config: Config): Person {
  switch (role) {
    case 'agent':
      return unit.contractor.agent ?? unit.contractor.accountManager;
    case 'operator':
      return { name: 'ココナワーク運用担当', email: config.mail.operatorAddress };
    default:
      return unit.contractor.accountManager;
  }
}

/** Agent for agent sales, else the account manager (Art 23-2, 24-3; DETAILS I6, D1). */
export function agentOrManager(unit: Unit): Role {
  return unit.contractor.agent ? 'agent' : 'account_manager';
}

/**
 * The accounts a notice of `date` shows (アカウント数): those of the lines in service that day — the basic
 * contract and every started additional contract not ended before it — and, before the start (or with
 * no line), the accounts applied for. Additional contracts never change `unit.accounts` (the application's).
 */
export function accountsInService(unit: Unit, date: LocalDate): number {
  const lines = unit.lines.filter((l) => l.started && (l.endedOn === null || compareDates(l.endedOn, date) >= 0));
  return lines.length === 0 ? unit.accounts : lines.reduce((n, l) => n + l.accounts, 0);
}

/** The whole contract as a notice's target, with its accounts in service on `date`. */
export function unitTarget(unit: Unit, date: LocalDate): NoticeTarget {
  return { kind: 'unit', accounts: accountsInService(unit, date) };
}

export function unitNotice<T extends UnitNoticeType>(
  unit: Unit,
  type: T,
  date: LocalDate,
  role: Role,
  config: Config,
  data: UnitNoticeFields<T>,
  opts: NoticeOptions = {},
): Notice<T> {
  const base: UnitNoticeBase = { contractorName: unit.contractor.name, plan: config.plans[unit.plan]?.displayName ?? unit.plan };
  const disc = [opts.lineId, opts.discriminator].filter(Boolean).join('#') || undefined;
  return {
    kind: 'notice',
    id: noticeId({ unitId: unit.id, type, date, role, discriminator: disc }),
    type,
    unitId: unit.id,
    ...(opts.lineId ? { lineId: opts.lineId } : {}),
    date,
    role,
    to: opts.to ?? recipient(unit, role, config),
    // The one place the two halves meet: TypeScript cannot see that base + the fields of T make T's data.
    data: { ...base, ...data } as unknown as NoticeDataOf<T>,
    ...(opts.refs ? { refs: opts.refs } : {}),
  };
}

/** A notice to the operator about no unit in particular (O3: `unit: null`, `to: operator`). */
export function operatorNotice<T extends OperatorNoticeType>(
  type: T,
  date: LocalDate,
  config: Config,
  data: NoticeDataOf<T>,
  opts: Pick<NoticeOptions, 'discriminator' | 'refs'> = {},
): Notice<T> {
  return {
    kind: 'notice',
    id: noticeId({ unitId: null, type, date, role: 'operator', discriminator: opts.discriminator }),
    type,
    unitId: null,
    date,
    role: 'operator',
    to: { name: 'ココナワーク運用担当', email: config.mail.operatorAddress },
    data,
    ...(opts.refs ? { refs: opts.refs } : {}),
  };
}
