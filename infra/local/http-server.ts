/**
 * Turns local HTTP requests into API Gateway HTTP API (payload format 2.0) events for the same
 * `api` handler that runs on Lambda, and its results back into HTTP responses. 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
/** A local-only answer: JSON `body`, or `raw` bytes with their own headers (the console's files). */
export type ExtraResult = { status: number; body?: unknown; raw?: Buffer; headers?: Record<string, string> };
type Extra = (req: IncomingMessage, body: string) => Promise<ExtraResult | null>;

export function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return apiEvent({ method: req.method ?? 'GET', url: req.url ?? '/', headers, body, sourceIp: req.socket.remoteAddress });
}

/** An API Gateway HTTP API (payload 2.0) event, as API Gateway would build it (header names lower-cased, body base64). */
export function apiEvent(r: { method: string; url: string; headers?: Record<string, string>; body?: Buffer | string; sourceIp?: string }): APIGatewayProxyEventV2 {
  const url = new URL(r.url, 'http://localhost');
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
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: r.sourceIp ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${now}-${Math.random().toString(36).slice(2, 8)}`,
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
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const extra = opts.extra ? await opts.extra(req, body.toString('utf8')) : null;
      if (extra) {
        if (extra.raw) res.writeHead(extra.status, extra.headers ?? {}).end(extra.raw);
        else res.writeHead(extra.status, { 'content-type': 'application/json; charset=utf-8', ...extra.headers }).end(JSON.stringify(extra.body));
        return;
      }
      const r = await handler(toEvent(req, body), context);
      res.writeHead(r.statusCode ?? 200, r.headers as Record<string, string>).end(r.body ?? '');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'INTERNAL', message: String(e), details: {} }));
    }
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port, '127.0.0.1', () => res(server));
  });
}
