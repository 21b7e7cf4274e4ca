/** The running contract (Art 14, 17, 18, 45): contact changes, renewals, cancellations and data retrieval. */
import { dateRange, daysLeft, formatYenJa, ja, nonEmpty, yenOf } from '../format.ts';
import { fields } from '../layout.ts';
import { contractRows, lineText as targetLineText, RETRIEVE_DATA, unitAccounts, type Template } from './common.ts';

/** Art 17 (M3): one mail to the previous and one to the new account manager; data previous, current, changedOn. */
export const contactChanged: Template<'contact_changed'> = (n) => {
  const previous = nonEmpty(n.data.previous);
  const current = nonEmpty(n.data.current);
  const changedOn = ja(n.data.changedOn);
  return {
    title: 'アカウント管理者変更のお知らせ',
    lead: [
      `約款第17条に基づくお届け出により、${changedOn ? `${changedOn}付けで、` : ''}ご契約のアカウント管理者の登録内容を下記のとおり変更いたしましたので、お知らせいたします。`,
      n.role === 'previous_account_manager'
        ? '今後、本サービスに関するご案内は、変更後のアカウント管理者様宛てにお送りいたします。これまでのご対応に心より御礼申し上げます。'
        : '今後、本サービスに関するご案内は、本メールの宛先にお送りいたします。',
    ],
    tables: [
      fields('変更内容', [
        ...contractRows(n),
        ['変更日', changedOn],
        ['変更前のアカウント管理者', previous && `${previous} 様`],
        ['変更後のアカウント管理者', current && `${current} 様`],
      ]),
    ],
    closing: ['本変更にお心当たりのない場合は、お手数ですが速やかに当社までご連絡ください。'],
  };
};

/** Art 14, 18 (RULES §9): data termEnd, deadline, the renewed term, renewalFee (tax-exclusive). */
export const renewalReminder: Template<'renewal_reminder'> = (n) => {
  const termEnd = n.data.termEnd;
  const deadline = n.data.deadline;
  const fee = n.data.renewalFee;
  const next = n.data.renewedTerm;
  return {
    title: '契約更新のご案内',
    lead: [
      `ご契約の契約期間は${termEnd ? `${ja(termEnd)}に` : 'まもなく'}満了いたします。`,
      `約款第14条に基づき、解約申込期限${deadline ? `（${ja(deadline)}）` : ''}までに解約のお申し込みがない場合、ご契約は1年間自動的に更新されます。`,
      ...(fee !== undefined
        ? [`更新後の年間使用料は${formatYenJa(fee)}（税抜、別途消費税）で、約款第28条第2項に基づき延長契約期間の開始月にご請求いたします。`]
        : []),
    ],
    tables: [
      fields('ご契約の更新について', [
        ...contractRows(n, n.data.accounts),
        ['契約期間満了日', ja(termEnd)],
        ['解約申込期限', deadline && `${ja(deadline)}${daysLeft(n.date, deadline) ? `（${daysLeft(n.date, deadline)}）` : ''}`],
        ['更新後の契約期間', next && dateRange(next.from, next.to)],
        ['更新後の年間使用料（税抜）', yenOf(fee)],
      ]),
    ],
    closing: [
      '更新をご希望の場合は、お手続きは不要です。',
      '解約をご希望の場合は、約款第18条第1項に基づき、解約申込期限までに当社所定の解約申込書をご提出ください。代理店からご購入のお客様は、代理店経由でご提出ください。',
      '解約申込期限を過ぎてからのお申し込みの場合、ご契約は更新され、更新後の年間使用料の払い戻しはございませんので、ご注意ください。',
    ],
  };
};

