/** 今日: the business date, today's daily run, the next 7 days, what is late, and the next 12 months. */
import { api, ok } from '../api.ts';
import { CAUSE, DUE_KIND, formatDate, formatInstant, formatMonth, yen } from '../format.ts';
import { BarChart, ErrorBox, link, Loading, Section, useLoad } from '../ui.tsx';

const ACTION: Record<string, string> = {
  'daily_run.complete': 'デイリーラン完了',
  'unit.advance': '契約の日次処理',
  'notice.send': '通知の送信',
  'desktops.create': 'デスクトップ作成',
  'desktops.delete': 'デスクトップ削除',
  'desktops.suspend': 'デスクトップ停止',
  'desktops.resume': 'デスクトップ再開',
  'desktops.record': 'デスクトップ ID の記録',
};

export function TodayPage({ role }: { role: string }) {
  const d = useLoad(() => ok(api.GET('/dashboard')), []);
  if (d.error) return <ErrorBox error={d.error} />;
  if (!d.data) return <Loading what="今日の状況" />;
  const x = d.data;
  return (
    <div class="today">
      <h1>今日 — {formatDate(x.today)}</h1>
      <div class="cards">
        <div class="card">
          <b>{x.counts.active}</b> 利用中
        </div>
        <div class="card">
          <b>{x.counts.suspended}</b> 停止中
        </div>
        <div class="card">
          <b>{x.counts.pending}</b> 申込中
        </div>
        <div class={`card ${x.overdueTotal > 0 ? 'warn' : ''}`}>
          <b>{yen(x.overdueTotal)}</b> 延滞残高
        </div>
      </div>
      {role !== 'agent' && (
        <Section title="本日のデイリーラン" id="run">
          {x.run.date ? <p>{formatDate(x.run.date)} 分を実行しました。</p> : <p>本日分はまだ実行されていません（毎日 0:05 に実行）。</p>}
          <ul>
            {Object.entries(x.run.counts).map(([k, v]) => (
              <li key={k}>
                {ACTION[k] ?? k}: {v} 件
              </li>
            ))}
          </ul>
          <p>
            失敗したジョブ: {x.failedJobs.length} 件 ／ 不達メール: {x.bounced.length} 件
          </p>
          {x.failedJobs.length > 0 && (
            <ul>
              {x.failedJobs.map((j) => (
                <li key={j.id}>
                  {j.kind} {j.unit} （{j.attempts} 回失敗）
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      <Section title="7日以内の予定" id="due">
        {x.due.length === 0 ? (
          <p>予定はありません。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">日付</th>
                <th scope="col">予定</th>
                <th scope="col">契約</th>
                <th scope="col">金額</th>
              </tr>
            </thead>
            <tbody>
              {x.due.map((e) => (
                <tr key={`${e.date}${e.kind}${e.unit}`}>
                  <td>{formatDate(e.date)}</td>
                  <td>{DUE_KIND[e.kind]}</td>
                  <td>
                    <a href={link(`/units/${e.unit}`)}>{e.name}</a>
                  </td>
                  <td class="num">{e.amount === undefined ? '' : yen(e.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="延滞中の請求書" id="overdue">
        {x.overdue.length === 0 ? (
          <p>延滞はありません。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">請求書</th>
                <th scope="col">契約者</th>
                <th scope="col">支払期日</th>
                <th scope="col">経過日数</th>
                <th scope="col">残高</th>
              </tr>
            </thead>
            <tbody>
              {x.overdue.map((o) => (
                <tr key={o.id}>
                  <td>
                    <a href={link(`/invoices/${o.id}`)}>{o.id}</a>
                  </td>
                  <td>{o.name}</td>
                  <td>{formatDate(o.dueDate)}</td>
                  <td class="num">{o.days} 日</td>
                  <td class="num">{yen(o.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {role !== 'agent' && (
        <Section title="継続中の障害" id="outages">
          {x.outages.length === 0 ? (
            <p>継続中の障害はありません。</p>
          ) : (
            <ul>
              {x.outages.map((o) => (
                <li key={o.id} class={o.pastThreshold ? 'danger' : o.nearThreshold ? 'warn' : ''}>
                  <a href={link(`/outages/${o.id}`)}>{o.id}</a> {CAUSE[o.cause] ?? o.cause}・{formatInstant(o.knownAt)} から {o.hours} 時間
                  {o.pastThreshold ? '（120 時間超過）' : o.nearThreshold ? '（120 時間まで 24 時間未満）' : ''}
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      <Section title="今後 12 か月" id="months">
        <div class="charts">
          <BarChart
            title="更新と解約申出期限（件数）"
            labels={x.months.map((m) => formatMonth(m.month).replace(/^\d+年/, ''))}
            series={[
              { name: '更新', values: x.months.map((m) => m.renewals), color: '#2f6fb3' },
              { name: '解約申出期限', values: x.months.map((m) => m.deadlines), color: '#e08a1e' },
            ]}
            format={(n) => `${n} 件`}
          />
          <BarChart
            title="更新による請求予定額（税抜）"
            labels={x.months.map((m) => formatMonth(m.month).replace(/^\d+年/, ''))}
            series={[{ name: '請求予定額', values: x.months.map((m) => m.billed), color: '#3a8f5c' }]}
            format={yen}
          />
          <BarChart
            title="延滞残高（経過日数別）"
            labels={x.overdueByAge.map((a) => a.label)}
            series={[{ name: '延滞残高', values: x.overdueByAge.map((a) => a.amount), color: '#c0392b' }]}
            format={yen}
          />
        </div>
      </Section>
    </div>
  );
}
