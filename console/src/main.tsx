/** The operator console: sign-in, the shell (navigation, business date, test clock) and the hash router. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  cognitoCallback,
  cognitoSignIn,
  configure,
  loadConfig,
  localSignIn,
  ok,
  setSession,
  type ConsoleConfig,
  type Session,
} from './api.ts';
import { formatDate, ROLE } from './format.ts';
import { ErrorBox, Field, useLoad } from './ui.tsx';
import { TodayPage } from './pages/today.tsx';
import { ApplicationsPage } from './pages/applications.tsx';
import { UnitsPage, UnitPage } from './pages/units.tsx';
import { InvoicesPage, InvoicePage } from './pages/invoices.tsx';
import { OutagesPage, OutagePage } from './pages/outages.tsx';
import { AuditPage } from './pages/audit.tsx';
import './style.css';

function useHash() {
  const [hash, setHash] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || '/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const NAV: { path: string; label: string; roles: string[] }[] = [
  { path: '/', label: '今日', roles: ['operator', 'viewer', 'agent'] },
  { path: '/applications', label: '申込', roles: ['operator', 'viewer', 'agent'] },
  { path: '/units', label: '契約', roles: ['operator', 'viewer', 'agent'] },
  { path: '/invoices', label: '請求', roles: ['operator', 'viewer', 'agent'] },
  { path: '/outages', label: '障害・メンテナンス', roles: ['operator', 'viewer'] },
  { path: '/audit', label: '監査ログ', roles: ['operator', 'viewer'] },
];

function SignIn({ config, onSession }: { config: ConsoleConfig; onSession: (s: Session) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (config.auth.mode === 'cognito') {
    const c = config.auth;
    return (
      <main class="signin">
        <h1>ココナワーク 管理コンソール</h1>
        <button type="button" onClick={() => void cognitoSignIn(c)}>
          サインイン（多要素認証）
        </button>
      </main>
    );
  }
  return (
    <main class="signin">
      <h1>ココナワーク 管理コンソール</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget as HTMLFormElement);
          setBusy(true);
          try {
            onSession(await localSignIn(config, String(f.get('user')), String(f.get('password'))));
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field label="ユーザー名">
          <input name="user" autoComplete="username" required autoFocus />
        </Field>
        <Field label="パスワード">
          <input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <button type="submit" disabled={busy}>
          サインイン
        </button>
        <ErrorBox error={error} />
        <p class="hint">ローカル環境のユーザーとパスワードは npm start の表示（.local/users.json）にあります。</p>
      </form>
    </main>
  );
}

/** The business date, always visible; operators on a local stack can move it forward (test clock). */
function Clock({ role, onChange }: { role: string; onChange: () => void }) {
  const clock = useLoad(() => ok(api.GET('/clock')), []);
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!clock.data) return <div class="clock">業務日付 …</div>;
  return (
    <div class="clock">
      <span>
        業務日付 <strong data-testid="business-date">{formatDate(clock.data.today)}</strong>
      </span>
      {clock.data.settable && role === 'operator' && (
        <form
          class="advance"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              await ok(api.POST('/clock/advance', { body: { to } }));
              clock.reload();
              onChange();
            } catch (err) {
              setError(err);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Field label="テストクロック：進める日付">
            <input
              type="date"
              name="clock-to"
              value={to}
              min={clock.data.today}
              onInput={(e) => setTo((e.target as HTMLInputElement).value)}
              required
            />
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? 'デイリーラン実行中…' : '日付を進める'}
          </button>
          <ErrorBox error={error} />
        </form>
      )}
    </div>
  );
}

function route(hash: string, role: string, key: number) {
  const [path] = hash.split('?');
  const parts = (path ?? '/').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined:
      return <TodayPage key={key} role={role} />;
    case 'applications':
      return <ApplicationsPage key={key} role={role} />;
    case 'units':
      return parts[1] ? <UnitPage key={`${key}${parts[1]}`} id={parts[1]} role={role} /> : <UnitsPage key={key} />;
    case 'invoices':
      return parts[1] ? <InvoicePage key={`${key}${parts[1]}`} id={parts[1]} role={role} /> : <InvoicesPage key={key} />;
    case 'outages':
      return parts[1] ? <OutagePage key={`${key}${parts[1]}`} id={parts[1]} role={role} /> : <OutagesPage key={key} role={role} />;
    case 'audit':
      return <AuditPage key={key} />;
    default:
      return <p>ページが見つかりません。</p>;
  }
}

function App({ config }: { config: ConsoleConfig }) {
  const [session, setS] = useState<Session | null>(() => {
    const s = sessionStorage.getItem('session');
    return s ? (JSON.parse(s) as Session) : null;
  });
  const [epoch, setEpoch] = useState(0);
  const hash = useHash();
  const signOut = () => {
    sessionStorage.removeItem('session');
    setSession(null);
    setS(null);
  };
  setSession(session, signOut);
  useEffect(() => {
    const code = new URLSearchParams(location.search).get('code');
    if (config.auth.mode === 'cognito' && code && !session)
      void cognitoCallback(config.auth, code).then((s) => {
        history.replaceState(null, '', location.pathname);
        sessionStorage.setItem('session', JSON.stringify(s));
        setS(s);
      });
  }, []);
  if (!session)
    return (
      <SignIn
        config={config}
        onSession={(s) => {
          sessionStorage.setItem('session', JSON.stringify(s));
          setS(s);
        }}
      />
    );
  const role = session.user.role;
  const current = '/' + (hash.split('/')[1] ?? '');
  return (
    <>
      <a class="skip" href="#main">
        本文へ移動
      </a>
      <header>
        <div class="brand">ココナワーク 管理コンソール</div>
        <nav aria-label="メイン">
          {NAV.filter((n) => n.roles.includes(role)).map((n) => (
            <a
              key={n.path}
              href={`#${n.path}`}
              aria-current={current === n.path.replace(/^\/$/, '/') || (n.path !== '/' && current.startsWith(n.path)) ? 'page' : undefined}
            >
              {n.label}
            </a>
          ))}
        </nav>
        <Clock key={epoch} role={role} onChange={() => setEpoch((x) => x + 1)} />
        <div class="who">
          <span data-testid="who">
            {session.user.name}（{ROLE[role]}）
          </span>
          <button type="button" class="link" onClick={signOut}>
            サインアウト
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route(hash, role, epoch)}
      </main>
    </>
  );
}

const config = await loadConfig();
configure(config);
render(<App config={config} />, document.getElementById('app')!);
