/**
 * A MIME message (RFC 5322 / 2045–2047) for SES `SendRawEmail`: what the mailer needs and nothing
 * more — multipart/alternative with a text/plain and a text/html part, UTF-8 bodies in base64 (lines of
 * 76), non-ASCII header values (the Japanese subject, display names) as RFC 2047 B-encoded words of at
 * most 75 characters folded onto continuation lines, and the caller's extra headers (the X6 notice
 * headers) as given; a header with an empty value is left out. Every header line is 7-bit ASCII.
 * With attachments (the invoice PDF, MONEY-IN V4) the message is multipart/mixed: the alternative
 * bodies first, then each file in base64 with its name (RFC 2231 `filename*` when not ASCII).
 *
 * It replaces nodemailer's MailComposer (125 KB of the mailer's bundle, CommonJS) with ~100 lines that
 * do only this; SES adds Message-ID and Date when the message has none.
 */
import { randomBytes } from 'node:crypto';

export interface MimeMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly attachments?: readonly MimeAttachment[];
}

export interface MimeAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

const CRLF = '\r\n';
const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
/** RFC 2047 §2: an encoded word is at most 75 characters; `=?UTF-8?B?` + `?=` leave 63 for base64 = 45 bytes. */
const WORD_BYTES = 45;

/**
 * `text` as B-encoded words, each ≤ 75 characters (the first ≤ `firstWidth`, so that it fits on the
 * header's first line), never splitting a character across two words.
 */
export function encodeWords(text: string, firstWidth = 75): string[] {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  let budget = Math.max(3, Math.min(WORD_BYTES, Math.floor((firstWidth - 12) / 4) * 3));
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > budget && chunk) {
      budget = WORD_BYTES;
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/** An unstructured header value after `Name: `: as is when printable ASCII, else encoded words (one per folded line of ≤ 78). */
function unstructured(name: string, value: string): string {
  return ASCII_PRINTABLE.test(value) ? value : encodeWords(value, 78 - name.length - 2).join(`${CRLF} `);
}

/** `Name <addr>` or `addr`: the display name quoted or encoded, the address as is (ASCII, as SES requires). */
export function encodeAddress(address: string): string {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(address);
  if (!m) return address.trim();
  const [, name = '', addr = ''] = m;
  if (!name) return `<${addr}>`;
  const display = ASCII_PRINTABLE.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name, 70).join(`${CRLF} `);
  return `${display} <${addr}>`;
}

/** Base64 of bytes in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(CRLF);
}

/** Base64 of the UTF-8 bytes in lines of 76 characters (RFC 2045 §6.8). */
function base64Body(text: string): string {
  return base64Lines(Buffer.from(text, 'utf8'));
}

function headerName(name: string): string {
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new Error(`invalid mail header name: ${JSON.stringify(name)}`);
  return name;
}

/** A parameter value that may not be ASCII: `name="v"`, or RFC 2231 `name*=UTF-8''%XX`. */
function fileParams(param: string, value: string): string {
  if (/^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value)) return `${param}="${value}"`;
  const pct = [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `${param}*=UTF-8''${pct}`;
}

function contentType(type: string): string {
  if (!/^[\x21-\x7e]+\/[\x21-\x7e]+$/.test(type)) throw new Error(`invalid attachment content type: ${JSON.stringify(type)}`);
  return type;
}

/** The raw message; `boundary` only for tests (default: random). */
export function buildMime(mail: MimeMail, boundary = `--_kokona_${randomBytes(12).toString('hex')}`): Buffer {
  const head: string[] = [
    `From: ${encodeAddress(mail.from)}`,
    `To: ${encodeAddress(mail.to)}`,
    `Subject: ${unstructured('Subject', mail.subject)}`,
  ];
  for (const [name, value] of Object.entries(mail.headers ?? {}))
    if (value !== '') head.push(`${headerName(name)}: ${unstructured(name, value)}`);
  head.push('MIME-Version: 1.0');
  const files = mail.attachments ?? [];
  const alt = files.length ? `${boundary}_alt` : boundary;
  const part = (type: string, body: string) =>
    [`--${alt}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Body(body)].join(CRLF);
  const alternative = [part('text/plain', mail.text), part('text/html', mail.html), `--${alt}--`];
  let message: string;
  if (!files.length) {
    head.push(`Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"`);
    message = [head.join(CRLF), '', ...alternative, ''].join(CRLF);
  } else {
    head.push(`Content-Type: multipart/mixed;${CRLF} boundary="${boundary}"`);
    const attachment = (f: MimeAttachment) =>
      [
        `--${boundary}`,
        `Content-Type: ${contentType(f.contentType)};${CRLF} ${fileParams('name', f.filename)}`,
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment;${CRLF} ${fileParams('filename', f.filename)}`,
        '',
        base64Lines(f.content),
      ].join(CRLF);
    message = [
      head.join(CRLF),
      '',
      `--${boundary}`,
      `Content-Type: multipart/alternative;${CRLF} boundary="${alt}"`,
      '',
      ...alternative,
      ...files.map(attachment),
      `--${boundary}--`,
      '',
    ].join(CRLF);
  }
  return Buffer.from(message, 'ascii');
}
