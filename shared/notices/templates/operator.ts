/** The operator's own mails: a desktop job that failed (W5), a notice that hard-bounced, a deposit the bank cancelled (B5). */
import { formatYenJa, instantText, ja, nonEmpty } from '../format.ts';
import { fields } from '../layout.ts';
import type { Template } from './common.ts';

/** W5: a desktop job failed permanently (to the operator; never retried by itself). */
export const desktopJobFailed: Template<'desktop_job_failed'> = (n) => ({
  title: '仮想デスクトップ処理失敗のお知らせ',
  lead: ['次の仮想デスクトップ処理が、自動では解消できない理由により失敗しました。この処理は自動では再実行されません。'],
  tables: [
    fields('失敗した処理', [
      ['処理番号', nonEmpty(n.data.job)],
      ['契約番号', n.unitId ?? undefined],
      ['対象契約', n.lineId],
      ['処理', nonEmpty(n.data.action)],
      ['エラーコード', nonEmpty(n.data.code)],
      ['内容', nonEmpty(n.data.message)],
      ['対象アカウント', nonEmpty(n.data.userName)],
    ]),
  ],
  closing: [
    '原因を解消したうえで、管理APIの POST /desktop-jobs/{処理番号}/retry により再実行してください。失敗した処理の一覧は GET /desktop-jobs?status=failed で確認できます。',
  ],
});

/** To the operator: data noticeId, noticeType, noticeUnit, noticeDate, recipient, bounceSubType, diagnostic, bouncedAt. */
export const noticeBounced: Template<'notice_bounced'> = (n) => ({
  title: 'お客様への通知が配信できませんでした（ハードバウンス）',
  lead: [
    '下記の通知は、受信側のメールサーバーから恒久的な配信エラー（ハードバウンス）が返され、お客様に届いておりません。',
    '約款上の通知は登録されたメールアドレスへの発信をもって到達したものとみなされますが、お客様が内容を確認できていない可能性があります。',
  ],
  tables: [
    fields('配信できなかった通知', [
      ['通知番号', nonEmpty(n.data.noticeId)],
      ['通知の種類', nonEmpty(n.data.noticeType)],
      ['契約番号', nonEmpty(n.data.noticeUnit)],
      ['通知日', ja(n.data.noticeDate)],
      ['宛先', nonEmpty(n.data.recipient)],
      ['バウンスの種類', nonEmpty(n.data.bounceSubType)],
      ['受信側の応答', nonEmpty(n.data.diagnostic)],
      ['バウンス日時', instantText(n.data.bouncedAt)],
    ]),
  ],
  closing: [
    'お客様に連絡先をご確認いただき、登録アドレスを変更（PATCH /units/{id}/contact）したうえで、通知を再送（POST /notices/{id}/resend）してください。',
  ],
});

/** MONEY-IN B5: to the operator — the bank cancelled a deposit; its payments were voided. */
export const depositCancelled: Template<'deposit_cancelled'> = (n) => {
  const payments = n.data.payments;
  return {
    title: '入金取消のお知らせ',
    lead: [
      '銀行から入金の取消（振込入金通知の取消区分 1）を受け付けました。',
      payments.length
        ? 'この入金による消込を取り消し、下記のご請求は未払いに戻しました。すでにお客様へ送付した通知は取り消しておりません。必要に応じてお客様へご連絡ください。'
        : 'この入金は消込前（未照合または預り金）であったため、入金の記録のみを取り消しました。',
    ],
    tables: [
      fields('取消された入金', [
        ['入金ID', nonEmpty(n.data.deposit)],
        ['勘定日', ja(n.data.valueDate)],
        ['照会番号', nonEmpty(n.data.inquiry)],
        ['振込依頼人名', nonEmpty(n.data.remitter)],
        ['金額', formatYenJa(n.data.amount)],
      ]),
      ...(payments.length
        ? [
            {
              kind: 'list' as const,
              caption: '未払いに戻したご請求',
              columns: ['請求書番号', '取り消した金額'],
              rows: payments.map((p) => [p.invoiceId, formatYenJa(p.amount)]),
            },
          ]
        : []),
    ],
    closing: ['翌日の日次処理から、これらのご請求には約款どおりの督促の規定が適用されます。'],
  };
};
