import { useEffect, useRef, useState } from 'preact/hooks';
import type { ShownMessage } from '../shared/message-log';
import type { Chat, ChatState } from './chat';
import type { Texts } from './texts';

function useChat(chat: Chat): ChatState {
  const [state, setState] = useState(chat.state);
  useEffect(() => chat.onChange(() => setState(chat.state)), [chat]);
  return state;
}

function Message({ message }: { message: ShownMessage }) {
  if (message.author === 'SYSTEM') {
    return (
      <div class="msg SYSTEM" data-testid="sb-message" data-author="SYSTEM" data-seq={message.seq}>
        <div class="notice">{message.text}</div>
      </div>
    );
  }
  return (
    <div
      class={`msg ${message.author}`}
      data-testid="sb-message"
      data-author={message.author}
      data-seq={message.seq}
    >
      {message.author === 'AGENT' && message.operator && (
        <div class="operator">
          <img
            data-testid="sb-operator-avatar"
            src={message.operator.avatarUrl}
            alt=""
            width={22}
            height={22}
          />
          <span data-testid="sb-operator-name">{message.operator.displayName}</span>
        </div>
      )}
      <div class="bubble">{message.text}</div>
    </div>
  );
}

const CHAT_ICON = (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z" />
  </svg>
);
const CLOSE_ICON = (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z" />
  </svg>
);

/** The launcher and, when open, the chat panel. */
export function Widget({ chat, texts }: { chat: Chat; texts: Texts }) {
  const state = useChat(chat);
  const [draft, setDraft] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const count = state.messages.length + state.pending.length;
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [count, state.open]);

  const submit = (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || !state.ready) {
      return;
    }
    setDraft('');
    void chat.send(text);
  };

  return (
    <div class="root">
      {state.open && (
        <div class="panel" role="dialog" aria-label={texts.title}>
          <div class="header">{texts.title}</div>
          {state.banner && (
            <div class="banner" data-testid="sb-banner" role="status">
              {state.banner}
            </div>
          )}
          {state.ready && !state.connected && <div class="status">{texts.reconnecting}</div>}
          <div class="messages" ref={list} aria-live="polite">
            {state.messages.map((message) => (
              <Message key={message.seq} message={message} />
            ))}
            {state.pending.map((pending) => (
              <div
                key={pending.clientMessageId}
                class="msg END_USER pending"
                data-testid="sb-pending"
              >
                <div class="bubble">{pending.text}</div>
                <div class={pending.failed ? 'meta failed' : 'meta'}>
                  {pending.failed ? texts.retrying : texts.sending}
                </div>
              </div>
            ))}
            {state.problem && <div class="msg SYSTEM notice">{texts.unavailable}</div>}
          </div>
          <form onSubmit={submit}>
            <textarea
              data-testid="sb-input"
              value={draft}
              placeholder={texts.placeholder}
              aria-label={texts.placeholder}
              maxLength={4000}
              onInput={(event) => setDraft(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  submit(event);
                }
              }}
            />
            <button class="send" type="submit" data-testid="sb-send" disabled={!state.ready}>
              {texts.send}
            </button>
          </form>
        </div>
      )}
      <button
        class="launcher"
        type="button"
        data-testid="sb-launcher"
        aria-label={state.open ? texts.close : texts.open}
        aria-expanded={state.open}
        onClick={() => chat.setOpen(!state.open)}
      >
        {state.open ? CLOSE_ICON : CHAT_ICON}
      </button>
    </div>
  );
}
