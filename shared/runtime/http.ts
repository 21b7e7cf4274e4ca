/**
 * HTTP edge: the error map (DETAILS X3), body/query parsing with zod, bearer-token auth and JSON
 * responses for API Gateway HTTP API payload v2 events. Domain errors are mapped in ONE place.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { DomainError, type ErrorCode, type ErrorKind } from '#domain/errors.ts';
import { logger } from './logger.ts';

export type HttpEvent = APIGatewayProxyEventV2 & { parsed?: { body?: unknown; query?: unknown; params?: unknown } };
export type HttpResult = APIGatewayProxyStructuredResultV2;

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  rule: 422,
  'not-implemented': 501,
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorResult(code: ErrorCode, status: number, message: string, details: Record<string, unknown> = {}): HttpResult {
  return json(status, { code, message, details });
}

/** Registered outermost: DomainError → its status; router 404/405 → NOT_FOUND; anything else → 500, logged. */
export function httpErrors(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const e = request.error as (Error & { statusCode?: number; expose?: boolean }) | null;
      if (e instanceof DomainError) {
        request.response = errorResult(e.code, STATUS[e.kind], e.message, e.details);
      } else if (e && (e.statusCode === 404 || e.statusCode === 405)) {
        request.response = errorResult('NOT_FOUND', 404, `no route ${request.event.requestContext?.http?.method ?? ''} ${request.event.rawPath ?? ''}`);
      } else {
        logger.error('unhandled error', { error: e });
        request.response = json(500, { code: 'INTERNAL', message: 'internal error', details: {} });
      }
    },
  };
}

function issues(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** The JSON body (base64-aware) validated with a strict zod schema; 400 VALIDATION_FAILED otherwise. */
export function readJsonBody<S extends z.ZodType>(ev: HttpEvent, schema: S): z.infer<S> {
  const raw = ev.body === undefined || ev.body === null ? '' : ev.isBase64Encoded ? Buffer.from(ev.body, 'base64').toString('utf8') : ev.body;
  let body: unknown;
  try {
    body = raw.trim() === '' ? undefined : JSON.parse(raw);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'the body is not valid JSON', {});
  }
  const r = schema.safeParse(body);
  if (!r.success) throw new DomainError('VALIDATION_FAILED', 'the body does not match the schema', { issues: issues(r.error) });
  return r.data;
}

/** Middleware form of readJsonBody: the parsed body lands in `event.parsed.body`. */
export function parseBody<S extends z.ZodType>(schema: S): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      request.event.parsed = { ...request.event.parsed, body: readJsonBody(request.event, schema) };
    },
  };
}

/** Validates path parameters and the query string. */
export function parseParams<P extends z.ZodType, Q extends z.ZodType>(params: P | null, query: Q | null): MiddlewareObj<HttpEvent, HttpResult> {
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
        if (!r.success) throw new DomainError('VALIDATION_FAILED', 'the query string does not match the schema', { issues: issues(r.error) });
        out.query = r.data;
      }
      ev.parsed = { ...ev.parsed, ...out };
    },
  };
}

/**
 * Every route requires auth. `iam`: API Gateway has verified the SigV4 signature (the authorizer
 * context is present). `token`: a bearer token, compared in constant time (local runs).
 */
export function requireAuth(mode: 'iam' | 'token', token?: string): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: async (request) => {
      const ev = request.event;
      if (mode === 'iam') {
        const iam = (ev.requestContext as { authorizer?: { iam?: unknown } }).authorizer?.iam;
        if (iam) return;
      } else if (token) {
        const header = ev.headers?.authorization ?? ev.headers?.Authorization ?? '';
        const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
        const want = Buffer.from(token);
        if (/^Bearer\s+/i.test(header) && given.length === want.length && timingSafeEqual(given, want)) return;
      }
      throw new DomainError('UNAUTHORIZED', 'missing or invalid credentials', {});
    },
  };
}
