/**
 * The mails of the notices (RULES §2, §11; DETAILS X6): a Japanese subject, plain text and
 * HTML rendered from a Notice, and the X-Kokona-* headers the simulator reads back.
 *
 * Every mail is addressed to `n.to.name 様`, names the contract number (契約番号 = unit id)
 * and ends with the operator's footer. Every notice type has its own wording, driven by the
 * data the domain puts in the notice (lifecycle, contracts, billing, dunning, payments,
 * outages, maintenance); a field that is missing is left out rather than shown empty.
 * `invoice_issued` carries the whole Invoice and is laid out as a 適格請求書 (Art 28–31).
 * Passwords never go in a mail [interp: security]: the サービス提供開始通知書 lists the user
 * names of the kit and says where the initial credentials are obtained.
 *
 * Pure: no clock, no I/O. Dates are formatted from their `YYYY-MM-DD` text, instants in Japan time.
 */
import { addDays, daysBetween, formatJst, parseInstant, parseLocalDate, parts, type LocalDate } from './calendar.ts';
import type { Notice, NoticeType } from './effects.ts';
import type { Invoice, InvoiceLine } from './invoices.ts';
import { formatYen, type Yen } from './money.ts';
import { cancellationDeadline, renewal } from './terms.ts';

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
interface FieldTable {
  readonly kind: 'fields';
  readonly caption: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

/** Numbered rows with one or more columns (the user names of the kit …). */
interface ListTable {
  readonly kind: 'list';
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A table with a header row and aligned columns (the lines of an invoice). */
interface GridTable {
  readonly kind: 'grid';
  readonly caption: string;
  readonly columns: readonly { readonly label: string; readonly align: 'left' | 'right' }[];
  readonly rows: readonly (readonly string[])[];
}

/** Label / amount rows with the amounts right-aligned (the totals of an invoice). */
interface AmountTable {
  readonly kind: 'amounts';
  readonly caption: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

type Table = FieldTable | ListTable | GridTable | AmountTable;

/** What a template decides; `compose` lays it out as text and HTML the same way for every notice. */
interface Letter {
  /** Subject after the 【service】 prefix and before the contract number. */
  readonly title: string;
  /** Paragraphs after the salutation and greeting. */
  readonly lead: readonly string[];
  readonly tables: readonly Table[];
  /** Paragraphs after the tables. */
  readonly closing: readonly string[];
}

type Template = (n: Notice, ctx: NoticeContext) => Letter;

/** Escapes the five HTML-significant characters; every interpolated value goes through it. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2024-02-15` → `2024年2月15日`. */
export function formatJapaneseDate(d: LocalDate): string {
  const { year, month, day } = parts(d);
  return `${year}年${month}月${day}日`;
}

/** An ISO-8601 instant (any offset; none = Japan time) in Japan time: `2025年5月1日 9時00分`; null when malformed. */
export function formatJapaneseDateTime(s: unknown): string | null {
  const jst = jstParts(s);
  return jst && `${formatJapaneseDate(jst.day)} ${jst.time}`;
}

/** 720000 → `720,000円`. */
export function formatYenJa(n: number): string {
  return `${formatYen(n as Yen)}円`;
}

/** DETAILS X6. Values are ASCII (ids, types, dates); `X-Kokona-Unit` is empty for operator notices. */
export function noticeHeaders(n: Notice): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Kokona-Notice': n.type,
    'X-Kokona-Unit': n.unitId ?? '',
    ...(n.lineId ? { 'X-Kokona-Line': n.lineId } : {}),
    'X-Kokona-Date': n.date,
    'X-Kokona-Role': n.role,
    'X-Kokona-Notice-Id': n.id,
    ...(n.refs?.invoice ? { 'X-Kokona-Invoice': n.refs.invoice } : {}),
    ...(n.refs?.outage ? { 'X-Kokona-Outage': n.refs.outage } : {}),
    ...(n.refs?.maintenance ? { 'X-Kokona-Maintenance': n.refs.maintenance } : {}),
  };
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`header ${name} must be printable ASCII: ${JSON.stringify(value)}`);
  }
  return headers;
}

export function renderNotice(n: Notice, ctx: NoticeContext): RenderedNotice {
  const letter = TEMPLATES[n.type](n, ctx);
  const subject = `【${ctx.serviceName}】${letter.title}${n.unitId ? `（契約番号 ${n.unitId}）` : ''}`;
  const body: Letter = { ...letter, lead: [...greeting(n, ctx), ...letter.lead], closing: [...letter.closing, ...inquiry(n)] };
  return { subject, text: toText(n, ctx, body), html: toHtml(n, ctx, subject, body) };
}

// ---------------------------------------------------------------------------------------------
// Reading and formatting the data (every field may be missing: the template leaves it out)

type Data = Notice['data'];
type Row = readonly [string, string | undefined];

