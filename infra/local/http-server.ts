/**
 * Turns local HTTP requests into API Gateway HTTP API (payload format 2.0) events for the same
 * `api` handler that runs on Lambda, and its results back into HTTP responses. 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { MAX_BODY_BYTES } from '#runtime/http.ts';

/** API Gateway's payload limit is 10 MB; this bridge stops reading a little past the API's own limit. */
const READ_LIMIT = MAX_BODY_BYTES + 1;

/** As the api function does: a well-formed client `x-request-id`, or a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(h) ? h : randomUUID();
}

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
/** A local-only answer: JSON `body`, or `raw` bytes with their own headers (the console's files). */
export type ExtraResult = { status: number; headers?: Record<string, string>; body?: unknown; raw?: Buffer };
type Extra = (req: IncomingMessage, body: string) => Promise<ExtraResult | null>;

export function toEvent(req: IncomingMessage, body: Buffer, requestId?: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return apiEvent({ method: req.method ?? 'GET', url: req.url ?? '/', headers, body, sourceIp: req.socket.remoteAddress, requestId });
}

/** An API Gateway HTTP API (payload 2.0) event, as API Gateway would build it (header names lower-cased, body base64). */
export function apiEvent(r: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  sourceIp?: string;
  requestId?: string;
}): APIGatewayProxyEventV2 {
  let url: URL;
  try {
    url = new URL(r.url, 'http://localhost');
  } catch {
    url = new URL('http://localhost/_invalid_url');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const method = r.method.toUpperCase();
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: r.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: r.requestId ?? `local-${now}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: body.length ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}

const context = { functionName: 'api-local', awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

export function startApiServer(handler: LambdaHandler, opts: { port: number; extra?: Extra }): Promise<Server> {
  // Every failure is answered inside (the catch below): the request's promise never rejects unhandled.
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const requestId = requestIdOf(req);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const c of req) {
          size += (c as Buffer).length;
          if (size > READ_LIMIT) break;
          chunks.push(c as Buffer);
        }
      } catch {
        res.destroy();
        return;
      }
      if (size > READ_LIMIT) {
        res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, connection: 'close' }).end(
          JSON.stringify({
            code: 'PAYLOAD_TOO_LARGE',
            message: `the body is larger than ${MAX_BODY_BYTES} bytes`,
            details: { limit: MAX_BODY_BYTES },
          }),
        );
        req.destroy();
        return;
      }
      const body = Buffer.concat(chunks);
      try {
        const extra = opts.extra ? await opts.extra(req, body.toString('utf8')) : null;
        if (extra) {
          if (extra.raw) res.writeHead(extra.status, { 'x-request-id': requestId, ...extra.headers }).end(extra.raw);
          else
            res
              .writeHead(extra.status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...extra.headers })
              .end(JSON.stringify(extra.body));
          return;
        }
        const r = await handler(toEvent(req, body, requestId), context);
        res
          .writeHead(r.statusCode ?? 200, { 'x-request-id': requestId, ...(r.headers as Record<string, string>) })
          .end(r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : (r.body ?? ''));
      } catch (e) {
        console.error(`request ${requestId} failed:`, e);
        res
          .writeHead(500, { 'content-type': 'application/json', 'x-request-id': requestId })
          .end(JSON.stringify({ code: 'INTERNAL', message: 'internal error', details: { requestId } }));
      }
    })();
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port, '127.0.0.1', () => res(server));
  });
}
