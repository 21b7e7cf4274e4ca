/** 申込: the queue in order of receipt (the first must be decided first), accept / reject / defer. */
import { useState } from 'preact/hooks';
import { api, ok, type Unit } from '../api.ts';
import { APPLICATION_STATUS, formatDate } from '../format.ts';
import { ErrorBox, Field, link, Loading, Section, useLoad } from '../ui.tsx';

function Decide({ unit, first, onDone }: { unit: Unit; first: boolean; onDone: () => void }) {
  const [mode, setMode] = useState<'accept' | 'reject' | 'defer' | null>(null);
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
  const p = { path: { id: unit.id } };
  return (
    <div class="decide">
      <div class="buttons">
        <button type="button" onClick={() => setMode('accept')} aria-pressed={mode === 'accept'}>
          承諾
        </button>
        <button type="button" onClick={() => setMode('reject')} aria-pressed={mode === 'reject'}>
          却下
        </button>
        <button type="button" onClick={() => setMode('defer')} aria-pressed={mode === 'defer'}>
          保留
        </button>
      </div>
      {mode === 'accept' && (
        <form
          aria-label={`${unit.contractor.name} の承諾`}
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget as HTMLFormElement);
            void run(() => ok(api.POST('/applications/{id}/accept', { params: p, body: { startDate: String(f.get('startDate')) } })));
          }}
        >
          <Field label="提供開始日">
            <input type="date" name="startDate" required />
          </Field>
          <button type="submit" disabled={busy}>
            承諾する{first ? '' : '（先の申込が未処理です）'}
          </button>
        </form>
      )}
      {mode === 'reject' && (
        <form
          aria-label={`${unit.contractor.name} の却下`}
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget as HTMLFormElement);
            void run(() => ok(api.POST('/applications/{id}/reject', { params: p, body: { reason: String(f.get('reason')) } })));
          }}
        >
          <Field label="却下の理由">
            <input name="reason" required maxLength={1000} />
          </Field>
          <button type="submit" disabled={busy}>
            却下する
          </button>
        </form>
      )}
      {mode === 'defer' && (
        <form
          aria-label={`${unit.contractor.name} の保留`}
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget as HTMLFormElement);
            void run(() =>
              ok(
                api.POST('/applications/{id}/defer', {
                  params: p,
                  body: { reason: String(f.get('reason')), expectedOn: String(f.get('expectedOn')) },
                }),
              ),
            );
          }}
        >
          <Field label="保留の理由">
            <input name="reason" required maxLength={1000} />
          </Field>
          <Field label="回答予定日">
            <input type="date" name="expectedOn" required />
          </Field>
          <button type="submit" disabled={busy}>
            保留する
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

function Queue({ status, title, role }: { status: 'received' | 'deferred'; title: string; role: string }) {
  const q = useLoad(() => ok(api.GET('/applications', { params: { query: { status } } })), [status]);
  return (
    <Section title={title} id={`q-${status}`}>
      <ErrorBox error={q.error} />
      {!q.data ? (
        <Loading what="申込" />
      ) : q.data.items.length === 0 ? (
        <p>ありません。</p>
      ) : (
        <ol class="queue">
          {q.data.items.map((u, i) => (
            <li key={u.id} class={i === 0 && status === 'received' ? 'first' : ''} data-unit={u.id}>
              <div class="row">
                <span class="receipt">受付 #{u.application.receipt}</span>
                {i === 0 && status === 'received' && <span class="badge">次に判断する申込</span>}
                <a href={link(`/units/${u.id}`)}>{u.contractor.name}</a>
                <span>
                  {u.planName}・{u.accounts} アカウント
                </span>
                <span>受付日 {formatDate(u.application.receivedOn)}</span>
                <span>{APPLICATION_STATUS[u.application.status]}</span>
                {u.application.expectedOn && <span>回答予定 {formatDate(u.application.expectedOn)}</span>}
                {u.contractor.agent && <span>代理店 {u.contractor.agent.name}</span>}
              </div>
              {role === 'operator' && <Decide unit={u} first={i === 0 || status === 'deferred'} onDone={q.reload} />}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

export function ApplicationsPage({ role }: { role: string }) {
  return (
    <div>
      <h1>申込</h1>
      <p>申込は受付順に判断します（利用規約 第6条第1項）。先頭の申込から承諾・却下・保留してください。</p>
      <Queue status="received" title="未処理の申込（受付順）" role={role} />
      <Queue status="deferred" title="保留中の申込" role={role} />
    </div>
  );
}
