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
import { randomInt } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { Instant } from '#domain/calendar.ts';
import { plainRequest, type PlainReply, type PlainRequest, type Responder } from './in-process-http.ts';

export interface MailSink {
  /** Base URL: the SES endpoint and the store API (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Addresses this sink bounces (hard, `Permanent`/`General`), as `POST /_kokona/bounces` sets them. */
  readonly bounces: Set<string>;
  /** Answers a request as the front's HTTP listener does, without the socket (the test clock's in-process transport). */
  readonly respond: Responder;
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

/**
 * The SES event of a mail the sink accepted, as SES publishes it to a configuration set's event
 * destination (the `detail` of the EventBridge event): `Bounce` (Permanent/General) for an address on
 * the bounce list, `Delivery` otherwise. `mail.headers` carries the message's headers (X-Kokona-Notice-Id).
 */
export type SesEventJson = Record<string, unknown>;

export interface MailSinkOptions {
  readonly port: number;
  /** Called with the SES event of every accepted SendRawEmail, before SES's answer is returned. */
  readonly onEvent?: (event: SesEventJson) => void;
  /** npm start: every accepted send is kept in this file (one JSON line each) and replayed at the next start. */
  readonly persistFile?: string;
  /**
   * `false` (the test clock): no aws-ses-v2-local behind the front. The front accepts `SendRawEmail` itself
   * (the request checked as aws-ses-v2-local checks it, the raw message kept, an SES answer returned) and
   * lists the mails from their headers (`/store` without bodies, no web inbox): the simulator reads only
   * the headers (X6), and aws-ses-v2-local's parse of every message (mailparser) and the second HTTP hop
   * were a fifth of its time. Default `true`.
   */
  readonly upstream?: boolean;
}

/** Starts the sink on 127.0.0.1 (`port` 0 picks a free one; the URL names the actual port). */
export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const bounces = new Set<string>();
  const upstream = opts.upstream === false ? null : await startSesLocal({ host: '127.0.0.1', port: 0 });
  const upstreamUrl = upstream ? `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` : null;
  const own = upstream ? null : ownStore();
  // The inbox survives restarts like the store does: the kept sends are replayed into the fresh sink
  // (their delivery events were recorded when they were first sent, so none is raised again).
  const persist = opts.persistFile;
  if (persist && existsSync(persist)) {
    for (const line of readFileSync(persist, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as Recorded;
      const body = Buffer.from(r.body, 'base64');
      const req = { method: 'POST', url: r.path, headers: { 'content-type': r.contentType }, body };
      const reply = upstreamUrl ? await send(new URL(`${upstreamUrl}${r.path}`), 'POST', req.headers, body) : own!.answer(req);
      capture(r.path, body, reply);
    }
  }
  const sink = { bounces, onEvent: opts.onEvent, persist };
  const answer = (req: PlainRequest) => handle(upstreamUrl, own, req, sink);
  const front = createServer((req, res) => {
    plainRequest(req)
      .then(answer)
      .then(
        (r) => res.writeHead(r.status, r.headers).end(r.body),
        (err: unknown) => res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err)),
      );
  });
  try {
    await new Promise<void>((resolve, reject) => front.once('error', reject).listen(opts.port, '127.0.0.1', resolve));
  } catch (err) {
    if (upstream) await stop(upstream); // e.g. the port is taken
    throw err;
  }
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    bounces,
    respond: async (req) => {
      const r = await answer(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
      return { status: r.status, headers, body: r.body } satisfies PlainReply;
    },
    close: async () => {
      await Promise.all([stop(front), ...(upstream ? [stop(upstream)] : [])]);
    },
  };
}

/**
 * The front's own SES when it has no aws-ses-v2-local behind it (`upstream: false`): `SendRawEmail`
 * refused as aws-ses-v2-local refuses it (no `RawMessage.Data`; no From header and no `Source`),
 * accepted with an SES answer otherwise; `/store` lists from / to / subject from the headers.
 */
