/** 障害・メンテナンス: declare (backdated allowed), end, correct, the verdict, compensations and payouts; maintenance. */
import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { CAUSE, formatDate, formatInstant, jstInput, yen } from '../format.ts';
import { ErrorBox, Field, link, Loading, Section, useLoad } from '../ui.tsx';

function scopeOf(kind: string, value: string) {
  if (kind === 'plan') return { plan: value };
  if (kind === 'units') return { units: value.split(/[\s,、]+/).filter(Boolean) };
  return 'all' as const;
}

function useAction(onDone: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function ScopeFields() {
  const [kind, setKind] = useState('all');
  return (
    <>
      <Field label="範囲">
        <select name="scopeKind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="all">全契約</option>
          <option value="plan">プラン</option>
          <option value="units">契約番号を指定</option>
        </select>
      </Field>
      {kind !== 'all' && (
        <Field label={kind === 'plan' ? 'プラン名' : '契約番号（カンマ区切り）'}>
          <input name="scopeValue" required />
        </Field>
      )}
    </>
  );
}

export function OutagesPage({ role }: { role: string }) {
  const list = useLoad(() => ok(api.GET('/outages')), []);
  const declare = useAction(list.reload);
  const maint = useAction(list.reload);
  const [announced, setAnnounced] = useState<string | null>(null);
  return (
    <div>
      <h1>障害・メンテナンス</h1>
      <Section title="障害" id="outages">
        <ErrorBox error={list.error} />
        {!list.data ? (
          <Loading what="障害" />
        ) : list.data.items.length === 0 ? (
          <p>記録された障害はありません。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">障害</th>
                <th scope="col">原因</th>
                <th scope="col">認知</th>
                <th scope="col">終了</th>
                <th scope="col">補償</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((o) => (
                <tr key={o.id}>
                  <td>
                    <a href={link(`/outages/${o.id}`)}>{o.id}</a>
                  </td>
                  <td>{CAUSE[o.cause]}</td>
                  <td>{formatInstant(o.knownAt)}</td>
                  <td>{o.endedAt ? formatInstant(o.endedAt) : '継続中'}</td>
                  <td>{o.compensable ? '対象' : `対象外${o.reason ? `（${o.reason}）` : ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {role === 'operator' && (
        <Section title="障害を記録する" id="declare">
          <form
            aria-label="障害の記録"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget as HTMLFormElement);
              void declare.run(() =>
                ok(
                  api.POST('/outages', {
                    body: {
                      knownAt: jstInput(String(f.get('knownAt'))),
                      cause: String(f.get('cause')),
                      scope: scopeOf(String(f.get('scopeKind')), String(f.get('scopeValue') ?? '')),
                      grossNegligence: f.get('grossNegligence') === 'on',
                      description: String(f.get('description') ?? ''),
                    },
                  }),
                ),
              );
            }}
          >
            <Field label="認知した日時（過去に遡って記録できます）">
              <input type="datetime-local" name="knownAt" required />
            </Field>
            <Field label="原因">
              <select name="cause">
                {Object.entries(CAUSE).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </Field>
            <ScopeFields />
            <label>
              <input type="checkbox" name="grossNegligence" /> 当社の重大な過失による
            </label>
            <Field label="内容">
              <textarea name="description" maxLength={2000} />
            </Field>
            <button type="submit" disabled={declare.busy}>
              記録する
            </button>
            <ErrorBox error={declare.error} />
          </form>
        </Section>
      )}
      {role === 'operator' && (
        <Section title="メンテナンスを告知する" id="maintenance">
          <form
            aria-label="メンテナンスの告知"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget as HTMLFormElement);
              void maint.run(async () => {
                const r = await ok(
                  api.POST('/maintenances', {
                    body: {
                      startsAt: jstInput(String(f.get('startsAt'))),
                      endsAt: jstInput(String(f.get('endsAt'))),
                      scope: scopeOf(String(f.get('scopeKind')), String(f.get('scopeValue') ?? '')),
                      description: String(f.get('description') ?? ''),
                    },
                  }),
                );
                setAnnounced(`${r.recipients} 件の通知を送信待ちにしました（${r.id}）`);
              });
            }}
          >
            <Field label="開始日時">
              <input type="datetime-local" name="startsAt" required />
            </Field>
            <Field label="終了日時">
              <input type="datetime-local" name="endsAt" required />
            </Field>
            <ScopeFields />
            <Field label="内容">
              <textarea name="description" maxLength={2000} />
            </Field>
            <button type="submit" disabled={maint.busy}>
              告知する
            </button>
            {announced && <p role="status">{announced}</p>}
            <ErrorBox error={maint.error} />
          </form>
        </Section>
      )}
    </div>
  );
}

export function OutagePage({ id, role }: { id: string; role: string }) {
  const o = useLoad(() => ok(api.GET('/outages/{id}', { params: { path: { id } } })), [id]);
  const act = useAction(o.reload);
  if (o.error) return <ErrorBox error={o.error} />;
  if (!o.data) return <Loading what="障害" />;
  const x = o.data;
  return (
    <div>
      <h1>障害 {x.id}</h1>
      <dl class="facts">
        <dt>原因</dt>
        <dd>
          {CAUSE[x.cause]}
          {x.grossNegligence ? '（重大な過失）' : ''}
        </dd>
        <dt>認知</dt>
        <dd>{formatInstant(x.knownAt)}</dd>
        <dt>終了</dt>
        <dd>{x.endedAt ? formatInstant(x.endedAt) : '継続中'}</dd>
        <dt>判定</dt>
        <dd>{x.compensable ? '補償の対象です' : `補償の対象外です${x.reason ? `：${x.reason}` : ''}`}</dd>
        <dt>120 時間到達の通知</dt>
        <dd>{formatDate(x.thresholdNoticeOn)}</dd>
        <dt>内容</dt>
        <dd>{x.description || '—'}</dd>
      </dl>
      {role === 'operator' && !x.endedAt && (
        <form
          aria-label="障害の終了"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget as HTMLFormElement);
            void act.run(() =>
              ok(api.PATCH('/outages/{id}', { params: { path: { id } }, body: { endedAt: jstInput(String(f.get('endedAt'))) } })),
            );
          }}
        >
          <Field label="終了日時">
            <input type="datetime-local" name="endedAt" required />
          </Field>
          <button type="submit" disabled={act.busy}>
            終了を記録する
          </button>
        </form>
      )}
      {role === 'operator' && (
        <form
          aria-label="障害の訂正"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget as HTMLFormElement);
            void act.run(() =>
              ok(
                api.PATCH('/outages/{id}', {
                  params: { path: { id } },
                  body: {
                    cause: String(f.get('cause')),
                    grossNegligence: f.get('grossNegligence') === 'on',
                    description: String(f.get('description') ?? ''),
                  },
                }),
              ),
            );
          }}
        >
          <Field label="原因の訂正">
            <select name="cause" defaultValue={x.cause}>
              {Object.entries(CAUSE).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </Field>
          <label>
            <input type="checkbox" name="grossNegligence" defaultChecked={x.grossNegligence} /> 重大な過失
          </label>
          <Field label="内容">
            <textarea name="description" defaultValue={x.description} />
          </Field>
          <button type="submit" disabled={act.busy}>
            訂正する（補償を再計算します）
          </button>
        </form>
      )}
      <ErrorBox error={act.error} />
      <Section title="補償" id="compensations">
        {x.compensations.length === 0 ? (
          <p>補償の記録はありません。</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">記録</th>
                <th scope="col">契約</th>
                <th scope="col">時間</th>
                <th scope="col">日数</th>
                <th scope="col">金額</th>
                <th scope="col">状態</th>
                <th scope="col">操作</th>
              </tr>
            </thead>
            <tbody>
              {x.compensations.map((c) => (
                <tr key={c.id}>
                  <td>{c.id}</td>
                  <td>
                    <a href={link(`/units/${c.unit}`)}>{c.unit}</a>
                  </td>
                  <td class="num">{c.hours}</td>
                  <td class="num">{c.days}</td>
                  <td class="num">{yen(c.amount)}</td>
                  <td>
                    {c.status === 'paid_out'
                      ? `支払済み（${formatDate(c.paidOutOn)}）`
                      : c.status === 'void'
                        ? '無効（訂正済み）'
                        : '支払待ち'}
                  </td>
                  <td>
                    {role === 'operator' && c.status === 'pending_payout' && (
                      <button
                        type="button"
                        disabled={act.busy}
                        onClick={() => void act.run(() => ok(api.POST('/compensations/{id}/payout', { params: { path: { id: c.id } } })))}
                      >
                        支払済みにする
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="変更の記録" id="changes">
        <ol>
          {x.audit.map((a, i) => (
            <li key={i}>
              {formatInstant(a.at)} <code>{JSON.stringify(a.change)}</code>
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}
