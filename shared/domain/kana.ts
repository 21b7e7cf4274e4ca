/**
 * Remitter names (MONEY-IN B3b): banks write the 振込依頼人名 in half-width katakana, upper case,
 * small kana written full size, often with the legal-entity abbreviation (`ｶ)ABC`, `ABC(ｶ`, `(ｶ)`)
 * or the form spelled out, and sometimes a customer number in front. Both sides (the deposit's name
 * and every registered name of a payer) go through `normaliseName`, so they compare equal when the
 * bank's spelling differs only in those ways. Pure.
 */

const FULL = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンヴ';
const HALF = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｳﾞ';
const VOICED = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
const VOICED_BASE = 'カキクケコサシスセソタチツテトハヒフヘホ';
const SEMI = 'パピプペポ';
const SEMI_BASE = 'ハヒフヘホ';
const SMALL = 'ァィゥェォッャュョヮヵヶ';
const SMALL_FULL = 'アイウエオツヤユヨワカケ';

const toHalf = new Map<string, string>();
{
  const half = [...HALF];
  [...FULL].forEach((c, i) => toHalf.set(c, c === 'ヴ' ? 'ｳﾞ' : half[i]!));
  [...VOICED].forEach((c, i) => toHalf.set(c, toHalf.get(VOICED_BASE[i]!)! + 'ﾞ'));
  [...SEMI].forEach((c, i) => toHalf.set(c, toHalf.get(SEMI_BASE[i]!)! + 'ﾟ'));
  toHalf
    .set('ヰ', 'ｲ')
    .set('ヱ', 'ｴ')
    .set('ー', 'ｰ')
    .set('゛', 'ﾞ')
    .set('゜', 'ﾟ')
    .set('・', '･')
    .set('「', '｢')
    .set('」', '｣')
    .set('、', '､')
    .set('。', '｡');
}
const smallToFull = new Map([...SMALL].map((c, i) => [c, SMALL_FULL[i]!] as const));

/** Half-width katakana (and ASCII), upper case, small kana full size. Hiragana counts as katakana. */
export function toHalfWidthKana(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFKC').toUpperCase()) {
    const code = ch.codePointAt(0)!;
    let c = code >= 0x3041 && code <= 0x3096 ? String.fromCodePoint(code + 0x60) : ch; // hiragana → katakana
    c = smallToFull.get(c) ?? c;
    out += toHalf.get(c) ?? c;
  }
  return out;
}

/** Legal-entity abbreviations as banks write them (small kana already full size). */
export const ENTITY_ABBREVIATIONS = [
  'ｶ', // 株式会社
  'ﾕ', // 有限会社
  'ﾒ', // 合名会社
  'ｼ', // 合資会社
  'ﾄﾞ', // 合同会社
  'ｼﾔ', // 社団法人
  'ｻﾞｲ', // 財団法人
  'ｶﾞｸ', // 学校法人
  'ﾌｸ', // 社会福祉法人
  'ﾄｸﾋ', // 特定非営利活動法人
  'ｲ', // 医療法人
  'ｼﾕｳ', // 宗教法人
  'ﾄﾞｸ', // 独立行政法人
  'ｿ', // 相互会社
  'ｾｲ', // 生活協同組合
  'ﾉｳ', // 農業協同組合
  'ｷﾞﾖ', // 漁業協同組合
  'ｺｳ', // 公益社団・財団法人
  'ﾍﾞﾝ', // 弁護士法人
  'ｾﾞｲ', // 税理士法人
  'ｼﾎｳ', // 司法書士法人
  'ｶﾝ', // 監査法人
] as const;

/** The same forms spelled out (longest first, so 一般社団法人 is taken before 社団法人). */
export const ENTITY_FORMS = [
  'ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ',
  'ﾁﾎｳﾄﾞｸﾘﾂｷﾞﾖｳｾｲﾎｳｼﾞﾝ',
  'ﾄﾞｸﾘﾂｷﾞﾖｳｾｲﾎｳｼﾞﾝ',
  'ｲﾂﾊﾟﾝｼﾔﾀﾞﾝﾎｳｼﾞﾝ',
  'ｲﾂﾊﾟﾝｻﾞｲﾀﾞﾝﾎｳｼﾞﾝ',
  'ｺｳｴｷｼﾔﾀﾞﾝﾎｳｼﾞﾝ',
  'ｺｳｴｷｻﾞｲﾀﾞﾝﾎｳｼﾞﾝ',
  'ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ',
  'ｶﾌﾞｼｷｶﾞｲｼﾔ',
  'ﾕｳｹﾞﾝｶﾞｲｼﾔ',
  'ｺﾞｳﾄﾞｳｶﾞｲｼﾔ',
  'ｺﾞｳﾒｲｶﾞｲｼﾔ',
  'ｺﾞｳｼｶﾞｲｼﾔ',
  'ｼﾔﾀﾞﾝﾎｳｼﾞﾝ',
  'ｻﾞｲﾀﾞﾝﾎｳｼﾞﾝ',
  'ｶﾞﾂｺｳﾎｳｼﾞﾝ',
  'ｲﾘﾖｳﾎｳｼﾞﾝ',
  'ｼﾕｳｷﾖｳﾎｳｼﾞﾝ',
  'ｿｳｺﾞｶﾞｲｼﾔ',
].sort((a, b) => b.length - a.length);

const ABBR = ENTITY_ABBREVIATIONS.map((a) => a.replace(/[()]/g, '\\$&')).join('|');
const LEADING_ABBR = new RegExp(`^(?:${ABBR})\\)`);
const MIDDLE_ABBR = new RegExp(`\\((?:${ABBR})\\)`, 'g');
const TRAILING_ABBR = new RegExp(`\\((?:${ABBR})$`);

/**
 * B3b: NFKC, half-width katakana, upper case, small kana full size; a customer number in front removed;
 * the legal-entity abbreviation at the start (`ｶ)ABC`), in the middle (`(ｶ)`) or at the end (`ABC(ｶ`)
 * and the spelled-out forms removed; spaces, long-vowel marks and `().-/` removed.
 */
export function normaliseName(name: string): string {
  let s = toHalfWidthKana(name).trim();
  // A customer number the payer typed in front: digits followed by a space or a separator.
  s = s.replace(/^\d+[\s\-./･]+/, '');
  s = s.replace(/[\s\u3000]+/g, '');
  s = s.replace(/[‐－-]/g, '-');
  let prev;
  do {
    prev = s;
    s = s.replace(LEADING_ABBR, '').replace(MIDDLE_ABBR, '').replace(TRAILING_ABBR, '');
  } while (s !== prev);
  for (const f of ENTITY_FORMS) s = s.split(f).join('');
  return s.replace(/[ｰ\-().,/･]/g, '');
}

/** Katakana (half- or full-width), with spaces, long-vowel marks and the symbols banks allow: a valid `nameKana`. */
export function isKanaName(s: string): boolean {
  return (
    /^[\u30A0-\u30FF\uFF61-\uFF9F\u3000 A-Za-z0-9Ａ-Ｚａ-ｚ０-９().,\-/（）．，－／]+$/u.test(s) &&
    /[\u30A1-\u30FA\uFF66-\uFF9D]/u.test(s) &&
    normaliseName(s) !== ''
  );
}
