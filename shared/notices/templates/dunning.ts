/** Dunning (Art 23, 24, 31) and resumption. */
import { formatYenJa, ja, nonEmpty, yenOf } from '../format.ts';
import { fields } from '../layout.ts';
import { contractRows, describeInvoice, type Template } from './common.ts';

/** D2, I2: data invoice (id), issueDate, dueDate, total, balance, whether it is a late-interest invoice and the interest-free date; to the payer. */
export const paymentOverdue: Template<'payment_overdue'> = (n) => {
  const id = nonEmpty(n.data.invoice);
  const issued = ja(n.data.issueDate);
  const dueDate = n.data.dueDate;
  const total = n.data.total;
  const balance = n.data.balance;
  const paid = total > balance ? total - balance : undefined;
  const interestBearing = !n.data.lateInterest;
  const interestFreeUntil = n.data.interestFreeUntil;
  return {
    title: 'お支払期日経過のお知らせ',
    lead: [
      `${issued ? `${issued}発行の` : '下記の'}${interestBearing ? '' : '延滞利息の'}ご請求書につきまして、お支払期日${dueDate ? `（${ja(dueDate)}）` : ''}を過ぎておりますが、現時点でご入金を確認できておりません。`,
      `お手数ですが、未払い残高${formatYenJa(balance)}を至急お支払いくださいますようお願い申し上げます。なお、約款第28条第3項により、振込手数料はお客様のご負担となります。`,
      ...(interestBearing && interestFreeUntil
        ? [
            `${ja(interestFreeUntil)}までにお支払いいただいた場合、延滞利息はかかりません。それ以降のお支払いとなった場合は、約款第31条に基づき、支払期日の翌日からお支払いの日の前日までの日数について、年14.5%の割合で計算した延滞利息をご請求いたします。`,
          ]
        : []),
    ],
    tables: [
      fields('未払いのご請求', [
        ...contractRows(n),
        ['請求書番号', id],
        ['発行日', issued],
        ['お支払期日', ja(dueDate)],
        ['ご請求金額', yenOf(total)],
        ['ご入金済みの額', yenOf(paid)],
        ['未払い残高', yenOf(balance)],
      ]),
    ],
    closing: [
      'お支払いが確認できない状態が続いた場合、約款第23条に基づき、本サービスの利用を停止させていただくことがあります。',
      'なお、本メールと行き違いでお支払いいただいている場合は、ご容赦ください。',
    ],
  };
};

/** Art 23-2 (D2): data invoices (id, issue date, kind), suspensionOn; to the agent for agent sales. */
export const suspensionWarning: Template<'suspension_warning'> = (n) => {
  const invoices = n.data.invoices;
  const on = ja(n.data.suspensionOn);
  return {
    title: 'サービス利用停止のご予告',
    lead: [
      'お支払期日を過ぎたご請求について、現時点でご入金を確認できておりません。',
      `このままお支払いが確認できない場合、約款第23条に基づき、${on ? `${on}より` : ''}本サービスの利用を停止させていただきます。利用停止中は、すべてのアカウントで本サービスにログインいただけなくなります。`,
      '利用停止を避けるため、お早めに未払いのご請求額を全額お支払いくださいますようお願い申し上げます。',
    ],
    tables: [
      fields('利用停止のご予告', [
        ...contractRows(n),
        ['対象のご請求書', invoices.length > 0 ? invoices.map(describeInvoice).join('、') : undefined],
        ['利用停止予定日', on],
      ]),
    ],
    closing: [
      '約款第23条第1項により、利用停止となった場合でも使用料の払い戻しはございません。',
      'なお、本メールと行き違いでお支払いいただいている場合は、ご容赦ください。',
    ],
  };
};

/** Art 23 (D3): data suspendedOn, terminationOn. */
export const suspended: Template<'suspended'> = (n) => {
  const on = ja(n.data.suspendedOn);
  const termination = ja(n.data.terminationOn);
  return {
    title: 'サービス利用停止のお知らせ',
    lead: [
      `お支払期日を過ぎたご請求のお支払いが確認できないため、約款第23条に基づき、${on ? `${on}より` : ''}本サービスの利用を停止いたしました。利用停止中は、すべてのアカウントで本サービスにログインいただけません。`,
      '未払いのご請求額を全額お支払いいただいた場合は、お支払いを確認した日に利用を再開いたします。',
      `${termination ? `${termination}までに` : 'このまま'}お支払いが確認できない場合、約款第24条に基づき、本サービス契約を解除させていただきます。`,
    ],
    tables: [fields('利用停止の内容', [...contractRows(n, n.data.accounts), ['利用停止日', on], ['契約解除予定日', termination]])],
    closing: [
      '約款第23条第1項により、利用停止期間中の使用料の払い戻しはございません。',
      '契約が解除された場合、仮想デスクトップはデータとともに削除されます。なお、本メールと行き違いでお支払いいただいている場合は、ご容赦ください。',
    ],
  };
};

/** D4, L5: data resumedOn. */
export const serviceResumed: Template<'service_resumed'> = (n) => {
  const on = ja(n.data.resumedOn);
  return {
    title: 'サービス利用再開のお知らせ',
    lead: [
      `未払いのご請求のお支払いを確認いたしましたので、${on ? `${on}より` : ''}本サービスの利用を再開いたしました。`,
      'すべてのアカウントで、これまでどおり本サービスをご利用いただけます。',
    ],
    tables: [fields('利用再開の内容', [...contractRows(n, n.data.accounts), ['利用再開日', on]])],
    closing: ['お支払いいただき、誠にありがとうございました。引き続き本サービスをよろしくお願い申し上げます。'],
  };
};

/** Art 24-3 (D6): data terminationOn; to the agent for agent sales. */
export const terminationNotice: Template<'termination_notice'> = (n) => {
  const on = ja(n.data.terminationOn);
  return {
    title: '契約解除のご予告',
    lead: [
      '本サービスの利用停止後も、未払いのご請求のお支払いが確認できておりません。',
      `このままお支払いが確認できない場合、約款第24条に基づき、${on ? `${on}付けで` : ''}本サービス契約を解除させていただきます。契約解除後は、本サービスをご利用いただけなくなります。`,
      '契約の解除を避けるため、お早めに未払いのご請求額を全額お支払いくださいますようお願い申し上げます。お支払いを確認した日に利用を再開いたします。',
    ],
    tables: [fields('契約解除のご予告', [...contractRows(n, n.data.accounts), ['契約解除予定日', on]])],
    closing: [
      '約款第24条第1項により、契約が解除された場合でも使用料の払い戻しはございません。',
      '契約が解除された場合、仮想デスクトップはデータとともに削除され、復元することはできません。',
    ],
  };
};

/** Art 24 (D7): data terminatedOn. */
export const terminated: Template<'terminated'> = (n) => {
  const on = ja(n.data.terminatedOn);
  return {
    title: '契約解除のお知らせ',
    lead: [
      `未払いのご請求のお支払いが確認できなかったため、約款第24条に基づき、${on ? `${on}付けで` : ''}本サービス契約を解除いたしました。`,
      '本サービスは、すでにご利用いただけなくなっております。仮想デスクトップをご利用の場合、仮想デスクトップはデータとともに削除されます。',
    ],
    tables: [fields('解除したご契約', [...contractRows(n, n.data.accounts), ['契約解除日', on]])],
    closing: [
      '約款第24条第1項により、お支払いいただいた使用料の払い戻しはございません。',
      '未払いのご請求額につきましては、契約解除後も引き続きお支払いいただく必要があります。',
    ],
  };
};
