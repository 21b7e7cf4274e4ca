/** Serves the built console (a Vite SPA) under a path prefix; unknown paths get index.html (client-side routes). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { ExtraResult } from './http-server.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export function serveStatic(dir: string, url: string, prefix: string): ExtraResult {
  const root = resolve(dir);
  if (url === prefix.slice(0, -1)) return { status: 301, raw: Buffer.alloc(0), headers: { location: prefix } };
  const path = decodeURIComponent(new URL(url, 'http://x').pathname).slice(prefix.length);
  const file = normalize(join(root, path || 'index.html'));
  const target = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  if (!existsSync(target))
    return { status: 404, body: { code: 'NOT_FOUND', message: 'the console is not built (npm run console:build)', details: {} } };
  const hashed = target.includes(`${join(root, 'assets')}`);
  return {
    status: 200,
    raw: readFileSync(target),
    headers: {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'",
    },
  };
}
