/** Outages and maintenance (Art 33–35). */
import type { OutageScope } from '#domain/outages.ts';
import { formatYenJa, hoursText, instantRange, instantText, nonEmpty, yenOf } from '../format.ts';
import { fields } from '../layout.ts';
import { contractRows, type Template } from './common.ts';

const CAUSES: Readonly<Record<string, string>> = {
  operator_fault: '当社の責めに帰すべき事由（損害賠償の対象）',
  maintenance: '保守・工事（約款第34条第1項第1号）',
  disaster: '天災その他の非常事態（約款第34条第1項第2号）',
  public_interest: '公共の利益のための通信の優先（約款第34条第1項第3号）',
  overload_emergency: '非常事態による設備の輻輳（約款第33条第2項）',
  customer_side: 'お客様側の設備・通信環境（約款第33条第1項）',
  workspaces_provider: '仮想デスクトップ基盤の提供元（約款第45条第3項・第4項）',
};

function scopeText(scope: OutageScope): string {
  if (scope === 'all') return 'すべてのご契約';
  if ('plan' in scope) return `プラン「${scope.plan}」のご契約`;
  return scope.units.length > 0 ? `指定のご契約（${scope.units.join('、')}）` : '指定のご契約';
}

/** O3: to the operator (unit null); data outage, knownAt, hours, cause, scope, description. */
export const outageThresholdReached: Template<'outage_threshold_reached'> = (n) => {
  const hours = hoursText(n.data.hours);
  const cause = nonEmpty(n.data.cause);
  return {
    title: '障害継続時間が損害賠償の基準に達しました',
    lead: [
      `下記の障害について、本サービスが全く利用できない状態が、当社が知った時刻から${hours ? `${hours}` : '基準時間以上'}継続し、約款第35条第1項の損害賠償の基準時間に達しました。`,
      '障害の復旧後、障害を知った時刻に提供中であった対象のご契約ごとに損害賠償額を算定し、各アカウント管理者へ損害賠償額のお知らせを送付いたします。',
    ],
    tables: [
      fields('障害の内容', [
        ['契約番号', n.unitId ?? undefined],
        ['障害番号', nonEmpty(n.data.outage)],
        ['検知日時', instantText(n.data.knownAt)],
        ['継続時間', hours],
        ['原因', cause && (CAUSES[cause] ?? cause)],
        ['影響範囲', scopeText(n.data.scope)],
        ['障害内容', nonEmpty(n.data.description)],
      ]),
    ],
    closing: ['復旧対応の状況と、お客様へのご案内の要否をご確認ください。'],
  };
};

/** Art 35 (O5): data outage, knownAt, endedAt, hours, days, amount, annualFee (tax-exclusive), record (the compensation id). */
export const compensationStatement: Template<'compensation_statement'> = (n) => {
  const id = nonEmpty(n.data.outage);
  const knownAt = instantText(n.data.knownAt);
  const endedAt = instantText(n.data.endedAt);
  const hours = hoursText(n.data.hours);
  const days = n.data.days;
  const amount = n.data.amount;
  const annualFee = n.data.annualFee;
  const period = knownAt && endedAt ? `${knownAt}から${endedAt}まで、` : '';
  return {
    title: '損害賠償額のお知らせ',
    lead: [
      `${period}本サービスが全く利用できない状態が継続し、多大なるご迷惑をおかけしましたことを深くお詫び申し上げます。`,
      `約款第35条に基づき、当社が本サービスの全く利用できない状態を知った時刻から連続した時間${hours ? `（${hours}）` : ''}のうち24時間の倍数である部分について24時間ごとに日数を計算し、その日数に応じて年間使用料を日割りした額を、損害賠償額としてお支払いいたします。`,
      `お客様のご契約に対する損害賠償額は${formatYenJa(amount)}です。`,
    ],
    tables: [
      fields('損害賠償額の明細', [
        ...contractRows(n),
        ['障害番号', id],
        ['賠償の管理番号', nonEmpty(n.data.record)],
        ['障害を知った日時', knownAt],
        ['復旧日時', endedAt],
        ['継続時間', hours],
        ['賠償の対象日数', `${days}日`],
        ['年間使用料（税抜）', yenOf(annualFee)],
        ['算定方法', `${formatYenJa(annualFee)} × ${days}日 ÷ 365日（1円未満切り捨て）`],
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
export const maintenanceNotice: Template<'maintenance_notice'> = (n) => {
  const when = instantRange(n.data.startsAt, n.data.endsAt);
  return {
    title: 'メンテナンス実施のお知らせ',
    lead: [
      `本サービスの設備の保守のため、約款第34条に基づき、${when ? `${when}に` : '下記の日程で'}メンテナンスを実施いたします。`,
      '作業中は本サービスをご利用いただけない場合がございます。ご迷惑をおかけいたしますが、何卒ご理解とご協力を賜りますようお願い申し上げます。',
    ],
    tables: [
      fields('メンテナンスの内容', [
        ...contractRows(n),
        ['メンテナンス番号', nonEmpty(n.data.maintenance)],
        ['作業日時', when],
        ['作業内容', nonEmpty(n.data.description)],
      ]),
    ],
    closing: [
      '作業の状況により、終了時刻が前後する場合がございます。',
      '作業中に編集中のデータは失われる場合がありますので、作業開始前に保存してください。',
    ],
  };
};
