/**
 * The HTTP exchange of a local server without its socket: the test clock (`npm run simulate`) hands
 * the SDK clients' requests to the WorkSpaces emulator and the mail sink in this process. The
 * clients are the real ones (the SDK's serializers, signing, retries and error parsing), the
 * requests the same bytes, and the servers answer through the same function their HTTP listener
 * calls; only the loopback round trip is left out (it was a third of the simulator's time). `npm start`
 * and the end-to-end tests keep the real HTTP servers.
 */
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request as a local server reads it: method, path with query, lower-cased headers, the whole body. */
export interface PlainRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A server's whole answer. */
export interface PlainReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type Responder = (req: PlainRequest) => Promise<PlainReply>;

/** Reads a Node request into a PlainRequest (the HTTP listener's side). */
export async function plainRequest(req: IncomingMessage): Promise<PlainRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers, body: Buffer.concat(chunks) };
}

/** Writes a PlainReply (the HTTP listener's side). */
export function writeReply(res: ServerResponse, reply: PlainReply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) }).end(reply.body);
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('in-process HTTP: a streamed request body is not supported');
}

/** The SDK clients' `requestHandler` (a smithy HttpHandler) that asks `respond` instead of a socket. */
export type InProcessHandler = RequestHandler<HttpRequest, HttpResponse> & {
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
};

export function inProcessHandler(respond: Responder): InProcessHandler {
  return {
    async handle(request: HttpRequest) {
      const query = Object.entries(request.query ?? {})
        .flatMap(([k, v]) =>
          (Array.isArray(v) ? v : [v]).map((x) =>
            x === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(x)}`,
          ),
        )
        .join('&');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
      const reply = await respond({
        method: request.method,
        url: `${request.path}${query ? `?${query}` : ''}`,
        headers,
        body: bodyBytes(request.body),
      });
      const response: HttpResponse = { statusCode: reply.status, headers: { ...reply.headers }, body: Readable.from([reply.body]) };
      return { response };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

/** A `fetch` for one local server (the Directory Service Data API client): same request, no socket. */
export function inProcessFetch(respond: Responder): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init?.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
    const reply = await respond({
      method: init?.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      headers,
      body: bodyBytes(init?.body ?? undefined),
    });
    return new Response(reply.body.length > 0 ? reply.body : null, { status: reply.status, headers: reply.headers });
  };
}
