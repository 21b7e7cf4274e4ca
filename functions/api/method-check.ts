/**
 * Before the router: a path no route has is 404 NOT_FOUND; a path some route has with another method
 * (HEAD, DELETE, PUT, OPTIONS, …) is 405 METHOD_NOT_ALLOWED with the `Allow` header.
 */
import type { MiddlewareObj } from '@middy/core';
import { DomainError } from '#domain/errors.ts';
import type { HttpEvent, HttpResult } from '#runtime/http.ts';

/** `/units/{id}` → a matcher of one path segment per parameter. */
const pattern = (path: string) => new RegExp(`^${path.replace(/\{[^/]+\}/g, '[^/]+')}$`);

export function methodCheck(table: readonly { method: string; path: string }[]): MiddlewareObj<HttpEvent, HttpResult> {
  const byPattern = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of table) {
    const e = byPattern.get(r.path) ?? { re: pattern(r.path), methods: new Set<string>() };
    e.methods.add(r.method);
    byPattern.set(r.path, e);
  }
  return {
    before: async (request) => {
      const method = request.event.requestContext?.http?.method ?? '';
      const path = request.event.rawPath ?? '';
      const allow = new Set<string>();
      for (const { re, methods } of byPattern.values()) if (re.test(path)) for (const m of methods) allow.add(m);
      if (allow.size === 0) throw new DomainError('NOT_FOUND', `no route ${method} ${path.slice(0, 200)}`, {});
      if (!allow.has(method))
        throw new DomainError('METHOD_NOT_ALLOWED', `${method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}`, {
          allow: [...allow].sort(),
        });
    },
  };
}
