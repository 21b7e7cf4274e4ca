/**
 * Who may do what: the ONE table of permissions, enforced here, in the use-case layer (every use case
 * called by the API takes a `Principal` and asks `authorize` first), not only hidden in the console.
 *
 * Roles (Cognito groups on AWS, local users in `npm start`):
 *  - operator: everything;
 *  - viewer: reads everything, changes nothing (403 FORBIDDEN);
 *  - agent (販売代理店): only the contracts it sold — applications it submitted, its units, their
 *    invoices — matched by `contractor.agent.email`; anything else is NOT_FOUND to it (it cannot even
 *    learn that another unit exists); actions outside its trade (decisions, payments, outages, audit)
 *    are FORBIDDEN.
 *  - system: the daily run, the workers and the hourly watcher (never an API caller).
 *
 * Access per action: `all` (any resource), `own` (agents: only their contracts; others NOT_FOUND),
 * `none` (FORBIDDEN).
 */
import { DomainError } from '#domain/errors.ts';
import type { Unit } from '#domain/unit.ts';

export type Role = 'operator' | 'viewer' | 'agent';
export const ROLES: readonly Role[] = ['operator', 'viewer', 'agent'];

export interface Principal {
  /** A stable id: the Cognito `sub` / app client id, or the local user name; `system:<part>` for the jobs. */
  readonly id: string;
  readonly role: Role | 'system';
  /** A display name (audit trail, console). */
  readonly name?: string;
  /** Agents: the address written as `contractor.agent.email` on the contracts it sold. */
  readonly agentEmail?: string;
  /** The API request that acts (API Gateway request id), for the audit trail. */
  readonly requestId?: string;
}

export type Access = 'all' | 'own' | 'none';

export const PERMISSIONS = {
  'applications.submit': { operator: 'all', viewer: 'none', agent: 'own' },
  'applications.read': { operator: 'all', viewer: 'all', agent: 'own' },
  'applications.decide': { operator: 'all', viewer: 'none', agent: 'none' },
  'units.read': { operator: 'all', viewer: 'all', agent: 'own' },
  /** Additional lines, cancellations, contact changes: an agent acts for the customers it sold to. */
  'units.change': { operator: 'all', viewer: 'none', agent: 'own' },
  'invoices.read': { operator: 'all', viewer: 'all', agent: 'own' },
  'payments.record': { operator: 'all', viewer: 'none', agent: 'none' },
  'outages.read': { operator: 'all', viewer: 'all', agent: 'none' },
  'outages.manage': { operator: 'all', viewer: 'none', agent: 'none' },
  'audit.read': { operator: 'all', viewer: 'all', agent: 'none' },
  'dashboard.read': { operator: 'all', viewer: 'all', agent: 'own' },
  'clock.read': { operator: 'all', viewer: 'all', agent: 'all' },
  'clock.advance': { operator: 'all', viewer: 'none', agent: 'none' },
  'meta.read': { operator: 'all', viewer: 'all', agent: 'all' },
  /** A unit's accounts (user names, desktop ids; never passwords): like the unit itself. */
  'accounts.read': { operator: 'all', viewer: 'all', agent: 'own' },
  /** A new account kit (new initial passwords, a new link to the account manager). */
  'kit.reissue': { operator: 'all', viewer: 'none', agent: 'none' },
  /** Failed desktop jobs and the reconciler's report. */
  'desktops.read': { operator: 'all', viewer: 'all', agent: 'none' },
  /** Retrying a failed desktop job, running the reconciler now. */
  'desktops.manage': { operator: 'all', viewer: 'none', agent: 'none' },
  /** A notice's delivery evidence (GET /notices/{id}): like the unit it is about; the operator's own notices only to staff. */
  'notices.read': { operator: 'all', viewer: 'all', agent: 'own' },
  /** Sending a notice again after a contact change. */
  'notices.resend': { operator: 'all', viewer: 'none', agent: 'none' },
  /** Bank files, deposits and their matching (MONEY-IN): the back office's own books. */
  'deposits.import': { operator: 'all', viewer: 'none', agent: 'none' },
  'deposits.read': { operator: 'all', viewer: 'all', agent: 'none' },
  'deposits.match': { operator: 'all', viewer: 'none', agent: 'none' },
  /** The write-once archive of issued invoices (A2). */
  'archive.read': { operator: 'all', viewer: 'all', agent: 'none' },
} as const satisfies Record<string, Record<Role, Access>>;

export type Action = keyof typeof PERMISSIONS;

export const system = (part: string): Principal => ({ id: `system:${part}`, role: 'system', name: part });

/** The access of a principal to an action; FORBIDDEN when it has none. */
export function authorize(p: Principal, action: Action): Access {
  if (p.role === 'system') return 'all';
  const access: Access = PERMISSIONS[action][p.role];
  if (access === 'none') throw new DomainError('FORBIDDEN', `the role ${p.role} may not ${action}`, { role: p.role, action });
  return access;
}

/** True when an agent sold this unit. */
export function soldBy(p: Principal, unit: Pick<Unit, 'contractor'>): boolean {
  const agent = unit.contractor.agent;
  return !!agent && !!p.agentEmail && agent.email.toLowerCase() === p.agentEmail.toLowerCase();
}

/** Authorizes `action` on one unit: FORBIDDEN by role, NOT_FOUND when an agent did not sell it. */
export function authorizeUnit(p: Principal, action: Action, unit: Pick<Unit, 'id' | 'contractor'>): void {
  if (authorize(p, action) === 'own' && !soldBy(p, unit)) throw new DomainError('NOT_FOUND', `unit ${unit.id} not found`, { id: unit.id });
}

/** Filters a list to what the principal may see under `action`. */
export function visible<U extends Pick<Unit, 'contractor'>>(p: Principal, action: Action, units: readonly U[]): U[] {
  return authorize(p, action) === 'own' ? units.filter((u) => soldBy(p, u)) : [...units];
}
