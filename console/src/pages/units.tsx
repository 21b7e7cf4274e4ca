/** 契約: search, and a unit's page (lines, terms, deadlines, cancellation, desktops, invoices, notices, history). */
import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Unit } from '../api.ts';
import {
  deadlineOf,
  formatDate,
  formatInstant,
  INVOICE_KIND,
  INVOICE_STATUS,
  LINE_KIND,
  NOTICE_TYPE,
  ROLE,
  UNIT_STATUS,
  yen,
} from '../format.ts';
import { ErrorBox, Field, link, Loading, Section, useLoad } from '../ui.tsx';

export function UnitsPage() {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const [q, setQ] = useState(params.get('q') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const [before, setBefore] = useState(params.get('deadlineBefore') ?? '');
  const [query, setQuery] = useState({ q, status, before });
  const list = useLoad(
    () =>
      ok(
        api.GET('/units', {
          params: {
            query: {
              ...(query.q ? { q: query.q } : {}),
              ...(query.status ? { status: query.status as never } : {}),
              ...(query.before ? { deadlineBefore: query.before } : {}),
            },
          },
        }),
      ),
    [query.q, query.status, query.before],
  );
  return (
    <div>
      <h1>契約</h1>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q, status, before });
        }}
      >
        <Field label="名称・契約番号・法人番号">
          <input name="q" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </Field>
        <Field label="状態">
          <select name="status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">すべて</option>
            {Object.entries(UNIT_STATUS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="解約申出期限がこの日より前">
          <input type="date" name="deadlineBefore" value={before} onInput={(e) => setBefore((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit">検索</button>
      </form>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading what="契約" />
      ) : (
        <table data-testid="units">
          <caption>{list.data.items.length} 件（解約申出期限の近い順）</caption>
          <thead>
            <tr>
              <th scope="col">契約番号</th>
              <th scope="col">契約者</th>
              <th scope="col">状態</th>
              <th scope="col">プラン</th>
              <th scope="col">アカウント</th>
              <th scope="col">解約申出期限</th>
              <th scope="col">次回更新</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((u) => (
              <tr key={u.id}>
                <td>
                  <a href={link(`/units/${u.id}`)}>{u.id}</a>
                </td>
                <td>{u.contractor.name}</td>
                <td>{UNIT_STATUS[u.status]}</td>
                <td>{u.planName}</td>
                <td class="num">{u.accounts}</td>
                <td>{formatDate(u.nextDeadline)}</td>
                <td>{u.nextRenewal ? formatDate(u.nextRenewal.from) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Cancel({ unit, onDone }: { unit: Unit; onDone: () => void }) {
  const [end, setEnd] = useState('term_end');
  const [date, setDate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const file = async (e: string) => {
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/units/{id}/cancellations', { params: { path: { id: unit.id } }, body: { end: e } }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const chosen = end === 'term_end' ? unit.termEnd : date || null;
  const earliest = error instanceof ApiError && typeof error.details.earliest === 'string' ? error.details.earliest : null;
  return (
    <form
      aria-label="解約の申出"
      onSubmit={(e) => {
        e.preventDefault();
        void file(end === 'term_end' ? 'term_end' : date);
      }}
    >
      <fieldset>
        <legend>終了日</legend>
        <label>
          <input type="radio" name="end" value="term_end" checked={end === 'term_end'} onChange={() => setEnd('term_end')} />{' '}
          契約期間の満了日（{formatDate(unit.termEnd)}）
        </label>
        <label>
          <input type="radio" name="end" value="date" checked={end === 'date'} onChange={() => setEnd('date')} /> 月末日を指定
        </label>
        {end === 'date' && (
          <Field label="終了日（月末日）">
            <input type="date" name="endDate" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} required />
          </Field>
        )}
      </fieldset>
      {chosen && <p data-testid="deadline">解約申出期限: {formatDate(deadlineOf(chosen))}（終了月の前月末日まで）</p>}
      <button type="submit" disabled={busy}>
        解約を申し出る
      </button>
      <ErrorBox error={error} />
      {earliest && (
        <button type="button" disabled={busy} onClick={() => void file(earliest)}>
          {formatDate(earliest)} で解約する
        </button>
      )}
    </form>
  );
}

export function UnitPage({ id, role }: { id: string; role: string }) {
  const u = useLoad(() => ok(api.GET('/units/{id}', { params: { path: { id } } })), [id]);
  const balance = useLoad(() => ok(api.GET('/units/{id}/balance', { params: { path: { id } } })), [id]);
  const invoices = useLoad(() => ok(api.GET('/invoices', { params: { query: { unit: id } } })), [id]);
  const notices = useLoad(() => ok(api.GET('/units/{id}/notices', { params: { path: { id } } })), [id]);
  const desktops = useLoad(() => ok(api.GET('/units/{id}/desktops', { params: { path: { id } } })), [id]);
  const audit = useLoad(
    () =>
      role === 'agent'
        ? Promise.resolve({ items: [], next: null })
        : ok(api.GET('/audit', { params: { query: { unit: id, limit: '100' } } })),
    [id],
  );
  const [open, setOpen] = useState<string | null>(null);
  if (u.error) return <ErrorBox error={u.error} />;
  if (!u.data) return <Loading what="契約" />;
  const x = u.data;
  const reload = () => {
    u.reload();
    notices.reload();
    audit.reload();
  };
  return (
    <div class="unit">
      <h1>
        {x.contractor.name} <small>（契約番号 {x.id}）</small>
      </h1>
      <dl class="facts">
        <dt>状態</dt>
        <dd data-testid="unit-status">{UNIT_STATUS[x.status]}</dd>
        <dt>プラン</dt>
        <dd>
          {x.planName}・{x.accounts} アカウント
        </dd>
        <dt>法人番号</dt>
        <dd>{x.contractor.corporateNumber}</dd>
        <dt>ご担当者</dt>
        <dd>
          {x.contractor.accountManager.name}（{x.contractor.accountManager.email}）
        </dd>
        <dt>販売代理店</dt>
        <dd>{x.contractor.agent ? `${x.contractor.agent.name}（${x.contractor.agent.email}）` : 'なし（直販）'}</dd>
        <dt>提供開始日</dt>
        <dd>{formatDate(x.startDate)}</dd>
        <dt>契約期間の満了日</dt>
        <dd>{formatDate(x.termEnd)}</dd>
        <dt>次の解約申出期限</dt>
        <dd>{formatDate(x.nextDeadline)}</dd>
        <dt>次回更新</dt>
        <dd>{x.nextRenewal ? `${formatDate(x.nextRenewal.from)} 〜 ${formatDate(x.nextRenewal.to)}` : '—'}</dd>
        {x.cancellation && (
          <>
            <dt>解約</dt>
            <dd>
              {formatDate(x.cancellation.end)} 終了（{formatDate(x.cancellation.requestedOn)} 受付）
            </dd>
          </>
        )}
      </dl>
      <Section title="契約明細" id="lines">
        <table>
          <thead>
            <tr>
              <th scope="col">明細</th>
              <th scope="col">種別</th>
              <th scope="col">アカウント</th>
              <th scope="col">開始日</th>
              <th scope="col">満了日</th>
              <th scope="col">解約申出期限</th>
              <th scope="col">終了</th>
            </tr>
          </thead>
          <tbody>
            {x.lines.map((l) => (
              <tr key={l.id}>
                <td>{l.id}</td>
                <td>{LINE_KIND[l.kind]}</td>
                <td class="num">{l.accounts}</td>
                <td>{formatDate(l.startDate)}</td>
                <td>{formatDate(l.termEnd)}</td>
                <td>{formatDate(l.nextDeadline)}</td>
                <td>{l.endedOn ? formatDate(l.endedOn) : l.cancellation ? `${formatDate(l.cancellation.end)} 予定` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {(role === 'operator' || role === 'agent') && (x.status === 'active' || x.status === 'suspended') && !x.cancellation && (
        <Section title="解約の申出" id="cancel">
          <Cancel unit={x} onDone={reload} />
        </Section>
      )}
      <Section title="デスクトップ" id="desktops">
        <ErrorBox error={desktops.error} />
        {desktops.data && desktops.data.items.length === 0 && <p>デスクトップはありません。</p>}
        {desktops.data && desktops.data.items.length > 0 && (
          <table data-testid="desktops">
            <thead>
              <tr>
                <th scope="col">ユーザー名</th>
                <th scope="col">WorkSpace ID</th>
                <th scope="col">状態</th>
              </tr>
            </thead>
            <tbody>
              {desktops.data.items.map((d) => (
                <tr key={d.userName}>
                  <td>{d.userName}</td>
                  <td>{d.workspaceId ?? '—'}</td>
                  <td class={`ws ws-${d.state ?? 'none'}`}>{d.state ?? '未作成'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" class="link" onClick={desktops.reload}>
          最新の状態を取得
        </button>
      </Section>
      <Section title="請求書と残高" id="invoices">
        {balance.data && (
          <p>
            未払い {yen(balance.data.outstanding)}（うち延滞 {yen(balance.data.overdue)}）
          </p>
        )}
        {invoices.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">請求書</th>
                <th scope="col">種別</th>
                <th scope="col">発行日</th>
                <th scope="col">支払期日</th>
                <th scope="col">合計</th>
                <th scope="col">残高</th>
                <th scope="col">状態</th>
              </tr>
            </thead>
            <tbody>
              {invoices.data.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <a href={link(`/invoices/${i.id}`)}>{i.id}</a>
                  </td>
                  <td>{INVOICE_KIND[i.kind]}</td>
                  <td>{formatDate(i.issueDate)}</td>
                  <td>{formatDate(i.dueDate)}</td>
                  <td class="num">{yen(i.total)}</td>
                  <td class="num">{yen(i.balance)}</td>
                  <td>{INVOICE_STATUS[i.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="送信した通知" id="notices">
        <ErrorBox error={notices.error} />
        {notices.data && notices.data.items.length === 0 && <p>通知はまだありません。</p>}
        <ul class="notices">
          {notices.data?.items.map((n) => (
            <li key={n.id}>
              <button type="button" class="link" aria-expanded={open === n.id} onClick={() => setOpen(open === n.id ? null : n.id)}>
                {formatDate(n.date)} {NOTICE_TYPE[n.type] ?? n.type} — {n.subject}
              </button>
              <span class="meta">
                {' '}
                宛先 {n.to.name}（{n.to.email}）・{n.state === 'done' ? '送信済み' : n.state === 'failed' ? '送信失敗' : '送信待ち'}
              </span>
              {open === n.id && <iframe class="mail" title={n.subject} sandbox="" srcdoc={n.html} />}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="履歴" id="history">
        <ol class="timeline">
          {x.history.map((h, i) => (
            <li key={`h${i}`}>
              {formatDate(h.date)} {UNIT_STATUS[h.status]}
            </li>
          ))}
          {audit.data?.items.map((a, i) => (
            <li key={`a${i}`} class="audit">
              {formatInstant(a.at)} {a.action} — {a.actor.id}（{ROLE[a.actor.role]}）{a.target ? ` ${a.target}` : ''}
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}
