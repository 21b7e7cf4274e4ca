/**
 * The local SES: `aws-ses-v2-local` behind a small capturing front, and a client that reads
 * the mails back (DETAILS X6: the simulator builds `notices` from what actually left
 * through SES).
 *
 * Why the front: for a v1 `SendRawEmail` the simulator keeps only the parsed from / to /
 * subject / bodies, and its `/get-emlContent` re-composes a new message from those, so the
 * custom X-Kokona-* headers are lost. The front forwards every request unchanged, keeps the
 * raw message of each accepted `SendRawEmail` under the returned MessageId, and serves it
 * from `/get-emlContent` (same JSON shape, original bytes). Everything else — `/store`,
 * `/clear-store`, the web inbox at `/` — is the simulator's.
 *
 * The store is a per-process singleton: the simulator's store is shared by every server
 * started in the process, and so is the raw-message map here; both live until cleared or
 * the process exits. A process that needs its own view of the mails (the simulator) runs
 * its sink in its own process or clears it first.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { Instant } from '#domain/calendar.ts';

export interface MailSink {
  /** Base URL: the SES endpoint and the store API (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Stops both servers, dropping idle keep-alive connections. The stored mails stay (singleton). */
  close(): Promise<void>;
}

/** A mail as the sink received it. */
export interface SinkMail {
  /** The MessageId SES returned to the sender. */
  readonly messageId: string;
  /** Bare addresses. */
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The top-level headers of the raw message: names lower-cased, values unfolded and RFC 2047-decoded. */
  readonly headers: Readonly<Record<string, string>>;
  /** When the sink received it (whole seconds). */
  readonly at: Instant;
}

/** The CJS package's entry: Node's ESM loader gives `module.exports` (`{ default }`), vite/vitest interop the function. */
const startSesLocal = ((sesLocal as Partial<typeof sesLocal>).default ?? sesLocal) as typeof sesLocal.default;

/** MessageId → the raw message exactly as sent (see the module comment). */
const rawMessages = new Map<string, Buffer>();

/** Starts the sink on 127.0.0.1 (`port` 0 picks a free one; the URL names the actual port). */
export async function startMailSink(opts: { readonly port: number; readonly persistFile?: string }): Promise<MailSink> {
  const upstream = await startSesLocal({ host: '127.0.0.1', port: 0 });
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  // npm start: every accepted send is kept (one JSON line each) and replayed into the fresh sink at the
  // next start, so the inbox survives restarts like the store does.
  const persist = opts.persistFile;
  if (persist && existsSync(persist)) {
    for (const line of readFileSync(persist, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as Recorded;
      const reply = await send(new URL(`${upstreamUrl}${r.path}`), 'POST', { 'content-type': r.contentType }, Buffer.from(r.body, 'base64'));
      capture(r.path, Buffer.from(r.body, 'base64'), reply);
    }
  }
  const front = createServer((req, res) => {
    handle(upstreamUrl, req, persist).then(
      (r) => res.writeHead(r.status, r.headers).end(r.body),
      (err: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err)),
    );
  });
  try {
    await new Promise<void>((resolve, reject) => front.once('error', reject).listen(opts.port, '127.0.0.1', resolve));
  } catch (err) {
    await stop(upstream); // e.g. the port is taken
    throw err;
  }
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: async () => {
      await Promise.all([stop(front), stop(upstream)]);
    },
  };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

interface Recorded {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

/** Keeps the raw message of an accepted v1 SendRawEmail under its MessageId. */
function capture(path: string, body: Buffer, reply: Reply): void {
  if (path !== '/') return;
  const form = new URLSearchParams(body.toString('utf8'));
  const data = form.get('RawMessage.Data');
  const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(reply.body.toString('utf8'))?.[1];
  if (form.get('Action') === 'SendRawEmail' && data && messageId) rawMessages.set(messageId, Buffer.from(data, 'base64'));
}

/** Forwards one request and applies the capture / replay / clear of raw messages. */
async function handle(upstreamUrl: string, req: IncomingMessage, persist?: string): Promise<Reply> {
  const body = await readBody(req);
  const url = new URL(`${upstreamUrl}${req.url ?? '/'}`);
  const reply = await forward(url, req, body);
  if (reply.status !== 200) return reply;
  if (req.method === 'POST' && (url.pathname === '/' || url.pathname === '/v2/email/outbound-emails')) {
    capture(url.pathname, body, reply);
    if (persist) {
      const rec: Recorded = { path: url.pathname, contentType: String(req.headers['content-type'] ?? ''), body: body.toString('base64') };
      appendFileSync(persist, `${JSON.stringify(rec)}\n`);
    }
  } else if (req.method === 'POST' && url.pathname === '/clear-store') {
    rawMessages.clear();
    if (persist) writeFileSync(persist, '');
  } else if (req.method === 'GET' && url.pathname === '/get-emlContent') {
    const raw = rawMessages.get(url.searchParams.get('messageId') ?? '');
    if (raw) {
      const eml = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
      return withBody(reply, Buffer.from(JSON.stringify({ ...eml, body: raw.toJSON() })));
    }
  }
  return reply;
}

/** Sends the request on with its body already read (so no `Expect: 100-continue` handshake). */
function forward(url: URL, req: IncomingMessage, body: Buffer): Promise<Reply> {
  const { expect: _expect, ...headers } = req.headers;
  return send(url, req.method ?? 'GET', headers, body);
}

function send(url: URL, method: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      readBody(res).then((b) => resolve(withBody({ status: res.statusCode ?? 502, headers: res.headers, body: b }, b)), reject);
    })
      .once('error', reject)
      .end(body);
  });
}

