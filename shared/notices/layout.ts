/**
 * The layout engine of the mails: a Letter (title, lead, tables, closing) laid out the same way for every
 * notice, as plain text with aligned columns (CJK characters counting two) and as a small HTML document.
 */
import type { Notice } from '#domain/effects.ts';
import { escapeHtml } from './format.ts';

export interface NoticeContext {
  /** The service's name, e.g. ココナワーク (subject prefix 【…】 and the body). */
  readonly serviceName: string;
  /** The operator signing the mail (footer), e.g. the issuer's name. */
  readonly operatorName: string;
}

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Label / value rows (契約番号：U-1 …). */
export interface FieldTable {
  readonly kind: 'fields';
  readonly caption: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

/** Numbered rows with one or more columns (the user names of the kit …). */
export interface ListTable {
  readonly kind: 'list';
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A table with a header row and aligned columns (the lines of an invoice). */
export interface GridTable {
  readonly kind: 'grid';
  readonly caption: string;
  readonly columns: readonly { readonly label: string; readonly align: 'left' | 'right' }[];
  readonly rows: readonly (readonly string[])[];
}

/** Label / amount rows with the amounts right-aligned (the totals of an invoice). */
export interface AmountTable {
  readonly kind: 'amounts';
  readonly caption: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

export type Table = FieldTable | ListTable | GridTable | AmountTable;

/** What a template decides; the layout lays it out as text and HTML the same way for every notice. */
export interface Letter {
  /** Subject after the 【service】 prefix and before the contract number. */
  readonly title: string;
  /** Paragraphs after the salutation and greeting. */
  readonly lead: readonly string[];
  readonly tables: readonly Table[];
  /** Paragraphs after the tables. */
  readonly closing: readonly string[];
}

export type Row = readonly [string, string | undefined];

/** Rows whose value is missing are left out. */
export function fields(caption: string, rows: readonly Row[]): FieldTable {
  return { kind: 'fields', caption, rows: rows.filter((r): r is readonly [string, string] => r[1] !== undefined) };
}

/** How a mail opens and closes around its letter: address, greeting and inquiry by recipient. */
export interface Envelope {
  /** The contractor's name above `name 様` (for the contractor's own people), if any. */
  readonly contractor: string | undefined;
  readonly greeting: readonly string[];
  readonly inquiry: readonly string[];
}

/** The subject, text and HTML of a letter to `n.to`. */
export function compose(n: Notice, ctx: NoticeContext, letter: Letter, envelope: Envelope): RenderedNotice {
  const subject = `【${ctx.serviceName}】${letter.title}${n.unitId ? `（契約番号 ${n.unitId}）` : ''}`;
  const body: Letter = { ...letter, lead: [...envelope.greeting, ...letter.lead], closing: [...letter.closing, ...envelope.inquiry] };
  const address = [...(envelope.contractor ? [envelope.contractor] : []), `${n.to.name} 様`];
  return { subject, text: toText(address, ctx, body), html: toHtml(address, ctx, subject, body) };
}

function footer(ctx: NoticeContext): string[] {
  return [ctx.operatorName, `「${ctx.serviceName}」サービス担当`];
}

const RULE = '――――――――――――――――――――';

/** Characters a Japanese monospace font draws two columns wide (the East Asian wide ranges and the usual ambiguous ones). */
const AMBIGUOUS_WIDE = new Set([
  0xd7, 0xf7, 0x2015, 0x2018, 0x2019, 0x201c, 0x201d, 0x203b, 0x2025, 0x2026, 0x25a0, 0x25a1, 0x25b2, 0x25cb, 0x25cf,
]);

/** The width of `s` in a monospace font, CJK characters counting two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x20000 ||
      AMBIGUOUS_WIDE.has(cp);
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Aligned columns separated by two spaces; trailing blanks trimmed. */
function alignedRows(rows: readonly (readonly string[])[], aligns: readonly ('left' | 'right')[]): string[] {
  const widths = aligns.map((_, c) => Math.max(0, ...rows.map((r) => displayWidth(r[c] ?? ''))));
  return rows.map((r) => `  ${aligns.map((a, c) => pad(r[c] ?? '', widths[c]!, a)).join('  ')}`.trimEnd());
}

function tableText(t: Table): string[] {
  const lines = [`■ ${t.caption}`];
  switch (t.kind) {
    case 'fields':
      lines.push(...t.rows.map(([k, v]) => `  ${k}：${v}`));
      break;
    case 'list':
      if (t.columns.length > 1) lines.push(`  （項番 ${t.columns.join(' ／ ')}）`);
      lines.push(...t.rows.map((r, i) => `  ${i + 1}. ${r.join(' ／ ')}`));
      break;
    case 'grid': {
      const aligns = t.columns.map((c) => c.align);
      const header = t.columns.map((c) => c.label);
      const widths = t.columns.map((_, c) => Math.max(...[header, ...t.rows].map((r) => displayWidth(r[c] ?? ''))));
      lines.push(...alignedRows([header, widths.map((w) => '-'.repeat(w)), ...t.rows], aligns));
      break;
    }
    case 'amounts':
      lines.push(...alignedRows(t.rows, ['left', 'right']));
      break;
  }
  return lines;
}

function toText(address: readonly string[], ctx: NoticeContext, letter: Letter): string {
  const lines = [...address, '', ...letter.lead, ''];
  for (const t of letter.tables) lines.push(...tableText(t), '');
  if (letter.closing.length > 0) lines.push(...letter.closing, '');
  lines.push(RULE, ...footer(ctx), RULE);
  return `${lines.join('\n')}\n`;
}

const TABLE = '<table style="border-collapse:collapse" cellpadding="6" border="1">';
const RIGHT = ' style="text-align:right"';

function tableHtml(t: Table): string {
  const e = escapeHtml;
  let rows: string[];
  switch (t.kind) {
    case 'fields':
      rows = t.rows.map(([k, v]) => `<tr><th scope="row" style="text-align:left">${e(k)}</th><td>${e(v)}</td></tr>`);
      break;
    case 'list':
      rows = [
        `<tr><th scope="col">項番</th>${t.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr>`,
        ...t.rows.map((r, i) => `<tr><td${RIGHT}>${i + 1}</td>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`),
      ];
      break;
    case 'grid':
      rows = [
        `<tr>${t.columns.map((c) => `<th scope="col">${e(c.label)}</th>`).join('')}</tr>`,
        ...t.rows.map(
          (r) => `<tr>${t.columns.map((c, i) => `<td${c.align === 'right' ? RIGHT : ''}>${e(r[i] ?? '')}</td>`).join('')}</tr>`,
        ),
      ];
      break;
    case 'amounts':
      rows = t.rows.map(([k, v]) => `<tr><th scope="row" style="text-align:left">${e(k)}</th><td${RIGHT}>${e(v)}</td></tr>`);
      break;
  }
  return [`<h2 style="font-size:1em">■ ${e(t.caption)}</h2>`, TABLE, ...rows, '</table>'].join('\n');
}

function toHtml(address: readonly string[], ctx: NoticeContext, subject: string, letter: Letter): string {
  const e = escapeHtml;
  const paragraphs = (ps: readonly string[]) => ps.map((p) => `<p>${e(p)}</p>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${e(subject)}</title>`,
    '</head>',
    '<body>',
    `<p>${address.map(e).join('<br>')}</p>`,
    ...paragraphs(letter.lead),
    ...letter.tables.map(tableHtml),
    ...paragraphs(letter.closing),
    '<hr>',
    `<p>${footer(ctx).map(e).join('<br>')}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