/** Art 14 (R3): data termFrom, termTo, annualFee (tax-exclusive), the next cancellation deadline. */
export const renewed: Template<'renewed'> = (n) => {
  const from = n.data.termFrom;
  const to = n.data.termTo;
  const fee = n.data.annualFee;
  const nextDeadline = n.data.nextDeadline;
  return {
    title: '契約更新のお知らせ',
    lead: [
      '解約申込期限までに解約のお申し込みがなかったため、ご契約は約款第14条に基づき1年間自動更新されましたので、お知らせいたします。',
      ...(from || to ? [`更新後の契約期間（延長契約期間）は${dateRange(from, to)}です。`] : []),
    ],
    tables: [
      fields('更新後のご契約', [
        ...contractRows(n, n.data.accounts),
        ['更新後の契約期間', dateRange(from, to)],
        ['年間使用料（税抜）', yenOf(fee)],
        ['次回の解約申込期限', ja(nextDeadline)],
      ]),
    ],
    closing: [
      '延長契約期間の年間使用料は、約款第28条第2項に基づき延長契約期間の開始月にご請求いたします。ご請求書は別途お送りいたします。',
      `次回の契約期間満了日${to ? `（${ja(to)}）` : ''}での解約をご希望の場合は、約款第18条に基づき、解約申込期限${nextDeadline ? `（${ja(nextDeadline)}）` : ''}までに当社所定の解約申込書をご提出ください。`,
    ],
  };
};

/** Art 18 (C9): data endDate and the target (the whole contract, or one additional contract with its accounts). */
export const cancellationAccepted: Template<'cancellation_accepted'> = (n) => {
  const end = ja(n.data.endDate);
  const lineText = targetLineText(n.data.target);
  return {
    title: '解約お申し込み受付のお知らせ',
    lead: lineText
      ? [
          `${lineText}の解約のお申し込みを、約款第18条に基づき承りました。`,
          `当該の追加契約は${end ? `${end}をもって` : '下記の日をもって'}終了いたします。その他のご契約は、引き続きご利用いただけます。`,
        ]
      : [
          '本サービス契約の解約のお申し込みを、約款第18条に基づき承りました。',
          `ご契約は${end ? `${end}をもって` : '下記の日をもって'}終了し、翌日以降は本サービスをご利用いただけなくなります。`,
        ],
    tables: [
      fields('解約のお申し込み内容', [
        ...contractRows(n, unitAccounts(n.data.target)),
        ['解約の対象', lineText ?? 'ご契約全体（基本契約および追加契約）'],
        ['サービス提供終了日', end],
      ]),
    ],
    closing: ['約款第18条第4項により、すでにお支払いいただいた使用料およびご請求済みの使用料の払い戻しはございません。', RETRIEVE_DATA],
  };
};

/** Art 45-7 (Q1–Q5): data endDate, the target, reason 'termination' for a termination for non-payment. */
export const dataRetrievalReminder: Template<'data_retrieval_reminder'> = (n) => {
  const endDate = n.data.endDate;
  const end = ja(endDate);
  const termination = n.data.reason === 'termination';
  const lineText = targetLineText(n.data.target);
  const lead = termination
    ? [
        `ご契約は、未払いのご請求のお支払いが確認できないため、約款第24条に基づき${end ? `${end}付けで` : ''}解除される予定です。契約の解除により、仮想デスクトップの提供も終了いたします。`,
        '現在、ご契約は利用停止中のため、仮想デスクトップにはログインいただけません。データを回収される場合は、未払いのご請求額を全額お支払いいただき、利用を再開してください。',
        'お支払いが確認できた場合、契約の解除は行われません。',
      ]
    : [
        `${lineText ? `${lineText}の` : 'ご契約の'}サービス提供終了日${end ? `（${end}）` : ''}が近づいてまいりましたので、ご案内いたします。`,
        '約款第45条第7項に基づき、仮想デスクトップ内に保存されたデータ等は、サービス提供終了日までに、お客様ご自身の責任と負担において回収または抹消してください。',
      ];
  return {
    title: 'データ回収のお願い',
    lead,
    tables: [
      fields('対象のご契約', [
        ...contractRows(n, unitAccounts(n.data.target)),
        ['対象', lineText ?? 'ご契約全体の仮想デスクトップ'],
        [termination ? '契約解除予定日' : 'サービス提供終了日', end],
        [termination ? '契約解除予定日まで' : 'サービス提供終了日まで', daysLeft(n.date, endDate)],
      ]),
    ],
    closing: [
      '終了後、仮想デスクトップはデータとともに削除され、復元することはできません。',
      '当社は、当該期日後に生じたデータ等の滅失または損傷について責任を負いかねますので、あらかじめご了承ください。',
    ],
  };
};
