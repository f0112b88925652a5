/**
 * The chat view. Everything that comes from a message or a name is rendered as a text node
 * (JSX children), never as HTML.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Conversation, Message } from '@parley/sdk';
import { formatTime, messageText, useVersion } from '../shared/ui.ts';
import type { ChatModel } from './model.ts';

/** How long after sending the server lets a sender recall (Tencent's and Parley's default). */
const RECALL_WINDOW_SECONDS = 120;

export function App({ model }: { model: ChatModel }) {
  useVersion(model);
  if (model.phase === 'kicked') return <Kicked model={model} />;
  if (model.phase !== 'ready') return <Login model={model} />;
  return (
    <div class={`chat ${model.active ? 'has-active' : ''}`}>
      <ConnBanner model={model} />
      <aside class="sidebar">
        <header class="me">
          <span class="avatar">{initial(model.me)}</span>
          <span class="me-name" data-testid="me">{model.me}</span>
          <button class="link" onClick={() => void model.logout()}>
            Sign out
          </button>
        </header>
        <NewChat model={model} />
        <ConversationList model={model} />
      </aside>
      <main class="pane">{model.active ? <ChatPane model={model} peer={model.active} /> : <Empty />}</main>
    </div>
  );
}

function Login({ model }: { model: ChatModel }) {
  const [user, setUser] = useState('');
  const busy = model.phase === 'signing-in';
  return (
    <div class="login">
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void model.login(user);
        }}
      >
        <h1>Parley chat</h1>
        <p class="muted">Enter a userID. This demo page asks the server's demo back end for a UserSig, then logs in with the SDK.</p>
        <label>
          UserID
          <input data-testid="login-user" value={user} autoFocus maxLength={32} placeholder="alice" onInput={(e) => setUser(e.currentTarget.value)} />
        </label>
        <button data-testid="login-submit" type="submit" disabled={busy || user.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {model.error ? (
          <p class="error" role="alert">
            {model.error}
          </p>
        ) : null}
      </form>
    </div>
  );
}

function Kicked({ model }: { model: ChatModel }) {
  return (
    <div class="login">
      <div class="card" data-testid="kicked" role="alert">
        <h1>Signed out</h1>
        <p>{model.kickedReason}</p>
        <button onClick={() => model.dismissKick()}>Sign in again</button>
      </div>
    </div>
  );
}