function stringField(data: Data, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function numberField(data: Data, key: string): number | undefined {
  const v = data[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function dateField(data: Data, key: string): LocalDate | undefined {
  return parseLocalDate(data[key]) ?? undefined;
}

/** A date in Japanese, or undefined. */
function ja(d: LocalDate | undefined | null): string | undefined {
  return d ? formatJapaneseDate(d) : undefined;
}

function yenOf(n: number | undefined | null): string | undefined {
  return n === undefined || n === null ? undefined : formatYenJa(n);
}

/** The Japan-time date and `H時MM分` of an instant. */
function jstParts(s: unknown): { day: LocalDate; time: string } | null {
  const t = parseInstant(s);
  if (t === null) return null;
  const jst = formatJst(t); // YYYY-MM-DDTHH:MM:SS+09:00
  return { day: jst.slice(0, 10) as LocalDate, time: `${Number(jst.slice(11, 13))}時${jst.slice(14, 16)}分` };
}

function instantField(data: Data, key: string): string | undefined {
  return formatJapaneseDateTime(data[key]) ?? undefined;
}

/** `from～to` in Japan time; the date is not repeated when both are on the same day. */
function instantRange(from: unknown, to: unknown): string | undefined {
  const a = jstParts(from);
  const b = jstParts(to);
  if (a && b) return `${formatJapaneseDate(a.day)} ${a.time}～${a.day === b.day ? '' : `${formatJapaneseDate(b.day)} `}${b.time}`;
  if (a) return `${formatJapaneseDate(a.day)} ${a.time}～`;
  if (b) return `～${formatJapaneseDate(b.day)} ${b.time}`;
  return undefined;
}

function dateRange(from: LocalDate | undefined, to: LocalDate | undefined): string | undefined {
  if (!from && !to) return undefined;
  return `${ja(from) ?? ''}～${ja(to) ?? ''}`;
}

/** 121.5 → `121時間30分`, 120 → `120時間`. */
function hoursText(h: number | undefined): string | undefined {
  if (h === undefined || h < 0) return undefined;
  const whole = Math.floor(h);
  const minutes = Math.round((h - whole) * 60);
  if (minutes === 60) return `${whole + 1}時間`;
  return minutes === 0 ? `${whole}時間` : `${whole}時間${minutes}分`;
}

/** Days from the notice date to `d`, as `あと7日` (nothing once it has passed). */
function daysLeft(n: Notice, d: LocalDate | undefined): string | undefined {
  if (!d) return undefined;
  const k = daysBetween(n.date, d);
  return k > 0 ? `あと${k}日` : k === 0 ? '本日' : undefined;
}

/** Rows whose value is missing are left out. */
function fields(caption: string, rows: readonly Row[]): FieldTable {
  return { kind: 'fields', caption, rows: rows.filter((r): r is readonly [string, string] => r[1] !== undefined) };
}

/** 契約番号, 契約者 and plan of every unit notice (the contract number is absent for operator notices). */
function contractRows(n: Notice, opts: { accounts?: boolean } = {}): Row[] {
  const accounts = numberField(n.data, 'accounts');
  return [
    ['契約番号', n.unitId ?? undefined],
    ['契約者', stringField(n.data, 'contractorName')],
    ['ご契約プラン', stringField(n.data, 'plan')],
    ...(opts.accounts ? [['アカウント数', accounts === undefined ? undefined : String(accounts)] as Row] : []),
  ];
}

/** `acme.2024-03-01.fees` → `2024年3月1日発行のご請求書（請求書番号 acme.2024-03-01.fees）`. */
function describeInvoice(id: string): string {
  const m = /^.+\.(\d{4}-\d{2}-\d{2})\.(fees|late_interest)$/.exec(id);
  const issued = m ? parseLocalDate(m[1]) : null;
  if (!m || !issued) return `請求書番号 ${id}`;
  return `${formatJapaneseDate(issued)}発行の${m[2] === 'late_interest' ? '延滞利息の' : ''}ご請求書（請求書番号 ${id}）`;
}

const isLateInterestId = (id: string | undefined) => id !== undefined && /\.late_interest$/.test(id);

const RETRIEVE_DATA = '仮想デスクトップをご利用の場合は、約款第45条第7項に基づき、サービス提供終了日までに、お客様ご自身の責任と負担において仮想デスクトップ内のデータ等を回収または抹消してください。';

// ---------------------------------------------------------------------------------------------
// Applications (Art 6, 7)

/** The application notices' data (P13: to the account manager only). */
interface ApplicationData {
  readonly contractorName?: string;
  readonly plan?: string;
  readonly accounts?: number;
  readonly startDate?: LocalDate;
  readonly userNames: readonly string[];
  readonly reason?: string;
  readonly expectedOn?: LocalDate;
}

function applicationData(data: Data): ApplicationData {
  const userNames = Array.isArray(data['userNames']) ? data['userNames'].filter((u): u is string => typeof u === 'string') : [];
  return {
    contractorName: stringField(data, 'contractorName'),
    plan: stringField(data, 'plan'),
    accounts: numberField(data, 'accounts'),
    startDate: dateField(data, 'startDate'),
    userNames,
    reason: stringField(data, 'reason'),
    expectedOn: dateField(data, 'expectedOn'),
  };
}

function applicationRows(n: Notice, d: ApplicationData): Row[] {
  return [
    ['契約番号', n.unitId ?? undefined],
    ['契約者', d.contractorName],
    ['ご契約プラン', d.plan],
    ['アカウント数', d.accounts === undefined ? undefined : String(d.accounts)],
  ];
}

/** W3: what the mails say about the account kit, exactly as the system behaves. */
function kitParagraphs(url: string, expiresOn: LocalDate | undefined): string[] {
  return [
    '各アカウントの初期パスワードは、安全のため本メールには記載しておりません。',
    `本サービス利用キット（全アカウントのユーザ名と初期パスワード、登録コード、クライアントソフトウェアのダウンロード先）は、次のリンクから一度に限り取得いただけます：${url}`,
    `リンクの有効期限は${ja(expiresOn)}です。一度取得されると、または有効期限を過ぎると、リンクは無効となり、当社の保管する初期パスワードは消去されます。取得した内容は安全な場所に保管し、各利用者へ個別にお伝えください。`,
    '仮想デスクトップの準備が整う前にリンクを開かれた場合は「準備中」と表示され、取得済みにはなりません。しばらくしてから再度お開きください。',
    '初期パスワードは、初回のサインイン後に各利用者ご自身で速やかに変更してください。',
    'リンクを紛失された場合や有効期限を過ぎた場合は、当社までご連絡ください。新しい初期パスワードとリンクを発行いたします。発行後は、以前の初期パスワードとリンクは使用できません。',
  ];
}

function userNameTable(names: readonly string[], total: number | undefined): Table | null {
  if (names.length === 0) return null;
  const caption = total !== undefined && total > names.length ? `ユーザ名（全${total}件のうち先頭${names.length}件。全件は本サービス利用キットに記載）` : 'ユーザ名';
  return { kind: 'list', caption, columns: ['ユーザ名'], rows: names.map((u) => [u]) };
}

/** Art 6-1, 7: the サービス提供開始通知書 with the start date, the first user names and the one-time kit link (no passwords). */
const applicationAccepted: Template = (n, ctx) => {
  const d = applicationData(n.data);
  const tables: Table[] = [fields('ご契約内容', [...applicationRows(n, d), ['提供開始日', ja(d.startDate)]])];
  const names = userNameTable(d.userNames, numberField(n.data, 'userNamesTotal'));
  if (names) tables.push(names);
  const kitUrl = stringField(n.data, 'kitUrl');
  return {
    title: 'サービス提供開始通知書',
    lead: [
      `本サービス契約のお申し込みを承諾いたしましたので、約款第7条に基づき「${ctx.serviceName}」サービス提供開始通知書をお送りいたします。`,
      '本サービス契約は、本通知書の到達をもって成立いたします（約款第6条第1項）。下記の提供開始日より本サービスをご利用いただけます。',
    ],
    tables,
    closing: kitUrl ? kitParagraphs(kitUrl, dateField(n.data, 'kitExpiresOn')) : [],
  };
};

/** W3: an account kit issued again by the operator (new initial passwords, a new link). */
const accountKit: Template = (n) => {
  const url = stringField(n.data, 'kitUrl') ?? '';
  return {
    title: '本サービス利用キット再発行のお知らせ',
    lead: [
      'ご依頼により、本サービス利用キットを再発行いたしました。全アカウントの初期パスワードを新たに設定いたしましたので、以前の初期パスワードおよび以前のリンクはご利用いただけません。',
    ],
    tables: [fields('ご契約内容', [['契約番号', n.unitId ?? undefined], ['アカウント数', numberField(n.data, 'accounts') === undefined ? undefined : String(numberField(n.data, 'accounts'))]])],
    closing: kitParagraphs(url, dateField(n.data, 'kitExpiresOn')),
  };
};

/** W5: a desktop job failed permanently (to the operator; never retried by itself). */
const desktopJobFailed: Template = (n) => ({
  title: '仮想デスクトップ処理失敗のお知らせ',
  lead: [
    '次の仮想デスクトップ処理が、自動では解消できない理由により失敗しました。この処理は自動では再実行されません。',
  ],
  tables: [
    fields('失敗した処理', [
      ['処理番号', stringField(n.data, 'job')],
      ['契約番号', n.unitId ?? undefined],
      ['対象契約', n.lineId],
      ['処理', stringField(n.data, 'action')],
      ['エラーコード', stringField(n.data, 'code')],
      ['内容', stringField(n.data, 'message')],
      ['対象アカウント', stringField(n.data, 'userName')],
    ]),
  ],
  closing: [
    '原因を解消したうえで、管理APIの POST /desktop-jobs/{処理番号}/retry により再実行してください。失敗した処理の一覧は GET /desktop-jobs?status=failed で確認できます。',
  ],
});

/** Art 6-2, 6-3: refusal with its reason. */
const applicationRejected: Template = (n) => {
  const d = applicationData(n.data);
  return {
    title: 'ご契約お申し込み不承諾のお知らせ',
    lead: [
      '誠に恐縮ではございますが、下記のお申し込みにつきましては、約款第6条第2項に基づき、承諾いたしかねる結果となりました。理由は下記のとおりです。',
    ],
    tables: [fields('お申し込み内容', [...applicationRows(n, d), ['不承諾の理由', d.reason]])],
    closing: ['ご期待に沿えず申し訳ございません。何卒ご理解を賜りますようお願い申し上げます。'],
  };
};

/** Art 6-2, 6-3: deferral with its reason and the expected acceptance date. */
const applicationDeferred: Template = (n) => {
  const d = applicationData(n.data);
  return {
    title: 'ご契約お申し込み承諾延期のお知らせ',
    lead: [
      '誠に恐縮ではございますが、下記のお申し込みにつきましては、約款第6条第2項に基づき、承諾を延期させていただくこととなりました。延期の理由と承諾の見込み時期は下記のとおりです。',
    ],
    tables: [fields('お申し込み内容', [...applicationRows(n, d), ['延期の理由', d.reason], ['承諾予定日', ja(d.expectedOn)]])],
    closing: ['承諾の準備が整い次第、あらためてご連絡いたします。お待たせして申し訳ございませんが、何卒よろしくお願い申し上げます。'],
  };
};

// ---------------------------------------------------------------------------------------------
// The running contract (Art 14, 17, 18, 45)

/** Art 17 (M3): one mail to the previous and one to the new account manager; data previous, current, changedOn. */
const contactChanged: Template = (n) => {
  const previous = stringField(n.data, 'previous');
  const current = stringField(n.data, 'current');
  const changedOn = ja(dateField(n.data, 'changedOn'));
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

/** Art 14, 18 (RULES §9): data termEnd, deadline, renewalFee (tax-exclusive). */
const renewalReminder: Template = (n) => {
  const termEnd = dateField(n.data, 'termEnd');
  const deadline = dateField(n.data, 'deadline') ?? (termEnd && cancellationDeadline(termEnd));
  const fee = numberField(n.data, 'renewalFee');
  const next = termEnd && renewal(termEnd);
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
        ...contractRows(n, { accounts: true }),
        ['契約期間満了日', ja(termEnd)],
        ['解約申込期限', deadline && `${ja(deadline)}${daysLeft(n, deadline) ? `（${daysLeft(n, deadline)}）` : ''}`],
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

/** Art 14 (R3): data termFrom, termTo, annualFee (tax-exclusive). */
const renewed: Template = (n) => {
  const from = dateField(n.data, 'termFrom');
  const to = dateField(n.data, 'termTo');
  const fee = numberField(n.data, 'annualFee');
  const nextDeadline = to && cancellationDeadline(to);
  return {
    title: '契約更新のお知らせ',
    lead: [
      '解約申込期限までに解約のお申し込みがなかったため、ご契約は約款第14条に基づき1年間自動更新されましたので、お知らせいたします。',
      ...(from || to ? [`更新後の契約期間（延長契約期間）は${dateRange(from, to)}です。`] : []),
    ],
    tables: [
      fields('更新後のご契約', [
        ...contractRows(n, { accounts: true }),
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

/** Art 18 (C9): data endDate, and line + accounts for the cancellation of one additional contract. */
const cancellationAccepted: Template = (n) => {
  const end = ja(dateField(n.data, 'endDate'));
  const line = stringField(n.data, 'line');
  const accounts = numberField(n.data, 'accounts');
  const lineText = line && `追加契約 ${line}${accounts !== undefined ? `（${accounts}アカウント）` : ''}`;
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
        ...contractRows(n, { accounts: !line }),
        ['解約の対象', lineText ?? 'ご契約全体（基本契約および追加契約）'],
        ['サービス提供終了日', end],
      ]),
    ],
    closing: ['約款第18条第4項により、すでにお支払いいただいた使用料およびご請求済みの使用料の払い戻しはございません。', RETRIEVE_DATA],
  };
};

/** Art 45-7 (Q1–Q5): data endDate, optional line + accounts, reason 'termination' for a termination for non-payment. */
const dataRetrievalReminder: Template = (n) => {
  const endDate = dateField(n.data, 'endDate');
  const end = ja(endDate);
  const line = stringField(n.data, 'line');
  const accounts = numberField(n.data, 'accounts');
  const termination = stringField(n.data, 'reason') === 'termination';
  const lineText = line && `追加契約 ${line}${accounts !== undefined ? `（${accounts}アカウント）` : ''}`;
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
        ...contractRows(n, { accounts: !line }),
        ['対象', lineText ?? 'ご契約全体の仮想デスクトップ'],
        [termination ? '契約解除予定日' : 'サービス提供終了日', end],
        [termination ? '契約解除予定日まで' : 'サービス提供終了日まで', daysLeft(n, endDate)],
      ]),
    ],
    closing: [
      '終了後、仮想デスクトップはデータとともに削除され、復元することはできません。',
      '当社は、当該期日後に生じたデータ等の滅失または損傷について責任を負いかねますので、あらかじめご了承ください。',
    ],
  };
};

// ---------------------------------------------------------------------------------------------
// Invoices (Art 28–31): the 適格請求書

function asInvoice(v: unknown): Invoice | null {
  if (!isRecord(v) || !Array.isArray(v['lines']) || !v['lines'].every(isRecord)) return null;
  if (typeof v['total'] !== 'number' || !parseLocalDate(v['issueDate'])) return null;
  return v as unknown as Invoice;
}

export const GRID_LINE_COLUMNS: GridTable['columns'] = [
  { label: '項番', align: 'right' },
  { label: '期間', align: 'left' },
  { label: '内容', align: 'left' },
  { label: '数量', align: 'right' },
  { label: '単価（月額）', align: 'right' },
  { label: '金額', align: 'right' },
  { label: '税区分', align: 'left' },
];

/** The description of a late-interest line in Japanese (the domain's names the source invoice by its ref). */
function lineDescription(l: InvoiceLine): string {
  if (l.type === 'late_interest') {
    const m = typeof l.invoice === 'string' ? /\.(\d{4}-\d{2}-\d{2})\.(fees|late_interest)$/.exec(l.invoice) : null;
    const issued = m ? parseLocalDate(m[1]) : null;
    return issued ? `延滞利息（${formatJapaneseDate(issued)}発行のご請求書分、年14.5%）` : '延滞利息（年14.5%）';
  }
  return typeof l.description === 'string' && l.description !== '' ? l.description : 'ご利用料金';
}

function lineQuantity(l: InvoiceLine): string {
  if (typeof l.accounts === 'number' && typeof l.months === 'number') return `${l.accounts}アカウント×${l.months}か月`;
  const from = parseLocalDate(l.from);
  const to = parseLocalDate(l.to);
  if (l.type === 'late_interest' && from && to && daysBetween(from, to) >= 0) return `${daysBetween(from, to) + 1}日`;
  return '1式';
}

export function invoiceLineRow(l: InvoiceLine, i: number, rate: number): string[] {
  return [
    String(i + 1),
    dateRange(parseLocalDate(l.from) ?? undefined, parseLocalDate(l.to) ?? undefined) ?? '－',
    lineDescription(l),
    lineQuantity(l),
    typeof l.unitPrice === 'number' ? formatYenJa(l.unitPrice) : '－',
    formatYenJa(l.amount),
    l.taxable ? `${rate}%` : '非課税',
  ];
}

/** Art 28-3, 30, 31 and the 適格請求書 items: issuer + registration number, recipient, dates, lines, per-rate amounts and tax. */
const invoiceIssued: Template = (n) => {
  const inv = asInvoice(n.data['invoice']);
  if (!inv) return invoiceFallback(n);
  const late = inv.kind === 'late_interest';
  const rate = inv.taxRatePercent;
  const lines = inv.lines;
  const hasTaxable = lines.some((l) => l.taxable) || inv.taxableSubtotal > 0;
  const due = ja(parseLocalDate(inv.dueDate));
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
        ['発行日', ja(parseLocalDate(inv.issueDate))],
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
      { kind: 'grid', caption: 'ご請求明細', columns: GRID_LINE_COLUMNS, rows: lines.map((l, i) => invoiceLineRow(l, i, rate)) },
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
      ...(inv.payTo?.dedicated ? ['お振込先の口座番号は貴社専用の番号です。ご請求ごとに変わることはございません。請求書のPDFを添付しております。'] : ['請求書のPDFを添付しております。']),
      ...(late
        ? []
        : [
            'お支払期日の翌日から起算して10日以内にお支払いがない場合は、約款第31条に基づき、支払期日の翌日からお支払いの日の前日までの日数について、年14.5%の割合で計算した延滞利息をご請求いたします。',
          ]),
      ...(lines.some((l) => !l.taxable) ? ['「税区分」欄が「非課税」の項目には、消費税はかかりません。'] : []),
    ],
  };
};

