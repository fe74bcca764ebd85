import { graphql } from '../gql';
import { connect, type Connection } from '../shared/client';
import { followConversation, type ConversationEvent } from '../shared/conversation';
import { isRetryable, problemOf, type Problem } from '../shared/errors';
import { MessageLog, newClientMessageId, type ShownMessage } from '../shared/message-log';

const START_SESSION = graphql(`
  mutation WidgetStartSession($widgetKey: String!, $input: EndUserSessionInput) {
    startEndUserSession(widgetKey: $widgetKey, input: $input) {
      token
      endUser {
        id
        language
      }
    }
  }
`);

const READ_REQUEST = graphql(`
  query WidgetRequest($id: ID!) {
    request(id: $id) {
      id
      status
      banner
    }
  }
`);

const OPEN_REQUEST = graphql(`
  mutation WidgetOpenRequest {
    openRequest {
      id
      banner
    }
  }
`);

const SEND = graphql(`
  mutation WidgetSend($requestId: ID!, $text: String!, $clientMessageId: String) {
    sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $clientMessageId) {
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

/** What the widget keeps in localStorage, per widget key. */
interface Stored {
  token?: string;
  requestId?: string;
  open?: boolean;
}

export interface ChatState {
  ready: boolean;
  connected: boolean;
  open: boolean;
  banner: string | null;
  messages: ShownMessage[];
  pending: { clientMessageId: string; text: string; failed: boolean }[];
  problem: Problem | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One visitor's chat with one bot: the end-user session (token kept in localStorage per widget
 * key, so a reload continues the conversation), the graphql-ws connection kept open while the
 * page is (the visitor is "online"), the request opened on the first message, its messages in
 * seq order, and sends that are shown at once and retried with the same clientMessageId until
 * the service confirms them.
 */
export class Chat {
  private readonly storageKey: string;
  private stored: Stored;
  private connection: Connection | null = null;
  private readonly log = new MessageLog();
  private stopFollowing: (() => void) | null = null;
  private opening: Promise<string> | null = null;
  private renewing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  state: ChatState;

  constructor(
    private readonly serviceOrigin: string,
    private readonly widgetKey: string,
    private readonly locale: string,
  ) {
    this.storageKey = `switchboard:widget:${widgetKey}`;
    this.stored = this.readStored();
    this.state = {
      ready: false,
      connected: false,
      open: this.stored.open ?? false,
      banner: null,
      messages: [],
      pending: [],
      problem: null,
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (!this.stored.token) {
      await this.newSession();
    }
    this.connection = connect(this.serviceOrigin, () => this.stored.token ?? null, {
      keepOpen: true,
      onSocketClosed: (code) => {
        this.update({ connected: false });
        // 4403: the token expired or is no longer valid. A new session continues elsewhere.
        if (code === 4403) {
          void this.renewSession();
        }
      },
    });
    this.connection.ws.on('connected', () => this.update({ connected: true }));
    if (this.stored.requestId) {
      const result = await this.connection.urql
        .query(READ_REQUEST, { id: this.stored.requestId })
        .toPromise();
      const request = result.data?.request;
      if (request && request.status === 'OPEN') {
        this.update({ banner: request.banner ?? null });
        this.follow(request.id);
      } else if (!result.error?.networkError) {
        this.save({ requestId: undefined });
      }
    }
    this.update({ ready: true });
  }

  setOpen(open: boolean): void {
    this.save({ open });
    this.update({ open });
  }

  /** Shows `text` at once, then sends it until the service has it (once, whatever the retries). */
  async send(text: string): Promise<void> {
    const clientMessageId = newClientMessageId();
    this.log.addPending(clientMessageId, text);
    this.refreshMessages();
    for (let attempt = 0; ; attempt++) {
      if (this.log.isConfirmed(clientMessageId)) {
        return;
      }
      let problem: Problem | null;
      try {
        const requestId = await this.requestId();
        const result = await this.connection!.urql.mutation(SEND, {
          requestId,
          text,
          clientMessageId,
        });
        if (result.data) {
          this.log.add(result.data.sendUserMessage);
          this.refreshMessages();
          this.update({ problem: null });
          return;
        }
        problem = problemOf(result.error);
      } catch {
        problem = problemOf({ networkError: true });
      }
      if (problem?.code === 'REQUEST_CLOSED' || problem?.code === 'NOT_FOUND') {
        this.forgetRequest();
      } else if (problem?.code === 'UNAUTHENTICATED') {
        await this.renewSession();
      } else if (problem && !isRetryable(problem)) {
        this.log.markFailed(clientMessageId, true);
        this.refreshMessages();
        this.update({ problem });
        return;
      }
      this.log.markFailed(clientMessageId, true);
      this.refreshMessages();
      await sleep(Math.min(15_000, 500 * 2 ** attempt));
    }
  }

  private async requestId(): Promise<string> {
    if (this.stored.requestId) {
      return this.stored.requestId;
    }
    this.opening ??= (async () => {
      const result = await this.connection!.urql.mutation(OPEN_REQUEST, {});
      if (!result.data) {
        throw result.error ?? new Error('openRequest failed');
      }
      const request = result.data.openRequest;
      this.save({ requestId: request.id });
      this.update({ banner: request.banner ?? null });
      this.follow(request.id);
      return request.id;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private follow(requestId: string): void {
    this.stopFollowing?.();
    this.stopFollowing = followConversation(
      this.connection!,
      requestId,
      () => this.log.lastSeq,
      (event) => this.onEvent(event),
    );
  }

  private onEvent(event: ConversationEvent): void {
    if (event.message && this.log.add(event.message)) {
      this.refreshMessages();
    }
    this.update({ banner: event.banner ?? null });
  }

  private forgetRequest(): void {
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.save({ requestId: undefined });
    this.update({ banner: null });
  }

  private async newSession(): Promise<void> {
    const throwaway = connect(this.serviceOrigin, () => null, { keepOpen: false });
    for (let attempt = 0; ; attempt++) {
      const result = await throwaway.urql.mutation(START_SESSION, {
        widgetKey: this.widgetKey,
        input: { locale: this.locale },
      });
      if (result.data) {
        this.save({ token: result.data.startEndUserSession.token, requestId: undefined });
        throwaway.dispose();
        return;
      }
      const problem = problemOf(result.error);
      this.update({ problem });
      if (!problem || !isRetryable(problem)) {
        throwaway.dispose();
        throw new Error(problem?.code ?? 'startEndUserSession failed');
      }
      await sleep(Math.min(15_000, 1_000 * 2 ** attempt));
    }
  }

  private renewSession(): Promise<void> {
    this.renewing ??= (async () => {
      this.forgetRequest();
      this.log.clear();
      this.refreshMessages();
      this.save({ token: undefined });
      await this.newSession();
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private refreshMessages(): void {
    this.update({ messages: this.log.messages, pending: [...this.log.pending] });
  }

  private update(changes: Partial<ChatState>): void {
    this.state = { ...this.state, ...changes };
    this.listeners.forEach((listener) => listener());
  }

  private readStored(): Stored {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) ?? '{}') as Stored;
    } catch {
      return {};
    }
  }

  private save(changes: Partial<Stored>): void {
    this.stored = { ...this.stored, ...changes };
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(this.stored));
    } catch {
      // Storage refused (private mode): the conversation lasts as long as the page.
    }
  }
}
