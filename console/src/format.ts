/** Japanese formats and words of the console (pure: unit-tested in test/console/format.test.ts). */

/** 2025-02-28 → 2025年2月28日 */
export function formatDate(d: string | null | undefined): string {
  if (!d) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : d;
}

/** 2025-02-28T09:30:00+09:00 → 2025年2月28日 9:30 (in Japan time) */
export function formatInstant(t: string | null | undefined): string {
  if (!t) return '—';
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) return t;
  const j = new Date(ms + 9 * 3600_000);
  return `${j.getUTCFullYear()}年${j.getUTCMonth() + 1}月${j.getUTCDate()}日 ${j.getUTCHours()}:${String(j.getUTCMinutes()).padStart(2, '0')}`;
}

/** 792000 → ¥792,000 */
export function yen(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const s = Math.abs(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}¥${s}`;
}

/** 2025-04 → 2025年4月 */
export const formatMonth = (m: string) => `${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月`;

/** A datetime-local value (JST wall time) → ISO with +09:00. */
export const jstInput = (v: string) => (v.length === 16 ? `${v}:00+09:00` : `${v}+09:00`);

export const UNIT_STATUS: Record<string, string> = {
  pending: '申込中',
  active: '利用中',
  suspended: '停止中',
  cancelled: '解約済み',
  terminated: '契約解除',
  rejected: '却下',
  deferred: '保留',
};
export const APPLICATION_STATUS: Record<string, string> = {
  received: '受付済み',
  deferred: '保留中',
  accepted: '承諾済み',
  rejected: '却下',
};
export const INVOICE_STATUS: Record<string, string> = { open: '未入金（期日前）', overdue: '延滞', paid: '入金済み' };
export const INVOICE_KIND: Record<string, string> = { fees: '利用料金', late_interest: '遅延損害金' };
export const LINE_KIND: Record<string, string> = { basic: '基本契約', additional: '追加契約' };
export const ROLE: Record<string, string> = {
  operator: 'オペレーター',
  viewer: '閲覧者',
  agent: '販売代理店',
  system: 'システム',
  customer: 'お客様',
};
export const CAUSE: Record<string, string> = {
  operator_fault: '当社の責による障害',
  maintenance: '保守作業',
  disaster: '天災・事変',
  public_interest: '公共の利益のための措置',
  overload_emergency: '過負荷・緊急措置',
  customer_side: 'お客様側の原因',
  workspaces_provider: 'WorkSpaces 提供元の原因',
};
export const DUE_KIND: Record<string, string> = {
  renewal: '更新',
  cancellation_deadline: '解約申出期限',
  invoice_due: '支払期日',
  suspension: '利用停止予定',
  termination: '契約解除予定',
};
export const NOTICE_TYPE: Record<string, string> = {
  application_accepted: 'サービス提供開始通知',
  application_rejected: '申込お断りの通知',
  application_deferred: '申込保留の通知',
  renewal_reminder: '更新のご案内',
  renewed: '契約更新の通知',
  cancellation_accepted: '解約受付の通知',
  contact_changed: 'ご担当者変更の通知',
  invoice_issued: '請求書',
  payment_overdue: 'お支払い遅延の通知',
  suspension_warning: '利用停止の予告',
  suspended: '利用停止の通知',
  service_resumed: '利用再開の通知',
  termination_notice: '契約解除の予告',
  terminated: '契約解除の通知',
  data_retrieval_reminder: 'データ回収のお願い',
  compensation_statement: '補償額のお知らせ',
  maintenance_notice: 'メンテナンスのお知らせ',
  outage_threshold_reached: '障害 120 時間到達（社内）',
};

/** A refusal code in words: why, and what to do. */
export const REFUSAL: Record<string, { why: string; todo: string }> = {
  APPLICANT_DELINQUENT: {
    why: '申込者（同じ法人番号）に延滞中の請求書、または料金未払いによる契約解除の履歴があります（利用規約 第6条第2項第2号）。',
    todo: '延滞分の入金を確認してから承諾するか、理由を添えて却下してください。',
  },
  EARLIER_APPLICATION_PENDING: {
    why: '先に受け付けた申込がまだ判断されていません（第6条第1項：受付順に承諾します）。',
    todo: '一覧の先頭の申込から承諾・却下・保留のいずれかを行ってください。',
  },
  INELIGIBLE_APPLICANT: { why: '申込者が法人・官公庁ではありません（第5条）。', todo: '法人として申し込むよう申込者にご案内ください。' },
  INVALID_CORPORATE_NUMBER: { why: '法人番号が正しくありません（13桁・チェックデジット）。', todo: '申込者に法人番号をご確認ください。' },
  BELOW_MIN_ACCOUNTS: { why: 'アカウント数が最低契約数に達していません。', todo: 'アカウント数を見直してください。' },
  UNIT_NOT_ACTIVE: { why: 'この契約は利用中ではありません。', todo: '契約の状態を確認してください。' },
  UNIT_CANCELLATION_PENDING: { why: 'この契約はすでに解約を受け付けています。', todo: '解約日までお待ちください。' },
  NOT_A_MONTH_END: { why: '終了日は月末日である必要があります（第18条）。', todo: '月末日を指定してください。' },
  CANCELLATION_DEADLINE_PASSED: {
    why: 'その終了日の解約申出期限（終了月の前月末日）を過ぎています（第18条）。',
    todo: '表示された最も早い終了日で解約を受け付けてください。',
  },
  PAYMENT_EXCEEDS_BALANCE: { why: '入金額が請求残高を超えています。', todo: '金額を確認してください（過入金は返金手続きが必要です）。' },
  IDEMPOTENCY_KEY_REUSED: { why: '同じ操作キーが別の内容ですでに使われています。', todo: '画面を再読み込みしてからやり直してください。' },
  VALIDATION_FAILED: { why: '入力内容に誤りがあります。', todo: '入力を確認してください。' },
  NOT_FOUND: { why: '見つかりません。', todo: 'ID を確認してください。' },
  FORBIDDEN: { why: 'この操作を行う権限がありません。', todo: '必要ならオペレーターに依頼してください。' },
  UNAUTHORIZED: { why: 'サインインの有効期限が切れました。', todo: 'もう一度サインインしてください。' },
  CLOCK_NOT_SETTABLE: { why: 'この環境の業務日付は実際の日付に従います。', todo: 'テストクロックはローカル環境でのみ使えます。' },
};

export function refusal(code: string): { why: string; todo: string } {
  return REFUSAL[code] ?? { why: `エラー（${code}）`, todo: '時間をおいて再度お試しください。' };
}

/** The last day of the month of a date (cancellations end on a month end). */
export function monthEnd(d: string): string {
  const [y, m] = d.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/** The cancellation deadline of an end date: the last day of the month before (Art 18). */
export function deadlineOf(end: string): string {
  const [y, m] = end.split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return monthEnd(`${py}-${String(pm).padStart(2, '0')}-01`);
}

/** Bar heights of a chart: each value as a share of the largest (0 when all are 0). */
export function scale(values: readonly number[], height: number): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? 0 : Math.round((v / max) * height)));
}
