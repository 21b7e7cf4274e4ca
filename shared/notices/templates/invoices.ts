/** Invoices (Art 28–31): the 適格請求書, and its lines as the invoice PDF shows them too. */
import { daysBetween, type LocalDate } from '#domain/calendar.ts';
import type { InvoiceLine } from '#domain/invoices.ts';
import { dateRange, formatJapaneseDate, formatYenJa, ja } from '../format.ts';
import { fields, type GridTable } from '../layout.ts';
import type { Template } from './common.ts';

export const GRID_LINE_COLUMNS: GridTable['columns'] = [
  { label: '項番', align: 'right' },
  { label: '期間', align: 'left' },
  { label: '内容', align: 'left' },
  { label: '数量', align: 'right' },
  { label: '単価（月額）', align: 'right' },
  { label: '金額', align: 'right' },
  { label: '税区分', align: 'left' },
];

/** The description of a line in Japanese; a late-interest line names the issue date of the invoice it is about. */
function lineDescription(l: InvoiceLine, sourceIssued: LocalDate | undefined): string {
  if (l.type === 'late_interest') {
    return sourceIssued ? `延滞利息（${formatJapaneseDate(sourceIssued)}発行のご請求書分、年14.5%）` : '延滞利息（年14.5%）';
  }
  return typeof l.description === 'string' && l.description !== '' ? l.description : 'ご利用料金';
}

function lineQuantity(l: InvoiceLine): string {
  if (typeof l.accounts === 'number' && typeof l.months === 'number') return `${l.accounts}アカウント×${l.months}か月`;
  if (l.type === 'late_interest' && daysBetween(l.from, l.to) >= 0) return `${daysBetween(l.from, l.to) + 1}日`;
  return '1式';
}

/** One row of the lines table; `sourceIssued`: a late-interest line's source invoice's issue date. */
export function invoiceLineRow(l: InvoiceLine, i: number, rate: number, sourceIssued: LocalDate | undefined): string[] {
  return [
    String(i + 1),
    dateRange(l.from, l.to) ?? '－',
    lineDescription(l, sourceIssued),
    lineQuantity(l),
    typeof l.unitPrice === 'number' ? formatYenJa(l.unitPrice) : '－',
    formatYenJa(l.amount),
    l.taxable ? `${rate}%` : '非課税',
  ];
}

/** Art 28-3, 30, 31 and the 適格請求書 items: issuer + registration number, recipient, dates, lines, per-rate amounts and tax. */
export const invoiceIssued: Template<'invoice_issued'> = (n) => {
  const inv = n.data.invoice;
  const sources = n.data.sourceIssueDates;
  const late = inv.kind === 'late_interest';
  const rate = inv.taxRatePercent;
  const lines = inv.lines;
  const hasTaxable = lines.some((l) => l.taxable) || inv.taxableSubtotal > 0;
  const due = ja(inv.dueDate);
  const payerIsAgent = inv.payer === 'agent';
  return {
    title: late ? '延滞利息のご請求書発行のお知らせ' : 'ご請求書（適格請求書）発行のお知らせ',
    lead: late
      ? [
          'お支払期日を過ぎてお支払いいただいたご請求について、約款第31条に基づき、延滞利息をご請求いたします。',
          '延滞利息は、支払期日の翌日からお支払いの日の前日までの日数について、お支払い前の残高に年14.5%（1年を365日とする日割り）の割合で計算しております。',
          '延滞利息は消費税の課税対象外のため、消費税はかかりません。',
        ]
      : [
          'ご利用料金のご請求書を発行いたしましたので、下記のとおりご請求申し上げます。',
          `本メールは適格請求書として発行しております。使用料は税抜価格で、約款第30条に基づき消費税相当額（${rate}%）を加算しております。`,
        ],
    tables: [
      fields(late ? '延滞利息のご請求書' : 'ご請求書（適格請求書）', [
        ['請求書番号', inv.id],
        ['発行日', ja(inv.issueDate)],
        ['宛名', inv.recipient?.name && `${inv.recipient.name} 御中`],
        [payerIsAgent ? '対象のご契約' : 'ご担当者', inv.recipient?.attention],
        ['契約番号', n.unitId ?? inv.unitId],
        ['ご請求金額', formatYenJa(inv.total)],
        ['お支払期日', due],
      ]),
      ...(inv.payTo
        ? [
            fields('お振込先', [
              ['金融機関', `${inv.payTo.bankName}（${inv.payTo.bankCode}）`],
              ['支店', `${inv.payTo.branchName}（${inv.payTo.branchCode}）`],
              ['口座種別', inv.payTo.accountType],
              ['口座番号', inv.payTo.accountNumber],
              ['口座名義', inv.payTo.holderKana],
            ]),
          ]
        : []),
      fields('発行者（適格請求書発行事業者）', [
        ['名称', inv.issuer?.name],
        ['登録番号', inv.issuer?.registrationNumber],
        ['所在地', inv.issuer?.address],
      ]),
      {
        kind: 'grid',
        caption: 'ご請求明細',
        columns: GRID_LINE_COLUMNS,
        rows: lines.map((l, i) => invoiceLineRow(l, i, rate, l.invoice === undefined ? undefined : sources[l.invoice])),
      },
      {
        kind: 'amounts',
        caption: '税率ごとに区分した合計額',
        rows: [
          ...(hasTaxable
            ? ([
                [`${rate}%対象（税抜）`, formatYenJa(inv.taxableSubtotal)],
                [`消費税（${rate}%）`, formatYenJa(inv.tax)],
              ] as const)
            : []),
          ...(inv.nonTaxable !== 0 ? ([[late ? '非課税（延滞利息）' : '非課税', formatYenJa(inv.nonTaxable)]] as const) : []),
          ['合計', formatYenJa(inv.total)],
        ],
      },
    ],
    closing: [
      `お支払期日${due ? `（${due}）` : ''}までに、${inv.payTo ? '上記のお振込先へお振り込みください' : '当社指定の方法によりお支払いください'}。なお、約款第28条第3項により、振込手数料はお客様のご負担となります。`,
      ...(inv.payTo?.dedicated
        ? ['お振込先の口座番号は貴社専用の番号です。ご請求ごとに変わることはございません。請求書のPDFを添付しております。']
        : ['請求書のPDFを添付しております。']),
      ...(late
        ? []
        : [
            'お支払期日の翌日から起算して10日以内にお支払いがない場合は、約款第31条に基づき、支払期日の翌日からお支払いの日の前日までの日数について、年14.5%の割合で計算した延滞利息をご請求いたします。',
          ]),
      ...(lines.some((l) => !l.taxable) ? ['「税区分」欄が「非課税」の項目には、消費税はかかりません。'] : []),
    ],
  };
};