function ConnBanner({ model }: { model: ChatModel }) {
  const text = { connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline — messages will be sent when the connection is back' }[model.banner];
  return (
    <div class={`conn conn-${model.banner}`} data-testid="conn-status" data-state={model.banner} role="status" aria-live="polite">
      <span class="dot" />
      {text}
    </div>
  );
}

function NewChat({ model }: { model: ChatModel }) {
  const [peer, setPeer] = useState('');
  return (
    <form
      class="new-chat"
      onSubmit={(e) => {
        e.preventDefault();
        if (peer.trim()) void model.open(peer);
        setPeer('');
      }}
    >
      <input data-testid="new-chat-peer" value={peer} maxLength={32} placeholder="Start a chat with userID…" onInput={(e) => setPeer(e.currentTarget.value)} />
      <button data-testid="new-chat-open" type="submit" disabled={peer.trim() === ''}>
        Chat
      </button>
    </form>
  );
}

function ConversationList({ model }: { model: ChatModel }) {
  const list: (Conversation | { conversationID: string; peer: string })[] = [...model.conversations];
  // A chat opened by userID shows in the list before its first message.
  if (model.active && !model.conversations.some((c) => c.conversationID === `C2C${model.active}`)) {
    list.unshift({ conversationID: `C2C${model.active}`, peer: model.active });
  }
  if (list.length === 0) return <p class="muted pad">No conversations yet. Start one above.</p>;
  return (
    <ul class="conversations">
      {list.map((c) => {
        const peer = 'peer' in c ? c.peer : c.userProfile.userID || c.conversationID.slice(3);
        const conv = 'peer' in c ? undefined : c;
        const last = conv?.lastMessage;
        const preview = !last ? '' : last.isRevoked ? 'Message recalled' : (last.fromAccount === model.me ? 'You: ' : '') + (last.messageForShow || '[message]');
        return (
          <li key={c.conversationID}>
            <button class={`conversation ${model.active === peer ? 'active' : ''}`} data-testid="conversation" data-peer={peer} onClick={() => void model.open(peer)}>
              <span class="avatar">{initial(peer)}</span>
              <span class="conv-main">
                <span class="conv-top">
                  <span class="peer">{peer}</span>
                  <span class="time">{last?.lastTime ? formatTime(last.lastTime) : ''}</span>
                </span>
                <span class="conv-bottom">
                  <span class="preview">{preview}</span>
                  {conv && conv.unreadCount > 0 ? (
                    <span class="badge" data-testid="unread">
                      {conv.unreadCount > 99 ? '99+' : String(conv.unreadCount)}
                    </span>
                  ) : null}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Empty() {
  return (
    <div class="empty">
      <p>Pick a conversation, or start one by userID.</p>
    </div>
  );
}

function ChatPane({ model, peer }: { model: ChatModel; peer: string }) {
  const thread = model.thread(peer);
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number } | undefined>(undefined);
  const [text, setText] = useState('');
  const messages = model.messagesWith(peer);
  const count = messages.length;
  const lastId = messages[count - 1]?.ID;
  // The server counts a send as reading the conversation up to it without sending a receipt,
  // so a message from the peer with sequence N also means "read up to N".
  const repliedUpTo = messages.reduce((max, m) => (m.flow === 'in' && m.sequence > max ? m.sequence : max), 0);

  // Keep the view pinned to the newest message, or in place when older ones load above.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = undefined;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [count, lastId, peer]);

  useEffect(() => {
    stickToBottom.current = true;
    const onVisible = () => void model.markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [peer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 60 && thread && !thread.complete && !thread.loading) {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop };
      void model.loadOlder().then((loaded) => {
        if (!loaded) anchor.current = undefined;
      });
    }
  };

  const send = () => {
    if (text.trim() === '') return;
    stickToBottom.current = true;
    void model.send(text);
    setText('');
  };

  return (
    <section class="thread">
      <header class="thread-head">
        <button class="back" aria-label="Back to conversations" onClick={() => model.close()}>
          ‹
        </button>
        <span class="avatar">{initial(peer)}</span>
        <span class="peer" data-testid="thread-peer">
          {peer}
        </span>
      </header>
      <div class="messages" ref={scroller} onScroll={onScroll} data-testid="messages">
        {thread?.loading ? <p class="muted center">Loading…</p> : null}
        {thread?.complete && count > 0 ? <p class="muted center small">Start of the conversation</p> : null}
        {messages.map((m) => (
          <Bubble key={m.ID} m={m} model={model} read={m.isPeerRead || (m.sequence > 0 && m.sequence < repliedUpTo)} />
        ))}
      </div>
      {model.error ? (
        <p class="error pad" role="alert">
          {model.error}
        </p>
      ) : null}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          data-testid="message-input"
          rows={1}
          value={text}
          placeholder={`Message ${peer}`}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter sends; Shift+Enter is a new line; ignore Enter while an IME is composing.
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button data-testid="send" type="submit" disabled={text.trim() === ''}>
          Send
        </button>
      </form>
    </section>
  );
}

const STATUS: Record<string, string> = { unSend: 'sending', success: 'sent', fail: 'failed' };

function Bubble({ m, model, read }: { m: Message; model: ChatModel; read: boolean }) {
  const status = STATUS[m.status] ?? 'sent';
  const out = m.flow === 'out';
  const now = Math.floor(Date.now() / 1000);
  const canRecall = out && status === 'sent' && !m.isRevoked && now - m.time < RECALL_WINDOW_SECONDS;
  const [selected, setSelected] = useState(false);
  return (
    <div class={`row ${out ? 'out' : 'in'} ${selected ? 'selected' : ''}`}>
      <div
        onClick={() => setSelected(!selected)}
        class={`bubble ${m.isRevoked ? 'revoked' : ''}`}
        data-testid="message"
        data-flow={out ? 'out' : 'in'}
        data-status={status}
        data-read={out && read ? 'true' : 'false'}
        data-revoked={m.isRevoked ? 'true' : 'false'}
        data-id={m.ID}
      >
        {m.isRevoked ? <span class="text muted">{out ? 'You recalled a message' : `${m.from} recalled a message`}</span> : <span class="text">{messageText(m)}</span>}
        <span class="meta">
          <span class="time">{formatTime(m.time || m.clientTime)}</span>
          {out && !m.isRevoked ? <MessageState status={status} read={read} /> : null}
        </span>
      </div>
      {out && status === 'failed' ? (
        <button class="link small danger" data-testid="retry" onClick={() => void model.retry(m)}>
          Not sent — retry
        </button>
      ) : null}
      {canRecall ? (
        <button class="link small recall" data-testid="recall" onClick={() => void model.recall(m)}>
          Recall
        </button>
      ) : null}
    </div>
  );
}

function MessageState({ status, read }: { status: string; read: boolean }) {
  if (status === 'sending') return <span class="state">Sending…</span>;
  if (status === 'failed') return <span class="state danger">Failed</span>;
  return (
    <span class="state" data-testid={read ? 'read-marker' : undefined}>
      {read ? 'Read' : 'Sent'}
    </span>
  );
}

function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? '?').toUpperCase();
}
