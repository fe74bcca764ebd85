import { useMutation, useQuery } from '@urql/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { followConversation } from '../../shared/conversation';
import { problemOf, type Problem } from '../../shared/errors';
import { MessageLog, newClientMessageId, type ShownMessage } from '../../shared/message-log';
import { useSession } from '../session';
import { formatWhen } from '../time';
import { endUserName } from './requests';

const REQUEST = graphql(`
  query ConsoleRequest($id: ID!) {
    request(id: $id) {
      id
      status
      controlMode
      awaitingHuman
      endUser {
        id
        displayName
        externalId
        online
        locale
      }
      liveConversation {
        id
        agent {
          id
          name
        }
      }
    }
  }
`);

const TAKE_CONTROL = graphql(`
  mutation ConsoleTakeControl($requestId: ID!) {
    takeControl(requestId: $requestId) {
      id
    }
  }
`);

const SEND = graphql(`
  mutation ConsoleSendAgentMessage(
    $liveConversationId: ID!
    $text: String!
    $clientMessageId: String
  ) {
    sendAgentMessage(
      liveConversationId: $liveConversationId
      text: $text
      clientMessageId: $clientMessageId
    ) {
      seq
      author
      text
      notice
      clientMessageId
      createdAt
      operator {
        displayName
        avatarUrl
      }
    }
  }
`);

const RELEASE = graphql(`
  mutation ConsoleReleaseControl($liveConversationId: ID!) {
    releaseControl(liveConversationId: $liveConversationId) {
      id
      status
    }
  }
`);

function ConsoleMessage({ message }: { message: ShownMessage }) {
  return (
    <div
      class={`cmsg ${message.author}`}
      data-testid="console-message"
      data-author={message.author}
      data-seq={message.seq}
    >
      {message.author === 'SYSTEM' ? (
        <span class="notice">{message.text}</span>
      ) : (
        <>
          <span class="who">
            {message.author === 'AGENT'
              ? (message.operator?.displayName ?? 'Agent')
              : message.author === 'BOT'
                ? 'Bot'
                : 'End user'}
            <span class="muted"> · {formatWhen(message.createdAt)}</span>
          </span>
          <span class="text">{message.text}</span>
        </>
      )}
    </div>
  );
}

/**
 * One request: its messages live (conversationEvents from the last seq shown), and at the bottom
 * what the caller can do: take control while the end user is online, then write, send and end.
 */
