import type { LocalDate } from './calendar.ts';
import type { NoticeDataOf, NoticeType } from './notice-data.ts';
import type { Unit } from './unit.ts';

export type { NoticeDataMap, NoticeDataOf, NoticeType } from './notice-data.ts';

export type Role = 'account_manager' | 'agent' | 'operator' | 'previous_account_manager';

/** A notice of type `T` to send, written to the outbox in the same write as the state change (X6 headers come from it). */
export interface NoticeOf<T extends NoticeType> {
  readonly kind: 'notice';
  /** Deterministic: unit + type + date + role (+ discriminator). */
  readonly id: string;
  readonly type: T;
  readonly unitId: string | null;
  readonly lineId?: string;
  /** Business date of the notice. */
  readonly date: LocalDate;
  readonly role: Role;
  readonly to: { readonly name: string; readonly email: string };
  /** What the template needs (notice-data.ts), computed where the rule fires; never a password. */
  readonly data: NoticeDataOf<T>;
  /** What the notice is about, beyond the unit (X6 headers; the simulator's `invoice`/`outage`/`maintenance`). */
  readonly refs?: { readonly invoice?: string; readonly outage?: string; readonly maintenance?: string };
  /** Set on a resend (POST /notices/{id}/resend): the notice it sends again, to the address registered now. */
  readonly resendOf?: string;
}

/** A notice: the union over its types, so `n.type === 'renewed'` narrows `n.data` to the renewed notice's data. */
export type Notice<T extends NoticeType = NoticeType> = { [K in T]: NoticeOf<K> }[T];

/** kit: new initial passwords for the unit's accounts and a new kit link (operator reissue, W3). */
export type DesktopAction = 'create' | 'suspend' | 'resume' | 'delete' | 'kit';

/** A desktop job for one line (DETAILS K1), written to the outbox with the state change. */
export interface DesktopJob {
  readonly kind: 'desktop';
  /** Deterministic: unit + line + action + date. */
  readonly id: string;
  readonly action: DesktopAction;
  readonly unitId: string;
  readonly lineId: string;
  readonly date: LocalDate;
  /** How many accounts the line has (W10: the job never carries the user names; they derive from the unit). */
  readonly accounts: number;
  /** action kit: the hash of the kit the new passwords belong to. */
  readonly kit?: string;
}

export type OutboxItem = Notice | DesktopJob;

export function noticeId(n: {
  readonly unitId: string | null;
  readonly type: NoticeType;
  readonly date: LocalDate;
  readonly role: Role;
  readonly discriminator?: string | undefined;
}): string {
  return ['N', n.unitId ?? '-', n.type, n.date, n.role, ...(n.discriminator ? [n.discriminator] : [])].join('#');
}

export function desktopJobId(j: Pick<DesktopJob, 'unitId' | 'lineId' | 'action' | 'date'>): string {
  return ['D', j.unitId, j.lineId, j.action, j.date].join('#');
}

/** A step of a day or of a request: the unit as it becomes and what it sends or does (written together). */
export interface Step {
  readonly unit: Unit;
  readonly outbox: readonly OutboxItem[];
}

/** A step as a use case commits it: also the extra dates on which the daily run must wake the unit. */
export interface Transition extends Step {
  readonly wakeUps: readonly LocalDate[];
}
