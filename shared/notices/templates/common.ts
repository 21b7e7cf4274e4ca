/** What the templates share: the template type, the contract rows of a unit notice, how they name invoices and targets. */
import type { NoticeOf } from '#domain/effects.ts';
import type { InvoiceMention, NoticeTarget, NoticeType, UnitNoticeType } from '#domain/notice-data.ts';
import { formatJapaneseDate, nonEmpty } from '../format.ts';
import type { Letter, NoticeContext, Row } from '../layout.ts';

/** A notice type's template: its typed notice in, the letter out. */
export type Template<K extends NoticeType> = (n: NoticeOf<K>, ctx: NoticeContext) => Letter;

/** 契約番号, 契約者 and plan of a unit notice, and its アカウント数 when given. */
export function contractRows(n: NoticeOf<UnitNoticeType>, accounts: number | null = null): Row[] {
  return [
    ['契約番号', n.unitId ?? undefined],
    ['契約者', nonEmpty(n.data.contractorName)],
    ['ご契約プラン', nonEmpty(n.data.plan)],
    ...(accounts !== null ? [['アカウント数', String(accounts)] as Row] : []),
  ];
}

/** `2024年3月1日発行のご請求書（請求書番号 acme.2024-03-01.fees）`. */
export function describeInvoice(i: InvoiceMention): string {
  return `${formatJapaneseDate(i.issueDate)}発行の${i.lateInterest ? '延滞利息の' : ''}ご請求書（請求書番号 ${i.id}）`;
}

/** `追加契約 acme-add1（3アカウント）` for a line; undefined for the whole contract. */
export function lineText(t: NoticeTarget): string | undefined {
  return t.kind === 'line' ? `追加契約 ${t.line}（${t.accounts}アカウント）` : undefined;
}

/** The contract's accounts for its contract rows: shown for the whole contract, not for a line (named in lineText). */
export function unitAccounts(t: NoticeTarget): number | null {
  return t.kind === 'unit' ? t.accounts : null;
}

export const RETRIEVE_DATA =
  '仮想デスクトップをご利用の場合は、約款第45条第7項に基づき、サービス提供終了日までに、お客様ご自身の責任と負担において仮想デスクトップ内のデータ等を回収または抹消してください。';