export function RequestPanel({ requestId, onClose }: { requestId: string; onClose: () => void }) {
  const session = useSession();
  const [{ data, error }, refetch] = useQuery({ query: REQUEST, variables: { id: requestId } });
  const [, takeControl] = useMutation(TAKE_CONTROL);
  const [, send] = useMutation(SEND);
  const [, release] = useMutation(RELEASE);
  const log = useMemo(() => new MessageLog(), [requestId]);
  const [messages, setMessages] = useState<{ shown: ShownMessage[]; pending: number }>({
    shown: [],
    pending: 0,
  });
  const [online, setOnline] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLDivElement>(null);

  const show = () => setMessages({ shown: log.messages, pending: log.pending.length });
  useEffect(
    () =>
      followConversation(
        session.connection,
        requestId,
        () => log.lastSeq,
        (event) => {
          if (event.message && log.add(event.message)) {
            show();
          }
          if (
            event.type === 'END_USER_PRESENCE_CHANGED' &&
            typeof event.endUserOnline === 'boolean'
          ) {
            setOnline(event.endUserOnline);
          }
          if (event.type === 'CONTROL_TAKEN' || event.type === 'CONTROL_RELEASED') {
            refetch({ requestPolicy: 'network-only' });
          }
        },
        (failure) => setProblem(problemOf(failure as Parameters<typeof problemOf>[0])),
      ),
    [requestId, session.connection],
  );
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [messages]);
  useEffect(() => setOnline(null), [data]);

  const request = data?.request;
  const endUserOnline = online ?? request?.endUser.online ?? false;
  const live = request?.liveConversation;
  const mine = live && live.agent.id === session.me.id;

  const act = async (work: () => Promise<{ error?: unknown }>) => {
    setBusy(true);
    setProblem(null);
    const result = await work();
    setBusy(false);
    const found = problemOf(result.error as Parameters<typeof problemOf>[0]);
    setProblem(found);
    refetch({ requestPolicy: 'network-only' });
    return !found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || !live) {
      return;
    }
    const clientMessageId = newClientMessageId();
    log.addPending(clientMessageId, text);
    setDraft('');
    show();
    setProblem(null);
    // Retried with the same clientMessageId while the failure is one a retry may cure.
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await send({ liveConversationId: live.id, text, clientMessageId });
      if (result.data) {
        log.add(result.data.sendAgentMessage);
        show();
        return;
      }
      const found = problemOf(result.error);
      if (!found || !['NETWORK', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE'].includes(found.code)) {
        log.markFailed(clientMessageId, true);
        setProblem(found);
        setDraft(text);
        refetch({ requestPolicy: 'network-only' });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
    log.markFailed(clientMessageId, true);
    setProblem(problemOf({ networkError: true }));
  };

  return (
    <article class="panel" data-testid="console-request-panel" data-request-id={requestId}>
      <header class="panel-head">
        <span class={endUserOnline ? 'presence on' : 'presence'} />
        <strong>{request ? endUserName(request.endUser) : 'Request'}</strong>
        <span class="muted">
          {endUserOnline ? 'Online' : 'Offline'}
          {request?.endUser.locale ? ` · ${request.endUser.locale}` : ''}
          {request?.status === 'CLOSED' ? ' · Closed' : ''}
        </span>
        <span class="spacer" />
        <button type="button" class="icon" aria-label="Close this panel" onClick={onClose}>
          ×
        </button>
      </header>
      <div class="panel-messages" ref={list}>
        {messages.shown.map((message) => (
          <ConsoleMessage key={message.seq} message={message} />
        ))}
        {log.pending.map((pending) => (
          <div key={pending.clientMessageId} class="cmsg AGENT pending">
            <span class="who">{pending.failed ? 'Not sent' : 'Sending…'}</span>
            <span class="text">{pending.text}</span>
          </div>
        ))}
      </div>
      <footer class="panel-foot">
        {problemOf(error) && <p class="problem">{problemOf(error)?.words}</p>}
        {problem && (
          <p class="problem" role="alert" data-testid="console-problem" data-code={problem.code}>
            {problem.words}
          </p>
        )}
        {request && request.status === 'OPEN' && mine && live && (
          <form class="compose" onSubmit={(event) => void submit(event)}>
            <textarea
              data-testid="console-input"
              value={draft}
              placeholder="Write to the end user…"
              maxLength={4000}
              onInput={(event) => setDraft(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  void submit(event);
                }
              }}
            />
            <div class="compose-actions">
              <button data-testid="console-send" type="submit" class="primary">
                Send
              </button>
              <button
                data-testid="console-release"
                type="button"
                disabled={busy}
                onClick={() => void act(() => release({ liveConversationId: live.id }))}
              >
                End
              </button>
            </div>
          </form>
        )}
        {request && request.status === 'OPEN' && live && !mine && (
          <p class="muted">
            {live.agent.name} has control of this conversation.
            {session.role === 'ADMINISTRATOR' && (
              <>
                {' '}
                <button
                  type="button"
                  data-testid="console-release"
                  disabled={busy}
                  onClick={() => void act(() => release({ liveConversationId: live.id }))}
                >
                  End their control
                </button>
              </>
            )}
          </p>
        )}
        {request && request.status === 'OPEN' && !live && (
          <div class="take">
            {endUserOnline ? (
              <button
                data-testid="console-take-control"
                type="button"
                class="primary"
                disabled={busy}
                onClick={() => void act(() => takeControl({ requestId }))}
              >
                Take control
              </button>
            ) : (
              <p class="muted" data-testid="console-offline">
                The user is offline
              </p>
            )}
          </div>
        )}
        {request && request.status === 'CLOSED' && <p class="muted">This request is closed.</p>}
      </footer>
    </article>
  );
}
