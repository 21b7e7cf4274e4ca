/**
 * The typed API client: openapi-fetch over the types openapi-typescript generated from
 * docs/openapi.json (api-types.ts, checked current by a test), so the console cannot drift from the API.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types.ts';

export type Schemas = components['schemas'];
export type Unit = Schemas['Unit'];
export type Invoice = Schemas['Invoice'];
export type Role = 'operator' | 'viewer' | 'agent';

export interface Session {
  readonly token: string;
  readonly user: { readonly id: string; readonly role: Role; readonly name: string };
}

/** Where the API is and how people sign in (config.json beside index.html; absent locally). */
export interface ConsoleConfig {
  readonly apiUrl: string;
  readonly auth:
    | { readonly mode: 'local' }
    | { readonly mode: 'cognito'; readonly domain: string; readonly clientId: string; readonly redirectUri: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

let session: Session | null = null;
let onUnauthorized: () => void = () => undefined;

export function setSession(s: Session | null, unauthorized?: () => void) {
  session = s;
  if (unauthorized) onUnauthorized = unauthorized;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) onUnauthorized();
    return response;
  },
};

export let api = createClient<paths>({ baseUrl: '' });
api.use(auth);

export function configure(config: ConsoleConfig) {
  api = createClient<paths>({ baseUrl: config.apiUrl.replace(/\/$/, '') });
  api.use(auth);
}

/** The data of an openapi-fetch result, or an ApiError with the API's stable code. */
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const r = await p;
  if (r.data !== undefined && r.response.ok) return r.data;
  const e = (r.error ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
  throw new ApiError(r.response.status, e.code ?? `HTTP_${r.response.status}`, e.message ?? r.response.statusText, e.details ?? {});
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const r = await fetch('./config.json', { cache: 'no-store' });
    if (r.ok && (r.headers.get('content-type') ?? '').includes('json')) return (await r.json()) as ConsoleConfig;
  } catch {
    /* local default below */
  }
  return { apiUrl: new URL('..', location.href).href.replace(/\/$/, ''), auth: { mode: 'local' } };
}

/** npm start: user name + password → the user's token. */
export async function localSignIn(config: ConsoleConfig, user: string, password: string): Promise<Session> {
  const r = await fetch(`${config.apiUrl}/_local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const body = (await r.json()) as Session & { code?: string; message?: string };
  if (!r.ok) throw new ApiError(r.status, body.code ?? 'UNAUTHORIZED', body.message ?? '', {});
  return body;
}

// ── Amazon Cognito (hosted sign-in with MFA; authorization code + PKCE, a public app client) ──

const b64url = (b: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(b as ArrayBuffer)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export async function cognitoSignIn(c: Extract<ConsoleConfig['auth'], { mode: 'cognito' }>) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem('pkce', verifier);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`https://${c.domain}/oauth2/authorize?${q}`);
}

export async function cognitoCallback(c: Extract<ConsoleConfig['auth'], { mode: 'cognito' }>, code: string): Promise<Session> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: c.clientId,
    code,
    redirect_uri: c.redirectUri,
    code_verifier: sessionStorage.getItem('pkce') ?? '',
  });
  const r = await fetch(`https://${c.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (!r.ok) throw new ApiError(r.status, 'UNAUTHORIZED', 'sign-in failed', {});
  const t = (await r.json()) as { id_token: string };
  const claims = JSON.parse(atob(t.id_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  const groups = (claims['cognito:groups'] as string[] | undefined) ?? [];
  const role = (['operator', 'viewer', 'agent'] as const).find((g) => groups.includes(g)) ?? 'viewer';
  return { token: t.id_token, user: { id: String(claims.sub), role, name: String(claims.email ?? claims['cognito:username'] ?? '') } };
}
