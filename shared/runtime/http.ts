/**
 * HTTP edge: the error map (DETAILS X3), body/query parsing with zod, bearer-token auth and JSON
 * responses for API Gateway HTTP API payload v2 events. Domain errors are mapped in ONE place.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type * as z from 'zod/mini';
import { DomainError, type ErrorCode } from '#domain/errors.ts';
import { logger } from './logger.ts';
import { requestContext } from './request-context.ts';

export type HttpEvent = APIGatewayProxyEventV2 & { parsed?: { body?: unknown; query?: unknown; params?: unknown } };
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The one status of a domain error (README "Errors"). */
export const statusOf = (e: DomainError): number => e.status;

/** Seconds a client should wait before retrying a CONCURRENT_MODIFICATION. */
export const RETRY_AFTER_SECONDS = 1;

/** Headers an error answer carries: Retry-After on a lost race, Allow on a wrong method. */
function errorHeaders(e: DomainError): Record<string, string> {
  if (e.code === 'CONCURRENT_MODIFICATION') return { 'retry-after': String(RETRY_AFTER_SECONDS) };
  if (e.code === 'METHOD_NOT_ALLOWED' && Array.isArray(e.details.allow)) return { allow: (e.details.allow as string[]).join(', ') };
  if (typeof e.details.retryAfterSeconds === 'number') return { 'retry-after': String(e.details.retryAfterSeconds) };
  return {};
}

/** A bearer token compared in constant time (length included: a wrong length is refused after a dummy compare). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.*)$/i.exec(header ?? '');
  const given = Buffer.from(m?.[1] ?? '');
  const want = Buffer.from(token);
  const same = given.length === want.length && timingSafeEqual(given, want);
  if (given.length !== want.length) timingSafeEqual(want, want);
  return m !== null && same;
}

/** A client-sent `x-request-id` is kept when it is 1–128 of [A-Za-z0-9._:-]; otherwise API Gateway's own id. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function requestIdOf(ev: Pick<HttpEvent, 'headers' | 'requestContext'>): string {
  const given = ev.headers?.['x-request-id'];
  if (given !== undefined && REQUEST_ID.test(given)) return given;
  return ev.requestContext?.requestId ?? randomUUID();
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorResult(code: ErrorCode, status: number, message: string, details: Record<string, unknown> = {}): HttpResult {
  return json(status, { code, message, details });
}

/** Registered outermost: DomainError → its status; router 404 → NOT_FOUND; anything else → 500, logged. */
export function httpErrors(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const e = request.error;
      // http-errors' statusCode on the router's own 404/405 (a route table miss).
      const routerStatus = e && 'statusCode' in e ? (e as { statusCode?: unknown }).statusCode : undefined;
      if (e instanceof DomainError) {
        request.response = json(e.status, { code: e.code, message: e.message, details: e.details }, errorHeaders(e));
      } else if (e?.name === 'TimeoutError') {
        // The function ran out of time (an overloaded store): say so, and when to retry. Not an input error.
        logger.warn('request timed out', { requestId: requestContext()?.requestId });
        request.response = json(
          503,
          { code: 'SERVICE_UNAVAILABLE', message: 'the request ran out of time: retry later', details: {} },
          { 'retry-after': '5' },
        );
      } else if (e?.name === 'StoreThrottledError') {
        // DynamoDB stayed throttled through the adapter's jittered retries: nothing was changed, try again shortly.
        logger.warn('store throttled', { error: e });
        request.response = json(
          503,
          { code: 'STORE_BUSY', message: 'the store is busy; nothing was changed, retry after the delay', details: {} },
          { 'retry-after': '2' },
        );
      } else if (e?.name === 'TransactionTooLargeError') {
        request.response = json(422, { code: 'CHANGE_TOO_LARGE', message: e.message, details: {} });
      } else if (routerStatus === 404 || routerStatus === 405) {
        request.response = errorResult(
          'NOT_FOUND',
          404,
          `no route ${request.event.requestContext?.http?.method ?? ''} ${request.event.rawPath ?? ''}`,
        );
      } else {
        logger.error('unhandled error', { error: e, requestId: requestContext()?.requestId });
        request.response = json(500, { code: 'INTERNAL', message: 'internal error', details: { requestId: requestContext()?.requestId } });
      }
    },
  };
}

/** The largest body accepted (API Gateway's own limit is 10 MB; no request of this API needs more than this). */
export const MAX_BODY_BYTES = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body's text: refused with 415 unless it is JSON (`application/json` or `+json`; a missing
 * content-type is taken as JSON) in UTF-8 (no charset, or charset=utf-8), with 400 when its bytes are
 * not valid UTF-8, with 413 when over MAX_BODY_BYTES.
 */
