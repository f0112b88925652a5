/**
 * The admin console: sign in to apps, manage them, and try the REST admin API. All data
 * shown (names, user IDs, message text, API responses) is rendered as text nodes.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatTime } from '../shared/ui.ts';
import { api, type AccountView, type AdminMessage, type AppDetail, type AppSummary, type RestCommand, type Stats } from './api.ts';
import { FALLBACK_COMMANDS, commandPath, curlLine, prefill } from './commands.ts';

type Tab = 'overview' | 'usersig' | 'accounts' | 'history' | 'tester';
const TABS: [Tab, string][] = [
  ['overview', 'Overview'],
  ['usersig', 'UserSig'],
  ['accounts', 'Accounts'],
  ['history', 'Messages'],
  ['tester', 'API tester'],
];

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function App() {
  const [apps, setApps] = useState<AppSummary[] | undefined>(undefined);
  // The selected app lives in the URL hash, so a reload or a shared link keeps it.
  const [selected, setSelectedState] = useState<number | undefined>(() => Number(location.hash.slice(1)) || undefined);
  const setSelected = (next: number | undefined | ((cur: number | undefined) => number | undefined)) =>
    setSelectedState((cur) => {
      const id = typeof next === 'function' ? next(cur) : next;
      history.replaceState(null, '', id ? `#${id}` : location.pathname);
      return id;
    });
  const [adding, setAdding] = useState(false);
  const [tab, setTab] = useState<Tab>('overview');

  const refresh = async (select?: number) => {
    const list = (await api.apps()).apps;
    setApps(list);
    setSelected((cur) => select ?? (list.some((a) => a.sdkAppId === cur) ? cur : list[0]?.sdkAppId));
  };
  useEffect(() => {
    void refresh().catch(() => setApps([]));
  }, []);

  if (apps === undefined) return <p class="pad muted">Loading…</p>;
  const app = apps.find((a) => a.sdkAppId === selected);
  if (!app || adding) {
    return (
      <SignIn
        canCancel={apps.length > 0}
        onCancel={() => setAdding(false)}
        onDone={async (id) => {
          setAdding(false);
          await refresh(id);
        }}
      />
    );
  }
  return (
    <div class="console">
      <header class="topbar">
        <strong class="brand">Parley console</strong>
        <select data-testid="app-select" value={String(app.sdkAppId)} onChange={(e) => setSelected(Number(e.currentTarget.value))}>
          {apps.map((a) => (
            <option key={a.sdkAppId} value={String(a.sdkAppId)}>
              {`${a.name} · ${a.sdkAppId}`}
            </option>
          ))}
        </select>
        <button class="secondary" data-testid="add-app-signin" onClick={() => setAdding(true)}>
          Sign in to another app
        </button>
        <span class="grow" />
        <button
          class="link"
          onClick={async () => {
            await api.signOut(app.sdkAppId);
            await refresh();
          }}
        >
          Sign out of this app
        </button>
      </header>
      <nav class="tabs">
        {TABS.map(([id, label]) => (
          <button key={id} class={tab === id ? 'tab active' : 'tab'} data-testid={`tab-${id}`} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </nav>
      <main class="content">
        {tab === 'overview' ? <Overview key={app.sdkAppId} app={app} apps={apps} onCreated={(id) => void refresh(id)} onListChanged={() => void refresh()} /> : null}
        {tab === 'usersig' ? <UserSigTool key={app.sdkAppId} app={app} /> : null}
        {tab === 'accounts' ? <Accounts key={app.sdkAppId} app={app} /> : null}
        {tab === 'history' ? <History key={app.sdkAppId} app={app} /> : null}
        {tab === 'tester' ? <ApiTester key={app.sdkAppId} app={app} /> : null}
      </main>
    </div>
  );
}

function SignIn({ onDone, canCancel, onCancel }: { onDone: (id: number) => void | Promise<void>; canCancel: boolean; onCancel: () => void }) {
  const [sdkAppId, setId] = useState('');
  const [mode, setMode] = useState<'key' | 'sig'>('key');
  const [secretKey, setKey] = useState('');
  const [identifier, setIdentifier] = useState('administrator');
  const [userSig, setSig] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <div class="signin">
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError('');
          try {
            const id = Number(sdkAppId.trim());
            await api.signIn(mode === 'key' ? { sdkAppId: id, secretKey: secretKey.trim() } : { sdkAppId: id, identifier: identifier.trim(), userSig: userSig.trim() });
            await onDone(id);
          } catch (err) {
            setError(errText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Parley console</h1>
        <p class="muted">Sign in as an app's admin. With the secret key, the server checks it and starts a one-hour session; the key is not stored in the browser.</p>
        <label>
          SDKAppID
          <input data-testid="signin-appid" inputMode="numeric" value={sdkAppId} onInput={(e) => setId(e.currentTarget.value)} placeholder="1400000000" />
        </label>
        <div class="segmented">
          <button type="button" class={mode === 'key' ? 'active' : ''} onClick={() => setMode('key')}>
            Secret key
          </button>
          <button type="button" data-testid="signin-mode-sig" class={mode === 'sig' ? 'active' : ''} onClick={() => setMode('sig')}>
            Admin UserSig
          </button>
        </div>
        {mode === 'key' ? (
          <label>
            Secret key
            <input data-testid="signin-key" type="password" autoComplete="off" value={secretKey} onInput={(e) => setKey(e.currentTarget.value)} />
          </label>
        ) : (
          <>
            <label>
              Admin identifier
              <input data-testid="signin-identifier" value={identifier} onInput={(e) => setIdentifier(e.currentTarget.value)} />
            </label>
            <label>
              UserSig of the admin identifier
              <textarea data-testid="signin-usersig" rows={3} value={userSig} onInput={(e) => setSig(e.currentTarget.value)} />
            </label>
          </>
        )}
        <div class="actions">
          <button data-testid="signin-submit" type="submit" disabled={busy || !sdkAppId.trim()}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          {canCancel ? (
            <button type="button" class="secondary" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
        {error ? (
          <p class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        ) : null}
      </form>
    </div>
  );
}

function Overview({ app, apps, onCreated, onListChanged }: { app: AppSummary; apps: AppSummary[]; onCreated: (id: number) => void; onListChanged: () => void }) {
  const [detail, setDetail] = useState<AppDetail | undefined>(undefined);
  const [showKey, setShowKey] = useState(false);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    void api.app(app.sdkAppId).then((r) => setDetail(r.app), (e) => setError(errText(e)));
  }, [app.sdkAppId]);

  return (
    <div class="grid">
      <section class="card">
        <h2>App</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd data-testid="app-name">{app.name}</dd>
          <dt>SDKAppID</dt>
          <dd class="mono" data-testid="app-id">
            {String(app.sdkAppId)}
          </dd>
          <dt>Admin identifier</dt>
          <dd class="mono">{app.adminIdentifier}</dd>
          <dt>Created</dt>
          <dd>{new Date(app.createdAt * 1000).toLocaleString()}</dd>
          <dt>Secret key</dt>
          <dd class="key-row">
            <code data-testid="secret-key">{showKey && detail ? detail.secretKey : '•'.repeat(24)}</code>
            <button class="link" data-testid="show-key" onClick={() => setShowKey(!showKey)}>
              {showKey ? 'Hide' : 'Show'}
            </button>
          </dd>
        </dl>
        {!confirmRotate ? (
          <button class="secondary" data-testid="rotate-key" onClick={() => setConfirmRotate(true)}>
            Rotate secret key…
          </button>
        ) : (
          <div class="warning" data-testid="rotate-warning">
            <p>
              <strong>Rotating replaces the secret key now.</strong> Every UserSig signed with the old key stops working, and so do the sessions
              started with them: new logins and reconnects with an old sig are refused (70009), and console sessions of this app end. Connections
              open right now stay up until they drop. Give your back end the new key before its users' next login.
            </p>
            <div class="actions">
              <button
                class="danger-fill"
                data-testid="rotate-confirm"
                onClick={async () => {
                  try {
                    const r = await api.rotateKey(app.sdkAppId);
                    setDetail(detail ? { ...detail, secretKey: r.secretKey } : detail);
                    setShowKey(true);
                    setNotice('New key in force. Old UserSigs are refused from now on.');
                  } catch (err) {
                    setError(errText(err));
                  }
                  setConfirmRotate(false);
                }}
              >
                Rotate now
              </button>
              <button class="secondary" onClick={() => setConfirmRotate(false)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {notice ? <p class="ok">{notice}</p> : null}
        {error ? <p class="error">{error}</p> : null}
      </section>
      <LiveNumbers app={app} />
      <CreateApp onCreated={onCreated} onListChanged={onListChanged} />
      <section class="card">
        <h2>Your apps</h2>
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>SDKAppID</th>
              <th>Session ends</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((a) => (
              <tr key={a.sdkAppId} data-testid="app-row" data-sdkappid={String(a.sdkAppId)}>
                <td>{a.name}</td>
                <td class="mono">{String(a.sdkAppId)}</td>
                <td>{a.session ? formatTime(a.session.expiresAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted small">Apps you are signed in to in this browser. Sign in to another app with its SDKAppID and key.</p>
      </section>
    </div>
  );
}

function CreateApp({ onCreated, onListChanged }: { onCreated: (id: number) => void; onListChanged: () => void }) {
  const [name, setName] = useState('');
  const [admin, setAdmin] = useState('administrator');
  const [created, setCreated] = useState<AppDetail | undefined>(undefined);
  const [error, setError] = useState('');
  return (
    <section class="card">
      <h2>Create an app</h2>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setError('');
          try {
            const r = await api.createApp({ name: name.trim(), adminIdentifier: admin.trim() });
            setCreated(r.app);
            setName('');
            onListChanged();
          } catch (err) {
            setError(errText(err));
          }
        }}
      >
        <label>
          Name
          <input data-testid="create-app-name" value={name} maxLength={64} onInput={(e) => setName(e.currentTarget.value)} placeholder="my-app" />
        </label>
        <label>
          Admin identifier
          <input value={admin} maxLength={32} onInput={(e) => setAdmin(e.currentTarget.value)} />
        </label>
        <button data-testid="create-app-submit" type="submit" disabled={!name.trim()}>
          Create app
        </button>
      </form>
      {created ? (
        <div class="created" data-testid="created-app">
          <p>
            Created <strong>{created.name}</strong>, SDKAppID <code data-testid="created-app-id">{String(created.sdkAppId)}</code>. Its secret key (keep it on your
            back end):
          </p>
          <code class="block">{created.secretKey}</code>
          <button class="secondary" onClick={() => onCreated(created.sdkAppId)}>
            Open it
          </button>
        </div>
      ) : null}
      {error ? <p class="error">{error}</p> : null}
    </section>
  );
}

function LiveNumbers({ app }: { app: AppSummary }) {
  const [stats, setStats] = useState<Stats | undefined>(undefined);
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const s = await api.stats(app.sdkAppId);
        if (!stop) setStats(s);
      } catch {
        // Keep the last numbers; the next tick tries again.
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 2000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [app.sdkAppId]);
  return (
    <section class="card">
      <h2>Live</h2>
      <div class="stats">
        <div class="stat">
          <span class="num" data-testid="stat-online">
            {stats ? String(stats.online) : '–'}
          </span>
          <span class="label">connections online</span>
        </div>
        <div class="stat">
          <span class="num" data-testid="stat-rate">
            {stats ? stats.messagesPerSecond.toFixed(1) : '–'}
          </span>
          <span class="label">messages / s (10 s)</span>
        </div>
        <div class="stat">
          <span class="num" data-testid="stat-stored">
            {stats ? String(stats.storedMessages) : '–'}
          </span>
          <span class="label">stored messages</span>
        </div>
        <div class="stat">
          <span class="num">{stats ? String(stats.accounts) : '–'}</span>
          <span class="label">accounts</span>
        </div>
      </div>
      <Chart series={stats?.series ?? []} />
      <p class="muted small">Messages per second over the last minute. Connections count this server node.</p>
    </section>
  );
}

function Chart({ series }: { series: number[] }) {
  const w = 360;
  const h = 80;
  const max = Math.max(1, ...series);
  const step = series.length > 1 ? w / (series.length - 1) : w;
  const points = series.map((v, i) => `${(i * step).toFixed(1)},${(h - 4 - (v / max) * (h - 12)).toFixed(1)}`).join(' ');
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label="messages per second, last minute" data-testid="stat-chart">
      <line x1="0" y1={h - 4} x2={w} y2={h - 4} class="axis" />
      {series.length > 1 ? <polygon points={`0,${h - 4} ${points} ${w},${h - 4}`} class="area" /> : null}
      {series.length > 1 ? <polyline points={points} class="line" /> : null}
      <text x={w - 4} y="12" text-anchor="end" class="max">
        {`max ${max}/s`}
      </text>
    </svg>
  );
}

const EXPIRY: [number, string][] = [
  [3600, '1 hour'],
  [86400, '1 day'],
  [7 * 86400, '7 days'],
  [180 * 86400, '180 days'],
];

function UserSigTool({ app }: { app: AppSummary }) {
  const [userID, setUser] = useState('');
  const [expire, setExpire] = useState(86400);
  const [out, setOut] = useState<{ userID: string; userSig: string; expireAt: number } | undefined>(undefined);
  const [error, setError] = useState('');
  return (
    <section class="card narrow">
      <h2>UserSig generator</h2>
      <p class="muted">Signs a UserSig with this app's secret key, as Tencent's console tool does. Production back ends sign their own with the key.</p>
      <form
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setError('');
          try {
            const r = await api.userSig(app.sdkAppId, userID.trim(), expire);
            setOut({ userID: userID.trim(), ...r });
          } catch (err) {
            setError(errText(err));
          }
        }}
      >
        <label>
          UserID
          <input data-testid="sig-user" value={userID} maxLength={32} onInput={(e) => setUser(e.currentTarget.value)} placeholder={app.adminIdentifier} />
        </label>
        <label>
          Valid for
          <select data-testid="sig-expire" value={String(expire)} onChange={(e) => setExpire(Number(e.currentTarget.value))}>
            {EXPIRY.map(([s, label]) => (
              <option key={s} value={String(s)}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button data-testid="sig-generate" type="submit" disabled={!userID.trim()}>
          Generate
        </button>
      </form>
      {out ? (
        <div class="stack top">
          <label>
            UserSig for {out.userID}, valid until {new Date(out.expireAt * 1000).toLocaleString()}
            <textarea data-testid="sig-output" class="mono" rows={5} readOnly value={out.userSig} />
          </label>
          <button class="secondary" onClick={() => void navigator.clipboard?.writeText(out.userSig)}>
            Copy
          </button>
        </div>
      ) : null}
      {error ? <p class="error">{error}</p> : null}
    </section>
  );
}

function Accounts({ app }: { app: AppSummary }) {
  const [search, setSearch] = useState('');
  const [data, setData] = useState<{ total: number; accounts: AccountView[] } | undefined>(undefined);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const load = async (q = search) => {
    try {
      setData(await api.accounts(app.sdkAppId, q));
      setError('');
    } catch (err) {
      setError(errText(err));
    }
  };
  useEffect(() => {
    void load('');
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [app.sdkAppId]);
  return (
    <section class="card">
      <h2>Accounts {data ? <span class="muted small">{`${data.total} in this app`}</span> : null}</h2>
      <form
        class="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <input data-testid="accounts-search" value={search} placeholder="Search userID or nick" onInput={(e) => setSearch(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <table class="table">
        <thead>
          <tr>
            <th>UserID</th>
            <th>Nick</th>
            <th>State</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data?.accounts ?? []).map((a) => (
            <tr key={a.userID} data-testid="account-row" data-user={a.userID} data-online={a.online ? 'true' : 'false'}>
              <td class="mono">{a.userID}</td>
              <td>{a.nick}</td>
              <td>
                <span class={a.online ? 'pill on' : 'pill'}>{a.online ? `online (${a.instances})` : 'offline'}</span>
              </td>
              <td>{new Date(a.createdAt * 1000).toLocaleDateString()}</td>
              <td>
                <button
                  class="link danger"
                  data-testid="kick"
                  onClick={async () => {
                    try {
                      await api.kick(app.sdkAppId, a.userID);
                      setNotice(`${a.userID} was signed out; the UserSigs it held no longer work.`);
                      await load();
                    } catch (err) {
                      setError(errText(err));
                    }
                  }}
                >
                  Kick
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.accounts.length === 0 ? <p class="muted">No accounts match.</p> : null}
      {notice ? <p class="ok">{notice}</p> : null}
      {error ? <p class="error">{error}</p> : null}
    </section>
  );
}

function textOf(m: AdminMessage): string {
  return m.body
    .map((e) => (e.MsgType === 'TIMTextElem' ? String(e.MsgContent['Text'] ?? '') : e.MsgType === 'TIMCustomElem' ? `[custom] ${String(e.MsgContent['Data'] ?? '')}` : `[${e.MsgType}]`))
    .join(' ');
}

function History({ app }: { app: AppSummary }) {
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [messages, setMessages] = useState<AdminMessage[]>([]);
  const [complete, setComplete] = useState(true);
  const [error, setError] = useState('');
  const load = async (older: boolean) => {
    try {
      const before = older ? messages[messages.length - 1]?.seq : undefined;
      const r = await api.history(app.sdkAppId, a.trim(), b.trim(), before);
      setMessages(older ? [...messages, ...r.messages] : r.messages);
      setComplete(r.complete);
      setError('');
    } catch (err) {
      setError(errText(err));
    }
  };
  return (
    <section class="card">
      <h2>Messages between two accounts</h2>
      <p class="muted small">The admin view: every message of the pair, including recalled ones and those either side deleted from its own view.</p>
      <form
        class="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load(false);
        }}
      >
        <input data-testid="history-a" value={a} placeholder="alice" onInput={(e) => setA(e.currentTarget.value)} />
        <input data-testid="history-b" value={b} placeholder="bob" onInput={(e) => setB(e.currentTarget.value)} />
        <button data-testid="history-load" type="submit" disabled={!a.trim() || !b.trim()}>
          Show
        </button>
      </form>
      <table class="table">
        <thead>
          <tr>
            <th>Seq</th>
            <th>Time</th>
            <th>From</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.seq} data-testid="history-message">
              <td class="mono">{String(m.seq)}</td>
              <td>{new Date(m.time * 1000).toLocaleString()}</td>
              <td class="mono">{m.from}</td>
              <td class={m.recalled ? 'muted' : ''}>{m.recalled ? `(recalled) ${textOf(m)}` : textOf(m)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!complete ? (
        <button class="secondary" onClick={() => void load(true)}>
          Older messages
        </button>
      ) : null}
      {error ? <p class="error">{error}</p> : null}
    </section>
  );
}

function ApiTester({ app }: { app: AppSummary }) {
  const [commands, setCommands] = useState<RestCommand[]>(FALLBACK_COMMANDS);
  const [name, setName] = useState('openim.sendmsg');
  const [identifier, setIdentifier] = useState(app.adminIdentifier);
  const [userSig, setUserSig] = useState('');
  const [body, setBody] = useState(() => prefill(FALLBACK_COMMANDS[0]!.example));
  const [random, setRandom] = useState(() => Math.floor(Math.random() * 0xffffffff));
  const [response, setResponse] = useState<{ status: number; text: string; ms: number } | undefined>(undefined);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The server lists the commands it implements, with example bodies; keep the built-in list if it does not.
    void api.restCommands().then(
      (r) => {
        if (r.commands.length === 0) return;
        setCommands(r.commands);
        const first = r.commands.find((c) => c.name === name) ?? r.commands[0]!;
        setName(first.name);
        setBody(prefill(first.example));
      },
      () => undefined,
    );
    // A fresh admin UserSig (1 hour) so the first Send works without a trip to the generator.
    void api.userSig(app.sdkAppId, app.adminIdentifier, 3600).then(
      (r) => setUserSig((cur) => cur || r.userSig),
      (e) => setError(errText(e)),
    );
  }, [app.sdkAppId]);

  const cmd = commands.find((c) => c.name === name);
  const url = useMemo(() => {
    const q = new URLSearchParams({ sdkappid: String(app.sdkAppId), identifier, usersig: userSig, random: String(random), contenttype: 'json' });
    return `${location.origin}${commandPath(name)}?${q.toString()}`;
  }, [app.sdkAppId, identifier, userSig, random, name]);

  return (
    <div class="tester">
      <section class="card">
        <h2>API tester</h2>
        <label>
          Command
          <select
            data-testid="tester-command"
            value={name}
            onChange={(e) => {
              const next = commands.find((c) => c.name === e.currentTarget.value);
              setName(e.currentTarget.value);
              if (next) setBody(prefill(next.example));
              setResponse(undefined);
            }}
          >
            {commands.map((c) => (
              <option key={c.name} value={c.name}>
                {commandPath(c.name)}
              </option>
            ))}
          </select>
        </label>
        {cmd ? <p class="muted small">{cmd.summary}</p> : null}
        <div class="two">
          <label>
            identifier
            <input data-testid="tester-identifier" value={identifier} onInput={(e) => setIdentifier(e.currentTarget.value)} />
          </label>
          <label>
            usersig
            <input data-testid="tester-usersig" class="mono" value={userSig} onInput={(e) => setUserSig(e.currentTarget.value)} />
          </label>
        </div>
        <label>
          Request body (JSON)
          <textarea data-testid="tester-body" class="mono" rows={12} spellcheck={false} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button
            data-testid="tester-send"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError('');
              const started = performance.now();
              try {
                const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
                const text = await res.text();
                let pretty = text;
                try {
                  pretty = JSON.stringify(JSON.parse(text), null, 2);
                } catch {
                  // Not JSON: show it as the server sent it.
                }
                setResponse({ status: res.status, text: pretty, ms: Math.round(performance.now() - started) });
              } catch (err) {
                setError(errText(err));
              } finally {
                setBusy(false);
                setRandom(Math.floor(Math.random() * 0xffffffff));
              }
            }}
          >
            {busy ? 'Sending…' : 'Send request'}
          </button>
          <button class="secondary" onClick={() => cmd && setBody(prefill(cmd.example))}>
            Reset body
          </button>
        </div>
        {error ? <p class="error">{error}</p> : null}
      </section>
      <section class="card">
        <h2>
          Response{' '}
          {response ? (
            <span class="muted small" data-testid="tester-status">
              {`HTTP ${response.status} · ${response.ms} ms`}
            </span>
          ) : null}
        </h2>
        <pre class="code" data-testid="tester-response">
          {response ? response.text : 'Send a request to see the response.'}
        </pre>
        <h2>curl</h2>
        <pre class="code" data-testid="tester-curl">
          {curlLine(url, body)}
        </pre>
      </section>
    </div>
  );
}
