/**
 * Who is calling: the `Principal` every use case receives.
 *  - `jwt` (AWS): API Gateway's JWT authorizer has verified a Cognito token. People sign in to the
 *    console (groups operator / viewer / agent in `cognito:groups`); machine callers use the
 *    client-credentials app client and carry their role as a scope `kokona/<role>`.
 *  - `token` (npm start, tests): a bearer token per local user (constant-time compare).
 * Unknown caller → 401 UNAUTHORIZED; a valid caller without a role → 403 FORBIDDEN.
 */
import type { MiddlewareObj } from '@middy/core';
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '#domain/errors.ts';
import { ROLES, type Principal, type Role } from '#use-cases/authz.ts';
import { requestIdOf, type HttpEvent, type HttpResult } from '#runtime/http.ts';

export interface LocalUser {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  readonly token: string;
  readonly agentEmail?: string;
  /** The console's local sign-in (npm start prints it); never used on AWS. */
  readonly password?: string;
}

export type AuthConfig =
  | { readonly mode: 'jwt' }
  /** `token` alone: one operator (the original single API token). */
  | { readonly mode: 'token'; readonly token?: string; readonly users?: readonly LocalUser[] };

type AuthedEvent = HttpEvent & { principal?: Principal };

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const rank = (r: Role) => ROLES.indexOf(r);

/** Claims of a verified Cognito token → principal (the strongest group wins). */
export function principalFromClaims(claims: Record<string, unknown>): Principal | 'no-role' {
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
  const scopes =
    typeof claims.scope === 'string'
      ? claims.scope
          .split(' ')
          .filter((s) => s.startsWith('kokona/'))
          .map((s) => s.slice(7))
      : [];
  const roles = [...groups, ...scopes].filter((g): g is Role => (ROLES as readonly string[]).includes(g)).sort((a, b) => rank(a) - rank(b));
  const role = roles[0];
  if (!role) return 'no-role';
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  const id = String(claims.sub ?? claims.client_id ?? 'unknown');
  return {
    id,
    role,
    name: String(claims['cognito:username'] ?? claims.username ?? email ?? id),
    ...(role === 'agent' && email ? { agentEmail: email } : {}),
  };
}

export function localUsers(auth: Extract<AuthConfig, { mode: 'token' }>): LocalUser[] {
  return [
    ...(auth.token ? [{ id: 'operator', role: 'operator' as const, name: 'オペレーター', token: auth.token }] : []),
    ...(auth.users ?? []),
  ];
}

/** `isPublic`: routes whose own token is the credential (the account kit link): no principal, no 401. */
export function authenticate(auth: AuthConfig, isPublic: (ev: HttpEvent) => boolean = () => false): MiddlewareObj<HttpEvent, HttpResult> {
  const users = auth.mode === 'token' ? localUsers(auth) : [];
  return {
    before: async (request) => {
      const ev = request.event as AuthedEvent;
      if (isPublic(ev)) return;
      const requestId = requestIdOf(ev);
      let p: Principal | 'no-role' | null = null;
      if (auth.mode === 'jwt') {
        const claims = (ev.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
        if (claims) p = principalFromClaims(claims);
      } else {
        const header = ev.headers?.authorization ?? '';
        if (/^Bearer\s+/i.test(header)) {
          const given = header.replace(/^Bearer\s+/i, '');
          const u = users.find((x) => sameSecret(given, x.token));
          if (u) p = { id: u.id, role: u.role, name: u.name, ...(u.agentEmail ? { agentEmail: u.agentEmail } : {}) };
        }
      }
      if (p === null) throw new DomainError('UNAUTHORIZED', 'missing or invalid credentials', {});
      if (p === 'no-role') throw new DomainError('FORBIDDEN', 'the caller has no role (groups operator, viewer or agent)', {});
      ev.principal = { ...p, ...(requestId ? { requestId } : {}) };
    },
  };
}

/** The principal of an authenticated request. */
export function principal(ev: HttpEvent): Principal {
  const p = (ev as AuthedEvent).principal;
  if (!p) throw new DomainError('UNAUTHORIZED', 'missing or invalid credentials', {});
  return p;
}
