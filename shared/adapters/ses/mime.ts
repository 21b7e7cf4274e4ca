/**
 * A MIME message (RFC 5322 / 2045–2047) for SES `SendRawEmail`: what the mailer needs and nothing
 * more — multipart/alternative with a text/plain and a text/html part, UTF-8 bodies in base64 (lines of
 * 76), non-ASCII header values (the Japanese subject, display names) as RFC 2047 B-encoded words of at
 * most 75 characters folded onto continuation lines, and the caller's extra headers (the X6 notice
 * headers) as given; a header with an empty value is left out. Every header line is 7-bit ASCII.
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

/** Base64 of the UTF-8 bytes in lines of 76 characters (RFC 2045 §6.8). */
function base64Body(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

function headerName(name: string): string {
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new Error(`invalid mail header name: ${JSON.stringify(name)}`);
  return name;
}

/** The raw message; `boundary` only for tests (default: random). */
export function buildMime(mail: MimeMail, boundary = `--_kokona_${randomBytes(12).toString('hex')}`): Buffer {
  const head: string[] = [`From: ${encodeAddress(mail.from)}`, `To: ${encodeAddress(mail.to)}`, `Subject: ${unstructured('Subject', mail.subject)}`];
  for (const [name, value] of Object.entries(mail.headers ?? {})) if (value !== '') head.push(`${headerName(name)}: ${unstructured(name, value)}`);
  head.push('MIME-Version: 1.0', `Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"`);
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Body(body)].join(CRLF);
  const message = [head.join(CRLF), '', part('text/plain', mail.text), part('text/html', mail.html), `--${boundary}--`, ''].join(CRLF);
  return Buffer.from(message, 'ascii');
}
