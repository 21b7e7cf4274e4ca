/**
 * JIS X 0201 as CP932 writes it — the only character set a 全銀 (Zengin) file uses in its C fields:
 * one byte per character, ASCII (0x00–0x7F; 0x5C is shown as ¥ by the parser) and the half-width
 * katakana 0xA1–0xDF ↔ U+FF61–U+FF9F. Exact and small (it replaced iconv-lite's 266 KB of code-page
 * tables in the bundles): every other byte or character is refused, never guessed. Pure.
 */

/** A byte (decoding) or character (encoding) outside JIS X 0201. `at` is its 0-based byte or UTF-16 offset. */
export class NotJisX0201 extends Error {
  constructor(
    readonly at: number,
    readonly what: string,
  ) {
    super(`${what} is not JIS X 0201 (ASCII or half-width katakana)`);
    this.name = 'NotJisX0201';
  }
}

const KANA_BYTE = 0xa1;
const KANA_LAST_BYTE = 0xdf;
const KANA_CODE = 0xff61;
const KANA_LAST_CODE = 0xff9f;

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');

/** Bytes → text; throws NotJisX0201 at the first byte that is neither ASCII nor half-width katakana. */
export function decodeJisX0201(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) out += String.fromCharCode(b);
    else if (b >= KANA_BYTE && b <= KANA_LAST_BYTE) out += String.fromCharCode(b - KANA_BYTE + KANA_CODE);
    else throw new NotJisX0201(i, `byte 0x${hex(b, 2)}`);
  }
  return out;
}

/** Text → bytes (¥ is written as 0x5C); throws NotJisX0201 at the first character it cannot write. */
export function encodeJisX0201(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) out[i] = c;
    else if (c >= KANA_CODE && c <= KANA_LAST_CODE) out[i] = c - KANA_CODE + KANA_BYTE;
    else if (c === 0xa5)
      out[i] = 0x5c; // ¥
    else throw new NotJisX0201(i, `"${text[i]}" (U+${hex(c, 4)})`);
  }
  return out;
}