function ownStore() {
  let emails: StoredEmail[] = [];
  const xml = (status: number, body: string): Reply => ({
    status,
    headers: { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(body)) },
    body: Buffer.from(body),
  });
  return {
    answer(req: PlainRequest): Reply {
      const path = new URL(req.url, 'http://sink').pathname;
      if (req.method === 'POST' && path === '/') {
        const form = new URLSearchParams(req.body.toString('utf8'));
        const data = form.get('RawMessage.Data');
        if (form.get('Action') !== 'SendRawEmail' || !data)
          return jsonReply(400, { message: 'Bad Request Exception', detail: 'mail sink: only SendRawEmail with RawMessage.Data' });
        const headers = parseMailHeaders(Buffer.from(data, 'base64').toString('utf8'));
        const from = headers.from ?? form.get('Source');
        if (!from) return jsonReply(400, { message: 'Bad Request Exception', detail: 'mail sink: Missing source or from value' });
        const messageId = `ses-${randomInt(100_000_000, 1_000_000_000)}`;
        emails.push({
          messageId,
          from,
          destination: { to: addresses(headers.to ?? '') },
          subject: headers.subject ?? '(no subject)',
          body: {},
          at: Math.floor(Date.now() / 1000),
        });
        return xml(
          200,
          `<?xml version="1.0" encoding="UTF-8"?><SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>${messageId}</MessageId></SendRawEmailResult></SendRawEmailResponse>`,
        );
      }
      if (req.method === 'GET' && path === '/store') return jsonReply(200, { emails });
      if (req.method === 'POST' && path === '/clear-store') {
        emails = [];
        return jsonReply(200, {});
      }
      if (req.method === 'GET' && path === '/get-emlContent') return jsonReply(200, {}); // the kept raw message replaces the body
      return jsonReply(404, { message: 'mail sink without aws-ses-v2-local: SendRawEmail, /store, /clear-store, /get-emlContent' });
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

const jsonReply = (status: number, value: unknown): Reply => {
  const body = Buffer.from(JSON.stringify(value));
  return { status, headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body };
};

/**
 * The sink's own control routes (not SES): `GET /_kokona/bounces`, `POST /_kokona/bounces` with
 * `{ "address": "…" }` (bounce every mail to it from now on), `DELETE /_kokona/bounces?address=…`;
 * `GET /_kokona/headers`: the parsed headers of every raw message kept, by MessageId, in one answer
 * (MailSinkClient.list: one request instead of one `/get-emlContent` per mail, whose answer spells
 * the message as a JSON array of byte numbers).
 */
function control(req: PlainRequest, url: URL, body: Buffer, bounces: Set<string>): Reply | null {
  if (url.pathname === '/_kokona/headers') {
    if (req.method !== 'GET') return jsonReply(405, { message: 'GET' });
    const headers: Record<string, Record<string, string>> = {};
    for (const [id, raw] of rawMessages) headers[id] = parseMailHeaders(raw.toString('utf8'));
    return jsonReply(200, { headers });
  }
  if (url.pathname !== '/_kokona/bounces') return null;
  if (req.method === 'GET') return jsonReply(200, { addresses: [...bounces].sort() });
  if (req.method === 'DELETE') {
    bounces.delete((url.searchParams.get('address') ?? '').toLowerCase());
    return jsonReply(200, { addresses: [...bounces].sort() });
  }
  if (req.method === 'POST') {
    let address: unknown;
    try {
      address = (JSON.parse(body.toString('utf8')) as { address?: unknown }).address;
    } catch {
      /* answered below */
    }
    if (typeof address !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(address))
      return jsonReply(400, { message: 'body must be { "address": "<e-mail address>" }' });
    bounces.add(address.toLowerCase());
    return jsonReply(200, { addresses: [...bounces].sort() });
  }
  return jsonReply(405, { message: 'GET, POST or DELETE' });
}

/** The SES event (Delivery or Bounce) of an accepted raw message. */
function sesEvent(messageId: string, raw: Buffer, bounces: ReadonlySet<string>): SesEventJson {
  const eml = raw.toString('utf8');
  const block = (eml.split(/\r?\n\r?\n/, 1)[0] ?? '').replace(/\r?\n(?=[ \t])/g, '');
  const headers = block
    .split(/\r?\n/)
    .map((l) => ({ name: l.slice(0, l.indexOf(':')).trim(), value: l.slice(l.indexOf(':') + 1).trim() }))
    .filter((h) => h.name !== '');
  const destination = addresses(parseMailHeaders(eml).to ?? '');
  const timestamp = new Date().toISOString();
  const mail = {
    timestamp,
    messageId,
    source: addresses(parseMailHeaders(eml).from ?? '')[0] ?? '',
    destination,
    headersTruncated: false,
    headers,
  };
  const bounced = destination.filter((a) => bounces.has(a.toLowerCase()));
  if (bounced.length > 0)
    return {
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp,
        feedbackId: `local-${messageId}`,
        bouncedRecipients: bounced.map((emailAddress) => ({
          emailAddress,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown (local mail sink)',
        })),
      },
    };
  return {
    eventType: 'Delivery',
    mail,
    delivery: { timestamp, recipients: destination, processingTimeMillis: 0, smtpResponse: '250 2.0.0 OK (local mail sink)' },
  };
}

/** Forwards one request and applies the capture / replay / clear of raw messages. */
async function handle(
  upstreamUrl: string | null,
  standalone: ReturnType<typeof ownStore> | null,
  req: PlainRequest,
  sink: { bounces: Set<string>; onEvent?: (e: SesEventJson) => void; persist?: string | undefined },
): Promise<Reply> {
  const body = req.body;
  const url = new URL(`${upstreamUrl ?? 'http://sink'}${req.url}`);
  const own = control(req, url, body, sink.bounces);
  if (own) return own;
  const reply = upstreamUrl ? await forward(url, req, body) : standalone!.answer(req);
  if (reply.status !== 200) return reply;
  if (req.method === 'POST' && (url.pathname === '/' || url.pathname === '/v2/email/outbound-emails')) {
    const captured = capture(url.pathname, body, reply);
    if (captured) sink.onEvent?.(sesEvent(captured.messageId, captured.raw, sink.bounces));
    if (sink.persist) {
      const rec: Recorded = { path: url.pathname, contentType: String(req.headers['content-type'] ?? ''), body: body.toString('base64') };
      appendFileSync(sink.persist, `${JSON.stringify(rec)}\n`);
    }
  } else if (req.method === 'POST' && url.pathname === '/clear-store') {
    rawMessages.clear();
    if (sink.persist) writeFileSync(sink.persist, '');
  } else if (req.method === 'GET' && url.pathname === '/get-emlContent') {
    const raw = rawMessages.get(url.searchParams.get('messageId') ?? '');
    if (!raw && !upstreamUrl) return jsonReply(404, { message: 'no such message' });
    if (raw) {
      const eml = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
      return withBody(reply, Buffer.from(JSON.stringify({ ...eml, body: raw.toJSON() })));
    }
  }
  return reply;
}

/** A send kept for replay at the next start (npm start). */
interface Recorded {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

/** Keeps the raw message of an accepted v1 SendRawEmail under its MessageId; returns it. */
function capture(path: string, body: Buffer, reply: Reply): { messageId: string; raw: Buffer } | null {
  if (path !== '/') return null;
  const form = new URLSearchParams(body.toString('utf8'));
  const data = form.get('RawMessage.Data');
  const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(reply.body.toString('utf8'))?.[1];
  if (form.get('Action') !== 'SendRawEmail' || !data || !messageId) return null;
  const raw = Buffer.from(data, 'base64');
  rawMessages.set(messageId, raw);
  return { messageId, raw };
}

/** Sends the request on with its body already read (so no `Expect: 100-continue` handshake). */
function forward(url: URL, req: PlainRequest, body: Buffer): Promise<Reply> {
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
  /** `fetchImpl`: the test clock's in-process transport to the sink (MailSink.respond); the network when absent. */
  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /**
   * Every stored mail, in the order received. The headers are those of the raw message as sent
   * (`/_kokona/headers`, all in one answer); a mail the front did not keep (a v2 send) has the
   * headers aws-ses-v2-local re-composes (`/get-emlContent`).
   */
  async list(): Promise<SinkMail[]> {
    const [{ emails }, { headers }] = (await Promise.all([this.fetchJson('/store'), this.fetchJson('/_kokona/headers')])) as [
      { emails: StoredEmail[] },
      { headers: Record<string, Record<string, string>> },
    ];
    const out: SinkMail[] = [];
    // At most 16 re-composed messages in flight: thousands at once make the sink reset connections.
    for (let i = 0; i < emails.length; i += 16)
      out.push(...(await Promise.all(emails.slice(i, i + 16).map((e) => this.read(e, headers[e.messageId])))));
    return out;
  }

  private async read(e: StoredEmail, kept?: Record<string, string>): Promise<SinkMail> {
    const recomposed = async () => {
      const eml = (await this.fetchJson(`/get-emlContent?messageId=${encodeURIComponent(e.messageId)}`)) as { body: { data: number[] } };
      return parseMailHeaders(Buffer.from(eml.body.data).toString('utf8'));
    };
    return {
      messageId: e.messageId,
      from: addresses(e.from)[0] ?? e.from,
      to: e.destination.to.flatMap(addresses),
      subject: e.subject,
      text: e.body.text ?? '',
      html: e.body.html ?? '',
      headers: kept ?? (await recomposed()),
      at: (e.at * 1000) as Instant,
    };
  }

  /** From now on, every mail to `address` hard-bounces (SES event `Bounce`, Permanent/General). */
  async bounce(address: string): Promise<void> {
    const res = await this.fetchImpl(`${this.url}/_kokona/bounces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address }),
    });
    if (!res.ok) throw new Error(`mail sink: bounce answered ${res.status}`);
  }

  /** Mails to `address` are delivered again. */
  async unbounce(address: string): Promise<void> {
    const res = await this.fetchImpl(`${this.url}/_kokona/bounces?address=${encodeURIComponent(address)}`, { method: 'DELETE' });
    if (!res.ok) throw new Error(`mail sink: unbounce answered ${res.status}`);
  }

  async clear(): Promise<void> {
    const res = await this.fetchImpl(`${this.url}/clear-store`, { method: 'POST' });
    if (!res.ok) throw new Error(`mail sink: clear-store answered ${res.status}`);
  }

  private async fetchJson(path: string): Promise<unknown> {
    const res = await this.fetchImpl(`${this.url}${path}`);
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