/** An `invoice_issued` whose data holds no Invoice: the generic letter listing `n.data`. */
function invoiceFallback(n: Notice): Letter {
  return {
    title: 'ご請求書発行のお知らせ',
    lead: ['ご利用料金のご請求書を発行いたしましたので、お知らせいたします。', 'お支払期日までにお支払いくださいますよう、お願い申し上げます。'],
    tables: dataTables(n),
    closing: ['なお、約款第28条第3項により、振込手数料はお客様のご負担となります。'],
  };
}

// ---------------------------------------------------------------------------------------------
// Dunning (Art 23, 24, 31) and resumption

/** D2, I2: data invoice (id), issueDate, dueDate, total, balance; to the payer. */
const paymentOverdue: Template = (n) => {
  const id = stringField(n.data, 'invoice');
  const issued = ja(dateField(n.data, 'issueDate'));
  const dueDate = dateField(n.data, 'dueDate');
  const total = numberField(n.data, 'total');
  const balance = numberField(n.data, 'balance');
  const paid = total !== undefined && balance !== undefined && total > balance ? total - balance : undefined;
  const interestBearing = !isLateInterestId(id);
  return {
    title: 'お支払期日経過のお知らせ',
    lead: [
      `${issued ? `${issued}発行の` : '下記の'}${interestBearing ? '' : '延滞利息の'}ご請求書につきまして、お支払期日${dueDate ? `（${ja(dueDate)}）` : ''}を過ぎておりますが、現時点でご入金を確認できておりません。`,
      `お手数ですが、${balance !== undefined ? `未払い残高${formatYenJa(balance)}を` : ''}至急お支払いくださいますようお願い申し上げます。なお、約款第28条第3項により、振込手数料はお客様のご負担となります。`,
      ...(interestBearing && dueDate
        ? [
            `${ja(addDays(dueDate, 10))}までにお支払いいただいた場合、延滞利息はかかりません。それ以降のお支払いとなった場合は、約款第31条に基づき、支払期日の翌日からお支払いの日の前日までの日数について、年14.5%の割合で計算した延滞利息をご請求いたします。`,
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

/** Art 23-2 (D2): data invoices (ids), suspensionOn; to the agent for agent sales. */
const suspensionWarning: Template = (n) => {
  const ids = Array.isArray(n.data['invoices']) ? n.data['invoices'].filter((i): i is string => typeof i === 'string') : [];
  const on = ja(dateField(n.data, 'suspensionOn'));
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
        ['対象のご請求書', ids.length > 0 ? ids.map(describeInvoice).join('、') : undefined],
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
const suspended: Template = (n) => {
  const on = ja(dateField(n.data, 'suspendedOn'));
  const termination = ja(dateField(n.data, 'terminationOn'));
  return {
    title: 'サービス利用停止のお知らせ',
    lead: [
      `お支払期日を過ぎたご請求のお支払いが確認できないため、約款第23条に基づき、${on ? `${on}より` : ''}本サービスの利用を停止いたしました。利用停止中は、すべてのアカウントで本サービスにログインいただけません。`,
      '未払いのご請求額を全額お支払いいただいた場合は、お支払いを確認した日に利用を再開いたします。',
      `${termination ? `${termination}までに` : 'このまま'}お支払いが確認できない場合、約款第24条に基づき、本サービス契約を解除させていただきます。`,
    ],
    tables: [fields('利用停止の内容', [...contractRows(n, { accounts: true }), ['利用停止日', on], ['契約解除予定日', termination]])],
    closing: [
      '約款第23条第1項により、利用停止期間中の使用料の払い戻しはございません。',
      '契約が解除された場合、仮想デスクトップはデータとともに削除されます。なお、本メールと行き違いでお支払いいただいている場合は、ご容赦ください。',
    ],
  };
};

/** D4, L5: data resumedOn. */
const serviceResumed: Template = (n) => {
  const on = ja(dateField(n.data, 'resumedOn'));
  return {
    title: 'サービス利用再開のお知らせ',
    lead: [
      `未払いのご請求のお支払いを確認いたしましたので、${on ? `${on}より` : ''}本サービスの利用を再開いたしました。`,
      'すべてのアカウントで、これまでどおり本サービスをご利用いただけます。',
    ],
    tables: [fields('利用再開の内容', [...contractRows(n, { accounts: true }), ['利用再開日', on]])],
    closing: ['お支払いいただき、誠にありがとうございました。引き続き本サービスをよろしくお願い申し上げます。'],
  };
};

/** Art 24-3 (D6): data terminationOn; to the agent for agent sales. */
const terminationNotice: Template = (n) => {
  const on = ja(dateField(n.data, 'terminationOn'));
  return {
    title: '契約解除のご予告',
    lead: [
      '本サービスの利用停止後も、未払いのご請求のお支払いが確認できておりません。',
      `このままお支払いが確認できない場合、約款第24条に基づき、${on ? `${on}付けで` : ''}本サービス契約を解除させていただきます。契約解除後は、本サービスをご利用いただけなくなります。`,
      '契約の解除を避けるため、お早めに未払いのご請求額を全額お支払いくださいますようお願い申し上げます。お支払いを確認した日に利用を再開いたします。',
    ],
    tables: [fields('契約解除のご予告', [...contractRows(n, { accounts: true }), ['契約解除予定日', on]])],
    closing: [
      '約款第24条第1項により、契約が解除された場合でも使用料の払い戻しはございません。',
      '契約が解除された場合、仮想デスクトップはデータとともに削除され、復元することはできません。',
    ],
  };
};

/** Art 24 (D7): data terminatedOn. */
const terminated: Template = (n) => {
  const on = ja(dateField(n.data, 'terminatedOn'));
  return {
    title: '契約解除のお知らせ',
    lead: [
      `未払いのご請求のお支払いが確認できなかったため、約款第24条に基づき、${on ? `${on}付けで` : ''}本サービス契約を解除いたしました。`,
      '本サービスは、すでにご利用いただけなくなっております。仮想デスクトップをご利用の場合、仮想デスクトップはデータとともに削除されます。',
    ],
    tables: [fields('解除したご契約', [...contractRows(n, { accounts: true }), ['契約解除日', on]])],
    closing: [
      '約款第24条第1項により、お支払いいただいた使用料の払い戻しはございません。',
      '未払いのご請求額につきましては、契約解除後も引き続きお支払いいただく必要があります。',
    ],
  };
};

// ---------------------------------------------------------------------------------------------
// Outages and maintenance (Art 33–35)

const CAUSES: Readonly<Record<string, string>> = {
  operator_fault: '当社の責めに帰すべき事由（損害賠償の対象）',
  maintenance: '保守・工事（約款第34条第1項第1号）',
  disaster: '天災その他の非常事態（約款第34条第1項第2号）',
  public_interest: '公共の利益のための通信の優先（約款第34条第1項第3号）',
  overload_emergency: '非常事態による設備の輻輳（約款第33条第2項）',
  customer_side: 'お客様側の設備・通信環境（約款第33条第1項）',
  workspaces_provider: '仮想デスクトップ基盤の提供元（約款第45条第3項・第4項）',
};

function scopeText(scope: unknown): string | undefined {
  if (scope === 'all') return 'すべてのご契約';
  if (isRecord(scope)) {
    if (typeof scope['plan'] === 'string') return `プラン「${scope['plan']}」のご契約`;
    if (Array.isArray(scope['units'])) {
      const units = scope['units'].filter((u): u is string => typeof u === 'string');
      return units.length > 0 ? `指定のご契約（${units.join('、')}）` : '指定のご契約';
    }
  }
  return typeof scope === 'string' && scope !== '' ? scope : undefined;
}

/** O3: to the operator (unit null); data outage, knownAt, hours, cause, scope, description. */
const outageThresholdReached: Template = (n) => {
  const id = stringField(n.data, 'outage') ?? n.refs?.outage;
  const hours = hoursText(numberField(n.data, 'hours'));
  const cause = stringField(n.data, 'cause');
  const gross = n.data['grossNegligence'];
  return {
    title: '障害継続時間が損害賠償の基準に達しました',
    lead: [
      `下記の障害について、本サービスが全く利用できない状態が、当社が知った時刻から${hours ? `${hours}` : '基準時間以上'}継続し、約款第35条第1項の損害賠償の基準時間に達しました。`,
      '障害の復旧後、障害を知った時刻に提供中であった対象のご契約ごとに損害賠償額を算定し、各アカウント管理者へ損害賠償額のお知らせを送付いたします。',
    ],
    tables: [
      fields('障害の内容', [
        ['契約番号', n.unitId ?? undefined],
        ['障害番号', id],
        ['検知日時', instantField(n.data, 'knownAt')],
        ['継続時間', hours],
        ['原因', cause && (CAUSES[cause] ?? cause)],
        ['重大な過失', typeof gross === 'boolean' ? (gross ? 'あり' : 'なし') : undefined],
        ['影響範囲', scopeText(n.data['scope'])],
        ['障害内容', stringField(n.data, 'description')],
      ]),
    ],
    closing: ['復旧対応の状況と、お客様へのご案内の要否をご確認ください。'],
  };
};

/** To the operator: data noticeId, noticeType, noticeUnit, noticeDate, recipient, bounceSubType, diagnostic, bouncedAt. */
const noticeBounced: Template = (n) => ({
  title: 'お客様への通知が配信できませんでした（ハードバウンス）',
  lead: [
    '下記の通知は、受信側のメールサーバーから恒久的な配信エラー（ハードバウンス）が返され、お客様に届いておりません。',
    '約款上の通知は登録されたメールアドレスへの発信をもって到達したものとみなされますが、お客様が内容を確認できていない可能性があります。',
  ],
  tables: [
    fields('配信できなかった通知', [
      ['通知番号', stringField(n.data, 'noticeId')],
      ['通知の種類', stringField(n.data, 'noticeType')],
      ['契約番号', stringField(n.data, 'noticeUnit')],
      ['通知日', ja(dateField(n.data, 'noticeDate'))],
      ['宛先', stringField(n.data, 'recipient')],
      ['バウンスの種類', stringField(n.data, 'bounceSubType')],
      ['受信側の応答', stringField(n.data, 'diagnostic')],
      ['バウンス日時', instantField(n.data, 'bouncedAt')],
    ]),
  ],
  closing: [
    'お客様に連絡先をご確認いただき、登録アドレスを変更（PATCH /units/{id}/contact）したうえで、通知を再送（POST /notices/{id}/resend）してください。',
  ],
});

/** Art 35 (O5): data outage, knownAt, endedAt, hours, days, amount, annualFee (tax-exclusive), record (the compensation id). */
const compensationStatement: Template = (n) => {
  const id = stringField(n.data, 'outage') ?? n.refs?.outage;
  const knownAt = instantField(n.data, 'knownAt');
  const endedAt = instantField(n.data, 'endedAt');
  const hours = hoursText(numberField(n.data, 'hours'));
  const days = numberField(n.data, 'days');
  const amount = numberField(n.data, 'amount');
  const annualFee = numberField(n.data, 'annualFee');
  const period = knownAt && endedAt ? `${knownAt}から${endedAt}まで、` : '';
  return {
    title: '損害賠償額のお知らせ',
    lead: [
      `${period}本サービスが全く利用できない状態が継続し、多大なるご迷惑をおかけしましたことを深くお詫び申し上げます。`,
      `約款第35条に基づき、当社が本サービスの全く利用できない状態を知った時刻から連続した時間${hours ? `（${hours}）` : ''}のうち24時間の倍数である部分について24時間ごとに日数を計算し、その日数に応じて年間使用料を日割りした額を、損害賠償額としてお支払いいたします。`,
      ...(amount !== undefined ? [`お客様のご契約に対する損害賠償額は${formatYenJa(amount)}です。`] : []),
    ],
    tables: [
      fields('損害賠償額の明細', [
        ...contractRows(n),
        ['障害番号', id],
        ['賠償の管理番号', stringField(n.data, 'record')],
        ['障害を知った日時', knownAt],
        ['復旧日時', endedAt],
        ['継続時間', hours],
        ['賠償の対象日数', days === undefined ? undefined : `${days}日`],
        ['年間使用料（税抜）', yenOf(annualFee)],
        [
          '算定方法',
          annualFee !== undefined && days !== undefined ? `${formatYenJa(annualFee)} × ${days}日 ÷ 365日（1円未満切り捨て）` : undefined,
        ],
        ['損害賠償額', yenOf(amount)],
      ]),
    ],
    closing: [
      'お支払いの方法につきましては、別途ご案内いたします。',
      '約款第35条第3項により、当社が賠償する額は上記の金額が上限となります。何卒ご理解を賜りますようお願い申し上げます。',
      '再発防止に努めてまいりますので、今後とも本サービスをよろしくお願い申し上げます。',
    ],
  };
};

/** Art 34-2 (M1): data startsAt, endsAt (ISO with offset), description, maintenance (id). */
const maintenanceNotice: Template = (n) => {
  const when = instantRange(n.data['startsAt'], n.data['endsAt']);
  return {
    title: 'メンテナンス実施のお知らせ',
    lead: [
      `本サービスの設備の保守のため、約款第34条に基づき、${when ? `${when}に` : '下記の日程で'}メンテナンスを実施いたします。`,
      '作業中は本サービスをご利用いただけない場合がございます。ご迷惑をおかけいたしますが、何卒ご理解とご協力を賜りますようお願い申し上げます。',
    ],
    tables: [
      fields('メンテナンスの内容', [
        ...contractRows(n),
        ['メンテナンス番号', stringField(n.data, 'maintenance') ?? n.refs?.maintenance],
        ['作業日時', when],
        ['作業内容', stringField(n.data, 'description')],
      ]),
    ],
    closing: [
      '作業の状況により、終了時刻が前後する場合がございます。',
      '作業中に編集中のデータは失われる場合がありますので、作業開始前に保存してください。',
    ],
  };
};

/** MONEY-IN B5: to the operator — the bank cancelled a deposit; its payments were voided. */
const depositCancelled: Template = (n) => {
  const payments = Array.isArray(n.data['payments']) ? (n.data['payments'] as { invoiceId?: unknown; amount?: unknown }[]) : [];
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
        ['入金ID', stringField(n.data, 'deposit')],
        ['勘定日', ja(dateField(n.data, 'valueDate'))],
        ['照会番号', stringField(n.data, 'inquiry')],
        ['振込依頼人名', stringField(n.data, 'remitter')],
        ['金額', numberField(n.data, 'amount') !== undefined ? formatYenJa(numberField(n.data, 'amount')!) : undefined],
      ]),
      ...(payments.length
        ? [
            {
              kind: 'list' as const,
              caption: '未払いに戻したご請求',
              columns: ['請求書番号', '取り消した金額'],
              rows: payments.map((p) => [String(p.invoiceId ?? ''), typeof p.amount === 'number' ? formatYenJa(p.amount) : '']),
            },
          ]
        : []),
    ],
    closing: ['翌日の日次処理から、これらのご請求には約款どおりの督促の規定が適用されます。'],
  };
};

const TEMPLATES: Readonly<Record<NoticeType, Template>> = {
  application_accepted: applicationAccepted,
  application_rejected: applicationRejected,
  application_deferred: applicationDeferred,
  contact_changed: contactChanged,
  renewal_reminder: renewalReminder,
  renewed,
  cancellation_accepted: cancellationAccepted,
  data_retrieval_reminder: dataRetrievalReminder,
  invoice_issued: invoiceIssued,
  payment_overdue: paymentOverdue,
  suspension_warning: suspensionWarning,
  suspended,
  service_resumed: serviceResumed,
  termination_notice: terminationNotice,
  terminated,
  outage_threshold_reached: outageThresholdReached,
  compensation_statement: compensationStatement,
  maintenance_notice: maintenanceNotice,
  notice_bounced: noticeBounced,
  deposit_cancelled: depositCancelled,
  account_kit: accountKit,
  desktop_job_failed: desktopJobFailed,
};

// ---------------------------------------------------------------------------------------------
// Generic data tables (only for data no template knows, e.g. an invoice notice without its Invoice)

/** Japanese labels of the data keys known so far; any other key is shown as it is. */
const LABELS: Readonly<Record<string, string>> = {
  contractorName: '契約者',
  plan: 'ご契約プラン',
  accounts: 'アカウント数',
  startDate: '提供開始日',
  userNames: 'ユーザ名',
  reason: '理由',
  expectedOn: '承諾予定日',
};

/** Keys holding yen amounts (integer yen, shown as 1,234円). */
const YEN_KEY = /(amount|fee|price|subtotal|tax|total|balance|interest|nonTaxable)$/i;

function label(key: string): string {
  return LABELS[key] ?? key;
}

/**
 * The notice's identity (契約番号, the line if any) and its scalar data as one field table,
 * then one list table per array (arrays of objects get one column per key).
 */
function dataTables(n: Notice): Table[] {
  const rows: [string, string | undefined][] = [
    ['契約番号', n.unitId ?? undefined],
    ['対象契約', n.lineId],
  ];
  const lists: ListTable[] = [];
  for (const [key, value] of Object.entries(n.data)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) lists.push(listTable(key, value));
    } else {
      rows.push([label(key), formatValue(key, value)]);
    }
  }
  return [fields('通知内容', rows), ...lists];
}

