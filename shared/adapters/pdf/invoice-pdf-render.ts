/**
 * The invoice layout with PDFKit (MONEY-IN V1–V3), split from invoice-pdf.ts so that the Lambda
 * bundles load PDFKit and fontkit only when an invoice is rendered: esbuild builds this module into
 * its own file (invoice-pdf.mjs beside index.mjs, infra/cdk/bundling.ts), imported on first use.
 * Deterministic: fixed metadata dates (the issue date), so the same invoice gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import { formatJapaneseDate, formatYenJa } from '#notices/format.ts';
import { GRID_LINE_COLUMNS, invoiceLineRow } from '#notices/templates/invoices.ts';
import { invoiceIdParts, type Invoice } from '#domain/invoices.ts';
import type { LocalDate } from '#domain/calendar.ts';

const A4 = { w: 595.28, h: 841.89 };
const M = 40;

/** The PDF of `inv`, with `font` (a TrueType font) embedded as a subset. */
export async function renderInvoicePdf(inv: Invoice, font: Buffer): Promise<Uint8Array> {
  const issued = new Date(`${inv.issueDate}T00:00:00+09:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: M,
    compress: true,
    info: {
      Title: `請求書 ${inv.id}`,
      Author: inv.issuer.name,
      Subject: inv.kind === 'late_interest' ? '延滞利息のご請求書' : '請求書（適格請求書）',
      Creator: 'kokona-backoffice',
      Producer: 'PDFKit',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res, rej) => {
    doc.on('end', res);
    doc.on('error', rej);
  });
  doc.registerFont('jp', font);
  doc.font('jp');
  layout(doc, inv);
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

const jaDate = (d: LocalDate) => formatJapaneseDate(d);

function layout(doc: PDFKit.PDFDocument, inv: Invoice): void {
  const late = inv.kind === 'late_interest';
  const W = A4.w - 2 * M;
  // Title
  doc.fontSize(20).text(late ? '請求書（延滞利息）' : '請求書（適格請求書）', M, M, { width: W, align: 'center' });
  doc.fontSize(9).text(`請求書番号：${inv.id}`, M, M + 34, { width: W, align: 'right' });
  doc.text(`発行日：${jaDate(inv.issueDate)}`, { width: W, align: 'right' });
  if (inv.voidedOn)
    doc
      .fillColor('#c00')
      .text(`この請求書は${jaDate(inv.voidedOn)}に無効となりました（入金取消による）。`, { width: W, align: 'right' })
      .fillColor('#000');

  // Recipient (left) and issuer (right)
  const top = M + 70;
  doc.fontSize(13).text(`${inv.recipient.name} 御中`, M, top, { width: W * 0.55 });
  doc.fontSize(9).text(inv.recipient.attention, { width: W * 0.55 });
  doc
    .moveTo(M, doc.y + 2)
    .lineTo(M + W * 0.55, doc.y + 2)
    .stroke();
  const ix = M + W * 0.6;
  doc.fontSize(9).text('発行者（適格請求書発行事業者）', ix, top, { width: W * 0.4 });
  doc.fontSize(10).text(inv.issuer.name, { width: W * 0.4 });
  doc.fontSize(8).text(inv.issuer.address, { width: W * 0.4 });
  doc.text(`登録番号：${inv.issuer.registrationNumber}`, { width: W * 0.4 });

  // The total in large type, and the due date
  let y = top + 70;
  doc.fontSize(10).text('下記のとおりご請求申し上げます。', M, y);
  y += 18;
  doc.rect(M, y, W * 0.55, 44).stroke();
  doc.fontSize(10).text('ご請求金額（税込）', M + 8, y + 6);
  doc.fontSize(22).text(formatYenJa(inv.total), M + 8, y + 16, { width: W * 0.55 - 16, align: 'right' });
  doc.fontSize(10).text(`お支払期日：${jaDate(inv.dueDate)}`, ix, y + 6, { width: W * 0.4 });
  y += 56;

  // 振込先
  if (inv.payTo) {
    const p = inv.payTo;
    doc.fontSize(10).text('お振込先', M, y);
    y += 14;
    const rows: [string, string][] = [
      ['金融機関', `${p.bankName}（${p.bankCode}）`],
      ['支店', `${p.branchName}（${p.branchCode}）`],
      ['口座種別・番号', `${p.accountType} ${p.accountNumber}`],
      ['口座名義', p.holderKana],
    ];
    doc.rect(M, y, W, rows.length * 14 + 20).stroke();
    rows.forEach(([k, v], i) => {
      doc.fontSize(9).text(k, M + 8, y + 5 + i * 14, { width: 90 });
      doc.text(v, M + 100, y + 5 + i * 14, { width: W - 110 });
    });
    doc
      .fontSize(8)
      .text('振込手数料は貴社ご負担にてお願いいたします（約款第28条第3項）。', M + 8, y + 6 + rows.length * 14, { width: W - 16 });
    y += rows.length * 14 + 28;
  }

  // Lines
  const widths = [22, 112, 171, 62, 54, 60, 34];
  const xs = widths
    .reduce<number[]>((acc, w, i) => [...acc, (acc[i - 1] ?? M) + (i ? widths[i - 1]! : 0)], [])
    .map((x, i) => (i === 0 ? M : x));
  const cols = GRID_LINE_COLUMNS;
  const row = (cells: readonly string[], yy: number, size: number) => {
    let h = 0;
    cells.forEach((c, i) => {
      const opts = { width: widths[i]! - 4, align: cols[i]?.align === 'right' ? ('right' as const) : ('left' as const) };
      doc.fontSize(size);
      h = Math.max(h, doc.heightOfString(c, opts));
      doc.text(c, xs[i]! + 2, yy, opts);
    });
    return h;
  };
  doc.fontSize(10).text(late ? '延滞利息の明細' : 'ご請求明細', M, y);
  y += 14;
  doc.rect(M, y, W, 14).fillAndStroke('#eeeeee', '#000').fillColor('#000');
  row(
    cols.map((c) => c.label),
    y + 3,
    7.5,
  );
  y += 16;
  inv.lines.forEach((l, i) => {
    const h = row(
      invoiceLineRow(l, i, inv.taxRatePercent, l.invoice === undefined ? undefined : invoiceIdParts(l.invoice)?.issueDate),
      y,
      7.5,
    );
    y += h + 4;
    doc
      .moveTo(M, y - 2)
      .lineTo(M + W, y - 2)
      .lineWidth(0.3)
      .stroke()
      .lineWidth(1);
  });

  // Totals per tax rate
  y += 6;
  const totals: [string, string][] = [];
  if (inv.taxableSubtotal > 0 || inv.lines.some((l) => l.taxable)) {
    totals.push([`${inv.taxRatePercent}%対象（税抜）`, formatYenJa(inv.taxableSubtotal)]);
    totals.push([`消費税（${inv.taxRatePercent}%）`, formatYenJa(inv.tax)]);
  }
  if (inv.nonTaxable !== 0) totals.push([late ? '非課税（延滞利息）' : '非課税', formatYenJa(inv.nonTaxable)]);
  totals.push(['合計', formatYenJa(inv.total)]);
  const tx = M + W * 0.5;
  doc.fontSize(9).text('税率ごとに区分した合計額', tx, y, { width: W * 0.5 });
  y += 14;
  for (const [k, v] of totals) {
    doc.fontSize(k === '合計' ? 11 : 9).text(k, tx, y, { width: W * 0.25 });
    doc.text(v, tx + W * 0.25, y, { width: W * 0.25, align: 'right' });
    y += k === '合計' ? 16 : 13;
  }
  y += 10;
  const notes = [
    late
      ? '延滞利息は、支払期日の翌日からお支払いの日の前日までの日数について年14.5%（1年を365日とする日割り）で計算しております。消費税の課税対象外です。'
      : `使用料は税抜価格で、約款第30条に基づき消費税相当額（${inv.taxRatePercent}%）を加算しております。`,
    ...(late ? [] : ['お支払期日の翌日から起算して10日以内にお支払いがない場合は、約款第31条に基づき延滞利息をご請求いたします。']),
  ];
  doc.fontSize(8);
  for (const n of notes) {
    doc.text(n, M, y, { width: W });
    y = doc.y + 4;
  }
}
