/** The application notices (Art 6, 7; P13: to the account manager only) and the account kit's (W3). */
import type { LocalDate } from '#domain/calendar.ts';
import { ja, nonEmpty } from '../format.ts';
import { fields, type Table } from '../layout.ts';
import { contractRows, type Template } from './common.ts';

/** W3: what the mails say about the account kit, exactly as the system behaves. */
function kitParagraphs(url: string, expiresOn: LocalDate): string[] {
  return [
    '各アカウントの初期パスワードは、安全のため本メールには記載しておりません。',
    `本サービス利用キット（全アカウントのユーザ名と初期パスワード、登録コード、クライアントソフトウェアのダウンロード先）は、次のリンクから一度に限り取得いただけます：${url}`,
    `リンクの有効期限は${ja(expiresOn)}です。一度取得されると、または有効期限を過ぎると、リンクは無効となり、当社の保管する初期パスワードは消去されます。取得した内容は安全な場所に保管し、各利用者へ個別にお伝えください。`,
    '仮想デスクトップの準備が整う前にリンクを開かれた場合は「準備中」と表示され、取得済みにはなりません。しばらくしてから再度お開きください。',
    '初期パスワードは、初回のサインイン後に各利用者ご自身で速やかに変更してください。',
    'リンクを紛失された場合や有効期限を過ぎた場合は、当社までご連絡ください。新しい初期パスワードとリンクを発行いたします。発行後は、以前の初期パスワードとリンクは使用できません。',
  ];
}

function userNameTable(names: readonly string[], total: number): Table | null {
  if (names.length === 0) return null;
  const caption =
    total > names.length ? `ユーザ名（全${total}件のうち先頭${names.length}件。全件は本サービス利用キットに記載）` : 'ユーザ名';
  return { kind: 'list', caption, columns: ['ユーザ名'], rows: names.map((u) => [u]) };
}

/** Art 6-1, 7: the サービス提供開始通知書 with the start date, the first user names and the one-time kit link (no passwords). */
export const applicationAccepted: Template<'application_accepted'> = (n, ctx) => {
  const tables: Table[] = [fields('ご契約内容', [...contractRows(n, n.data.accounts), ['提供開始日', ja(n.data.startDate)]])];
  const names = userNameTable(n.data.userNames, n.data.userNamesTotal);
  if (names) tables.push(names);
  const kit = n.data.kit;
  return {
    title: 'サービス提供開始通知書',
    lead: [
      `本サービス契約のお申し込みを承諾いたしましたので、約款第7条に基づき「${ctx.serviceName}」サービス提供開始通知書をお送りいたします。`,
      '本サービス契約は、本通知書の到達をもって成立いたします（約款第6条第1項）。下記の提供開始日より本サービスをご利用いただけます。',
    ],
    tables,
    closing: kit && kit.url !== '' ? kitParagraphs(kit.url, kit.expiresOn) : [],
  };
};

/** W3: an account kit issued again by the operator (new initial passwords, a new link). */
export const accountKit: Template<'account_kit'> = (n) => {
  return {
    title: '本サービス利用キット再発行のお知らせ',
    lead: [
      'ご依頼により、本サービス利用キットを再発行いたしました。全アカウントの初期パスワードを新たに設定いたしましたので、以前の初期パスワードおよび以前のリンクはご利用いただけません。',
    ],
    tables: [
      fields('ご契約内容', [
        ['契約番号', n.unitId ?? undefined],
        ['アカウント数', String(n.data.accounts)],
      ]),
    ],
    closing: kitParagraphs(n.data.kitUrl, n.data.kitExpiresOn),
  };
};

/** Art 6-2, 6-3: refusal with its reason. */
export const applicationRejected: Template<'application_rejected'> = (n) => {
  return {
    title: 'ご契約お申し込み不承諾のお知らせ',
    lead: [
      '誠に恐縮ではございますが、下記のお申し込みにつきましては、約款第6条第2項に基づき、承諾いたしかねる結果となりました。理由は下記のとおりです。',
    ],
    tables: [fields('お申し込み内容', [...contractRows(n, n.data.accounts), ['不承諾の理由', nonEmpty(n.data.reason)]])],
    closing: ['ご期待に沿えず申し訳ございません。何卒ご理解を賜りますようお願い申し上げます。'],
  };
};

/** Art 6-2, 6-3: deferral with its reason and the expected acceptance date. */
export const applicationDeferred: Template<'application_deferred'> = (n) => {
  return {
    title: 'ご契約お申し込み承諾延期のお知らせ',
    lead: [
      '誠に恐縮ではございますが、下記のお申し込みにつきましては、約款第6条第2項に基づき、承諾を延期させていただくこととなりました。延期の理由と承諾の見込み時期は下記のとおりです。',
    ],
    tables: [
      fields('お申し込み内容', [
        ...contractRows(n, n.data.accounts),
        ['延期の理由', nonEmpty(n.data.reason)],
        ['承諾予定日', ja(n.data.expectedOn)],
      ]),
    ],
    closing: ['承諾の準備が整い次第、あらためてご連絡いたします。お待たせして申し訳ございませんが、何卒よろしくお願い申し上げます。'],
  };
};