/** The reply with `body`, its framing headers recomputed. */
function withBody(reply: Reply, body: Buffer): Reply {
  const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, ...headers } = reply.headers;
  return { status: reply.status, headers: { ...headers, 'content-length': String(body.length) }, body };
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Client

interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly at: number;
}

/** Reads the sink's store (any aws-ses-v2-local, fronted or not; only the fronted one keeps custom headers). */
export class MailSinkClient {
  constructor(private readonly url: string) {}

  /** Every stored mail, in the order received. */
  async list(): Promise<SinkMail[]> {
    const { emails } = (await this.fetchJson('/store')) as { emails: StoredEmail[] };
    // At most 16 raw messages in flight: thousands at once make the sink reset connections.
    const out: SinkMail[] = [];
    for (let i = 0; i < emails.length; i += 16) out.push(...(await Promise.all(emails.slice(i, i + 16).map((e) => this.read(e)))));
    return out;
  }

  private async read(e: StoredEmail): Promise<SinkMail> {
    const eml = (await this.fetchJson(`/get-emlContent?messageId=${encodeURIComponent(e.messageId)}`)) as { body: { data: number[] } };
    return {
      messageId: e.messageId,
      from: addresses(e.from)[0] ?? e.from,
      to: e.destination.to.flatMap(addresses),
      subject: e.subject,
      text: e.body.text ?? '',
      html: e.body.html ?? '',
      headers: parseMailHeaders(Buffer.from(eml.body.data).toString('utf8')),
      at: (e.at * 1000) as Instant,
    };
  }

  async clear(): Promise<void> {
    const res = await fetch(`${this.url}/clear-store`, { method: 'POST' });
    if (!res.ok) throw new Error(`mail sink: clear-store answered ${res.status}`);
  }

  private async fetchJson(path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`);
    if (!res.ok) throw new Error(`mail sink: ${path} answered ${res.status}`);
    return res.json();
  }
}

/** The bare addresses of an address list (`"山田" <a@x>, b@y` → a@x, b@y); commas inside quotes do not split. */
function addresses(list: string): string[] {
  const parts = list.match(/(?:"[^"]*"|[^,])+/g) ?? [];
  return parts.map((p) => (/<([^<>]+)>/.exec(p)?.[1] ?? p).trim()).filter((a) => a !== '');
}

/**
 * The header block of a raw message (up to the first empty line) as lower-cased name → value:
 * folded lines unfolded (RFC 5322 §2.2.3), encoded words decoded (RFC 2047), repeated
 * headers joined with ", ". `eml` is the message decoded as UTF-8 (RFC 6532 headers read right).
 */
export function parseMailHeaders(eml: string): Record<string, string> {
  const block = eml.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = block.replace(/\r?\n(?=[ \t])/g, '');
  const headers: Record<string, string> = {};
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeEncodedWords(line.slice(colon + 1).trim());
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * RFC 2047: `=?charset?B|Q?text?=` words decoded; whitespace between adjacent encoded words
 * dropped; adjacent words in one charset decoded together, so a character split across two
 * words survives.
 */
function decodeEncodedWords(value: string): string {
  let out = '';
  let charset = '';
  let run: Buffer[] = []; // bytes of the adjacent encoded words in `charset` not yet decoded
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const gap = value.slice(last, m.index);
    const joined = last > 0 && /^[ \t]*$/.test(gap);
    const wordCharset = m[1]!.split('*')[0]!.toLowerCase(); // RFC 2231 adds *language
    if (!joined || wordCharset !== charset) {
      out += decodeRun(charset, run);
      run = [];
    }
    if (!joined) out += gap;
    charset = wordCharset;
    run.push(m[2]!.toUpperCase() === 'B' ? Buffer.from(m[3]!, 'base64') : qDecode(m[3]!));
    last = m.index + m[0].length;
  }
  return out + decodeRun(charset, run) + value.slice(last);
}

function decodeRun(charset: string, run: readonly Buffer[]): string {
  return run.length > 0 ? new TextDecoder(charset).decode(Buffer.concat(run)) : '';
}

/** The Q encoding: `_` is a space, `=XX` a byte, anything else itself. */
function qDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0));
  }
  return Buffer.from(bytes);
}
