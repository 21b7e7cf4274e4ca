/** Building notices: who receives what (RULES §1: the account manager unless said otherwise; DETAILS I6, D1, M3). */
import type { LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import { noticeId, type Notice, type NoticeType, type Role } from './effects.ts';
import type { Person, Unit } from './unit.ts';

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

export function unitNotice(
  unit: Unit,
  type: NoticeType,
  date: LocalDate,
  role: Role,
  config: Config,
  data: Record<string, unknown> = {},
  opts: NoticeOptions = {},
): Notice {
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
    data: { contractorName: unit.contractor.name, plan: config.plans[unit.plan]?.displayName ?? unit.plan, accounts: unit.accounts, ...data },
    ...(opts.refs ? { refs: opts.refs } : {}),
  };
}

/** A notice to the operator about no unit in particular (O3: `unit: null`, `to: operator`). */
export function operatorNotice(type: NoticeType, date: LocalDate, config: Config, data: Record<string, unknown>, opts: Pick<NoticeOptions, 'discriminator' | 'refs'> = {}): Notice {
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
