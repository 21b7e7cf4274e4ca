/** 監査ログ: who did what and when (never editable), filtered by unit, actor and period, paged. */
import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { formatInstant, ROLE } from '../format.ts';
import { ErrorBox, Field, link, Loading, useLoad } from '../ui.tsx';

export function AuditPage() {
  const [f, setF] = useState({ unit: '', actor: '', from: '', to: '' });
  const [query, setQuery] = useState({ ...f, next: '' });
  const page = useLoad(
    () =>
      ok(
        api.GET('/audit', {
          params: {
            query: {
              ...(query.unit ? { unit: query.unit } : {}),
              ...(query.actor ? { actor: query.actor } : {}),
              ...(query.from ? { from: `${query.from}T00:00:00+09:00` } : {}),
              ...(query.to ? { to: `${query.to}T23:59:59+09:00` } : {}),
              ...(query.next ? { next: query.next } : {}),
              limit: '50',
            },
          },
        }),
      ),
    [query.unit, query.actor, query.from, query.to, query.next],
  );
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <div>
      <h1>監査ログ</h1>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...f, next: '' });
        }}
      >
        <Field label="契約番号">
          <input name="unit" value={f.unit} onInput={set('unit')} />
        </Field>
        <Field label="操作者 ID">
          <input name="actor" value={f.actor} onInput={set('actor')} />
        </Field>
        <Field label="開始日">
          <input type="date" name="from" value={f.from} onInput={set('from')} />
        </Field>
        <Field label="終了日">
          <input type="date" name="to" value={f.to} onInput={set('to')} />
        </Field>
        <button type="submit">絞り込む</button>
      </form>
      <ErrorBox error={page.error} />
      {!page.data ? (
        <Loading what="監査ログ" />
      ) : (
        <>
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">日時</th>
                <th scope="col">操作者</th>
                <th scope="col">操作</th>
                <th scope="col">契約</th>
                <th scope="col">対象</th>
                <th scope="col">変更前 → 変更後</th>
                <th scope="col">リクエスト ID</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((a, i) => (
                <tr key={i}>
                  <td>{formatInstant(a.at)}</td>
                  <td>
                    {a.actor.id}（{ROLE[a.actor.role]}）
                  </td>
                  <td>{a.action}</td>
                  <td>{a.unit ? <a href={link(`/units/${a.unit}`)}>{a.unit}</a> : ''}</td>
                  <td>{a.target ?? ''}</td>
                  <td>
                    <code>{a.before === undefined ? '' : JSON.stringify(a.before)}</code>
                    {a.after !== undefined && (
                      <>
                        {' → '}
                        <code>{JSON.stringify(a.after)}</code>
                      </>
                    )}
                  </td>
                  <td>{a.requestId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.next && (
            <button type="button" onClick={() => setQuery({ ...query, next: page.data!.next! })}>
              次の 50 件
            </button>
          )}
        </>
      )}
    </div>
  );
}