function listTable(key: string, items: readonly unknown[]): ListTable {
  if (!items.every(isRecord)) {
    return { kind: 'list', caption: label(key), columns: [label(key)], rows: items.map((v) => [formatValue(key, v)]) };
  }
  const keys = [...new Set(items.flatMap((o) => Object.keys(o)))];
  return {
    kind: 'list',
    caption: label(key),
    columns: keys.map(label),
    rows: items.map((o) => keys.map((k) => (o[k] === undefined || o[k] === null ? '' : formatValue(k, o[k])))),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dates as 2024年2月15日, instants in Japan time, yen with commas + 円, booleans as はい/いいえ. */
function formatValue(key: string, value: unknown): string {
  if (typeof value === 'number') return YEN_KEY.test(key) ? formatYenJa(value) : String(value);
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'string') {
    const day = parseLocalDate(value);
    if (day) return formatJapaneseDate(day);
    return formatJapaneseDateTime(value) ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => formatValue(key, v)).join('、');
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `${label(k)}：${formatValue(k, v)}`)
      .join('、');
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Layout

const CUSTOMER_ROLES: ReadonlySet<Notice['role']> = new Set(['account_manager', 'previous_account_manager']);
const APPLICATION_TYPES: ReadonlySet<NoticeType> = new Set(['application_accepted', 'application_rejected', 'application_deferred']);

/** The contractor's name (for the contractor's own people) above `name 様`. */
function addressLines(n: Notice): string[] {
  const contractor = CUSTOMER_ROLES.has(n.role) ? stringField(n.data, 'contractorName') : undefined;
  return [...(contractor ? [contractor] : []), `${n.to.name} 様`];
}

/** The opening by recipient: customers thank for the application or the use, agents for the sale. */
function greeting(n: Notice, ctx: NoticeContext): string[] {
  const service = `「${ctx.serviceName}」`;
  switch (n.role) {
    case 'operator':
      return [`本メールは${service}バックオフィスからの自動通知です。`];
    case 'agent':
      return [
        `いつも${service}の販売にご協力いただき、誠にありがとうございます。`,
        '貴社の販売によりご契約いただいているお客様について、下記のとおりお知らせいたします。',
      ];
    case 'previous_account_manager':
      return [
        `いつも${service}をご利用いただき、誠にありがとうございます。`,
        '本メールは、変更前のアカウント管理者としてご登録いただいていた方にお送りしています。',
      ];
    case 'account_manager':
      return [
        APPLICATION_TYPES.has(n.type)
          ? `このたびは${service}をお申し込みいただき、誠にありがとうございます。`
          : `いつも${service}をご利用いただき、誠にありがとうございます。`,
      ];
  }
}

function inquiry(n: Notice): string[] {
  return n.role === 'operator' ? [] : ['ご不明な点がございましたら、当社までお問い合わせください。'];
}

function footer(ctx: NoticeContext): string[] {
  return [ctx.operatorName, `「${ctx.serviceName}」サービス担当`];
}

const RULE = '――――――――――――――――――――';

/** Characters a Japanese monospace font draws two columns wide (the East Asian wide ranges and the usual ambiguous ones). */
const AMBIGUOUS_WIDE = new Set([0xd7, 0xf7, 0x2015, 0x2018, 0x2019, 0x201c, 0x201d, 0x203b, 0x2025, 0x2026, 0x25a0, 0x25a1, 0x25b2, 0x25cb, 0x25cf]);

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

function toText(n: Notice, ctx: NoticeContext, letter: Letter): string {
  const lines = [...addressLines(n), '', ...letter.lead, ''];
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
        ...t.rows.map((r) => `<tr>${t.columns.map((c, i) => `<td${c.align === 'right' ? RIGHT : ''}>${e(r[i] ?? '')}</td>`).join('')}</tr>`),
      ];
      break;
    case 'amounts':
      rows = t.rows.map(([k, v]) => `<tr><th scope="row" style="text-align:left">${e(k)}</th><td${RIGHT}>${e(v)}</td></tr>`);
      break;
  }
  return [`<h2 style="font-size:1em">■ ${e(t.caption)}</h2>`, TABLE, ...rows, '</table>'].join('\n');
}

function toHtml(n: Notice, ctx: NoticeContext, subject: string, letter: Letter): string {
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
    `<p>${addressLines(n).map(e).join('<br>')}</p>`,
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