export function bodyText(ev: HttpEvent): string {
  if (ev.body === undefined || ev.body === null || ev.body === '') return '';
  const bytes = ev.isBase64Encoded ? Buffer.from(ev.body, 'base64') : Buffer.from(ev.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES)
    throw new DomainError('PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES });
  const ct = ev.headers?.['content-type'] ?? ev.headers?.['Content-Type'];
  if (ct !== undefined) {
    const [type, ...params] = ct.split(';').map((p) => p.trim().toLowerCase());
    if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type ?? ''))
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json', { contentType: ct.slice(0, 100) });
    for (const p of params) {
      const [k, v] = p.split('=').map((x) => x.trim().replace(/^"|"$/g, ''));
      if (k === 'charset' && v !== 'utf-8' && v !== 'utf8')
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'the body must be UTF-8 (charset=utf-8)', { charset: (v ?? '').slice(0, 40) });
    }
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'the body is not valid UTF-8', {});
  }
}

function issues(err: z.core.$ZodError): { path: string; message: string }[] {
  return err.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** The fields named by a zod error (`details.fields`), e.g. `contractor.name`. */
const fields = (err: z.core.$ZodError) => [...new Set(err.issues.map((i) => i.path.join('.')))].slice(0, 20);

/** The JSON body (base64-aware) validated with a strict zod schema; 400 VALIDATION_FAILED otherwise. */
export function readJsonBody<S extends z.ZodMiniType>(ev: HttpEvent, schema: S): z.infer<S> {
  const raw = bodyText(ev);
  let body: unknown;
  try {
    body = raw.trim() === '' ? undefined : JSON.parse(raw);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'the body is not valid JSON', {});
  }
  const r = schema.safeParse(body);
  if (!r.success) {
    const f = fields(r.error);
    throw new DomainError('VALIDATION_FAILED', `the body does not match the schema: ${f.join(', ') || '(the body)'}`, {
      fields: f,
      issues: issues(r.error),
    });
  }
  return r.data;
}

/** Middleware form of readJsonBody: the parsed body lands in `event.parsed.body`. */
export function parseBody<S extends z.ZodMiniType>(schema: S): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      request.event.parsed = { ...request.event.parsed, body: readJsonBody(request.event, schema) };
    },
  };
}

/** Validates path parameters and the query string. */
export function parseParams<P extends z.ZodMiniType, Q extends z.ZodMiniType>(
  params: P | null,
  query: Q | null,
): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      const ev = request.event;
      const out: { params?: unknown; query?: unknown } = {};
      if (params) {
        const r = params.safeParse(ev.pathParameters ?? {});
        if (!r.success) throw new DomainError('NOT_FOUND', 'no such resource', { issues: issues(r.error) });
        out.params = r.data;
      }
      if (query) {
        const r = query.safeParse(ev.queryStringParameters ?? {});
        if (!r.success) {
          const f = fields(r.error);
          throw new DomainError('VALIDATION_FAILED', `the query string does not match the schema: ${f.join(', ')}`, {
            fields: f,
            issues: issues(r.error),
          });
        }
        out.query = r.data;
      }
      ev.parsed = { ...ev.parsed, ...out };
    },
  };
}

/** What a schema validates to; `undefined` where the route has no such part. */
type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** A route's validated request: path parameters, query string and body, each typed by its schema. */
export interface RouteRequest<P, Q, B> {
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
  readonly event: HttpEvent;
}

/**
 * One API route: path parameters (a mismatch is 404 NOT_FOUND), then the query string, then the
 * JSON body (each 400 VALIDATION_FAILED with the fields named), then `handle` with all three typed
 * from their schemas — a route module never casts what it reads.
 */
export function route<
  P extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  B extends z.ZodMiniType | undefined = undefined,
>(schemas: { readonly params?: P; readonly query?: Q; readonly body?: B }, handle: (req: RouteRequest<P, Q, B>) => Promise<HttpResult>) {
  const chain = middy<HttpEvent, HttpResult>().use(parseParams(schemas.params ?? null, schemas.query ?? null));
  if (schemas.body) chain.use(parseBody(schemas.body));
  return chain.handler(async (event) => {
    const parsed = event.parsed ?? {};
    // The only place the parsed parts meet their types: the middlewares above validated each one
    // with exactly these schemas (zod's output), or the request was refused before this line.
    return handle({ params: parsed.params as Parsed<P>, query: parsed.query as Parsed<Q>, body: parsed.body as Parsed<B>, event });
  });
}

/**
 * Every route requires auth. `iam`: API Gateway has verified the SigV4 signature (the authorizer
 * context is present). `token`: a bearer token, compared in constant time (local runs).
 */
export function requireAuth(
  mode: 'iam' | 'token',
  token?: string,
  isPublic: (ev: HttpEvent) => boolean = () => false,
): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      const ev = request.event;
      if (isPublic(ev)) return;
      if (mode === 'iam') {
        const iam = (ev.requestContext as { authorizer?: { iam?: unknown } }).authorizer?.iam;
        if (iam) return;
      } else if (token) {
        if (tokenMatches(ev.headers?.authorization ?? ev.headers?.Authorization, token)) return;
      }
      throw new DomainError('UNAUTHORIZED', 'missing or invalid credentials', {});
    },
  };
}
