/**
 * The mails of the notices (RULES §2, §11; DETAILS X6): a Japanese subject, plain text and
 * HTML rendered from a Notice, and the X-Kokona-* headers the simulator reads back.
 *
 * Every mail is addressed to `n.to.name 様`, names the contract number (契約番号 = unit id)
 * and ends with the operator's footer. The three application notices have their own
 * wording (Art 6, 7); the other notices share a generic letter that lists `n.data`.
 * Passwords never go in a mail [interp: security]: the サービス提供開始通知書 lists the user
 * names of the kit and says where the initial credentials are obtained.
 *
 * Pure: no clock, no I/O. Dates are formatted from their `YYYY-MM-DD` text.
 */
import { formatJst, parseInstant, parseLocalDate, parts, type LocalDate } from './calendar.ts';
import type { Notice, NoticeType } from './effects.ts';
import { formatYen, type Yen } from './money.ts';

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

type Table = FieldTable | ListTable;

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
// Templates

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

function applicationData(data: Notice['data']): ApplicationData {
  const userNames = Array.isArray(data['userNames']) ? data['userNames'].filter((u): u is string => typeof u === 'string') : [];
  return {
    contractorName: stringField(data, 'contractorName'),
    plan: stringField(data, 'plan'),
    accounts: typeof data['accounts'] === 'number' ? data['accounts'] : undefined,
    startDate: parseLocalDate(data['startDate']) ?? undefined,
    userNames,
    reason: stringField(data, 'reason'),
    expectedOn: parseLocalDate(data['expectedOn']) ?? undefined,
  };
}

function stringField(data: Notice['data'], key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' ? v : undefined;
}

/** Rows whose value is missing are left out. */
function fields(caption: string, rows: readonly (readonly [string, string | undefined])[]): FieldTable {
  return { kind: 'fields', caption, rows: rows.filter((r): r is readonly [string, string] => r[1] !== undefined) };
}

function applicationRows(n: Notice, d: ApplicationData): [string, string | undefined][] {
  return [
    ['契約番号', n.unitId ?? undefined],
    ['契約者', d.contractorName],
    ['ご契約プラン', d.plan],
    ['アカウント数', d.accounts === undefined ? undefined : String(d.accounts)],
  ];
}

/** Art 6-1, 7: the サービス提供開始通知書 with the start date and the kit's user names (no passwords). */
const applicationAccepted: Template = (n, ctx) => {
  const d = applicationData(n.data);
  const tables: Table[] = [
    fields('ご契約内容', [...applicationRows(n, d), ['提供開始日', d.startDate && formatJapaneseDate(d.startDate)]]),
  ];
  if (d.userNames.length > 0) {
    tables.push({ kind: 'list', caption: '本サービス利用キット（ユーザ名）', columns: ['ユーザ名'], rows: d.userNames.map((u) => [u]) });
  }
  return {
    title: 'サービス提供開始通知書',
    lead: [
      `本サービス契約のお申し込みを承諾いたしましたので、約款第7条に基づき「${ctx.serviceName}」サービス提供開始通知書をお送りいたします。`,
      '本サービス契約は、本通知書の到達をもって成立いたします（約款第6条第1項）。下記の提供開始日より本サービスをご利用いただけます。',
    ],
    tables,
    closing: [
      '安全のため、各アカウントの初期パスワードは本メールには記載しておりません。',
      '初期の認証情報は、当社の認証付きAPIから一度に限り取得いただけます。取得の手順は、当社の管理者よりご案内いたします。',
    ],
  };
};

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
    tables: [
      fields('お申し込み内容', [
        ...applicationRows(n, d),
        ['延期の理由', d.reason],
        ['承諾予定日', d.expectedOn && formatJapaneseDate(d.expectedOn)],
      ]),
    ],
    closing: ['承諾の準備が整い次第、あらためてご連絡いたします。お待たせして申し訳ございませんが、何卒よろしくお願い申し上げます。'],
  };
};

/** A notice whose body is its lead paragraphs and a table of `n.data` (see `dataTables`). */
function generic(title: string, lead: readonly string[]): Template {
  return (n) => ({ title, lead, tables: dataTables(n), closing: [] });
}

const TEMPLATES: Readonly<Record<NoticeType, Template>> = {
  application_accepted: applicationAccepted,
  application_rejected: applicationRejected,
  application_deferred: applicationDeferred,
  contact_changed: generic('アカウント管理者変更のお知らせ', [
    '約款第17条に基づくお届け出により、ご契約のアカウント管理者の登録内容を変更いたしましたので、お知らせいたします。',
    'お心当たりのない場合は、速やかに当社までご連絡ください。',
  ]),
  renewal_reminder: generic('契約更新のご案内', [
    'ご契約の契約期間満了日が近づいてまいりましたので、ご案内いたします。',
    '解約申込期限までに解約のお申し込みがない場合、ご契約は約款第14条に基づき1年単位で自動的に更新されます。',
  ]),
  renewed: generic('契約更新のお知らせ', ['ご契約は約款第14条に基づき自動的に更新されましたので、お知らせいたします。']),
  cancellation_accepted: generic('解約お申し込み受付のお知らせ', [
    '約款第18条に基づく解約のお申し込みを承りましたので、お知らせいたします。',
  ]),
  data_retrieval_reminder: generic('データ回収のお願い', [
    'ご契約のサービス提供終了日が近づいてまいりましたので、ご案内いたします。',
    '仮想デスクトップ内のデータは、サービス提供終了日までにお客様ご自身で回収または抹消してください（約款第45条第7項）。終了日以降に生じたデータの滅失等について、当社は責任を負いかねます。',
  ]),
  invoice_issued: generic('ご請求書発行のお知らせ', [
    'ご利用料金のご請求書を発行いたしましたので、お知らせいたします。',
    'お支払期日までにお支払いくださいますよう、お願い申し上げます。',
  ]),
  payment_overdue: generic('お支払期日経過のお知らせ', [
    'お支払期日を過ぎておりますが、現時点でご入金を確認できておりません。お手数ですが、至急お支払いくださいますようお願い申し上げます。',
    'なお、行き違いでお支払いいただいている場合は、ご容赦ください。',
  ]),
  suspension_warning: generic('サービス利用停止のご予告', [
    'ご請求金額のお支払いが確認できないため、約款第23条に基づき、本サービスの利用を停止させていただく予定です。',
    '利用停止を避けるため、お早めにお支払いくださいますようお願い申し上げます。',
  ]),
  suspended: generic('サービス利用停止のお知らせ', [
    'ご請求金額のお支払いが確認できないため、約款第23条に基づき、本サービスの利用を停止いたしました。',
    'お支払いを確認できましたら、利用再開の手続きをいたします。',
  ]),
  service_resumed: generic('サービス利用再開のお知らせ', ['お支払いを確認いたしましたので、本サービスの利用を再開いたしました。']),
  termination_notice: generic('契約解除のご予告', [
    '利用停止後もお支払いが確認できないため、約款第24条に基づき、本サービス契約を解除させていただく予定です。',
    '契約解除後は本サービスをご利用いただけなくなります。お早めにお支払いくださいますようお願い申し上げます。',
  ]),
  terminated: generic('契約解除のお知らせ', [
    '約款第24条に基づき、本サービス契約を解除いたしましたので、お知らせいたします。',
    'なお、お支払いいただいた使用料の払い戻しはございません。',
  ]),
  outage_threshold_reached: generic('障害継続時間が損害賠償の基準に達しました', [
    '下記の障害について、本サービスが全く利用できない状態の継続時間が、約款第35条の基準時間に達しました。',
    '損害賠償の対象となる契約のご確認をお願いいたします。',
  ]),
  compensation_statement: generic('損害賠償額のお知らせ', [
    '本サービスが全く利用できない状態が継続し、多大なご迷惑をおかけしましたことを深くお詫び申し上げます。',
    '約款第35条に基づき、下記のとおり損害賠償額をお知らせいたします。',
  ]),
  maintenance_notice: generic('メンテナンス実施のお知らせ', [
    '本サービスの設備の保守のため、約款第34条に基づき、下記の日程でメンテナンスを実施いたします。',
    '作業中は本サービスをご利用いただけない場合がございます。ご迷惑をおかけいたしますが、何卒ご理解とご協力を賜りますようお願い申し上げます。',
  ]),
};

// ---------------------------------------------------------------------------------------------
// Generic data tables

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
  if (typeof value === 'number') return YEN_KEY.test(key) ? `${formatYen(value as Yen)}円` : String(value);
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'string') {
    const day = parseLocalDate(value);
    if (day) return formatJapaneseDate(day);
    const instant = parseInstant(value);
    if (instant !== null) {
      const jst = formatJst(instant); // YYYY-MM-DDTHH:MM:SS+09:00
      return `${formatJapaneseDate(jst.slice(0, 10) as LocalDate)} ${Number(jst.slice(11, 13))}時${jst.slice(14, 16)}分`;
    }
    return value;
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

function toText(n: Notice, ctx: NoticeContext, letter: Letter): string {
  const lines = [...addressLines(n), '', ...letter.lead, ''];
  for (const t of letter.tables) {
    lines.push(`■ ${t.caption}`);
    if (t.kind === 'fields') {
      lines.push(...t.rows.map(([k, v]) => `  ${k}：${v}`));
    } else {
      if (t.columns.length > 1) lines.push(`  （No. ${t.columns.join(' ／ ')}）`);
      lines.push(...t.rows.map((r, i) => `  ${i + 1}. ${r.join(' ／ ')}`));
    }
    lines.push('');
  }
  if (letter.closing.length > 0) lines.push(...letter.closing, '');
  lines.push(RULE, ...footer(ctx), RULE);
  return `${lines.join('\n')}\n`;
}

const TABLE = '<table style="border-collapse:collapse" cellpadding="6" border="1">';

function tableHtml(t: Table): string {
  const e = escapeHtml;
  const rows =
    t.kind === 'fields'
      ? t.rows.map(([k, v]) => `<tr><th scope="row" style="text-align:left">${e(k)}</th><td>${e(v)}</td></tr>`)
      : [
          `<tr><th scope="col">No.</th>${t.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr>`,
          ...t.rows.map((r, i) => `<tr><td style="text-align:right">${i + 1}</td>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`),
        ];
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
