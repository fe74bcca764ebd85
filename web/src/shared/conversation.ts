import { graphql } from '../gql';
import type { ConversationEventsSubscription } from '../gql/graphql';
import type { Connection } from './client';

export const CONVERSATION_EVENTS = graphql(`
  subscription ConversationEvents($requestId: ID!, $afterSeq: Int) {
    conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {
      type
      requestId
      banner
      endUserOnline
      message {
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
      liveConversation {
        id
        status
      }
    }
  }
`);

export type ConversationEvent = ConversationEventsSubscription['conversationEvents'];

/**
 * Follows a request's events from `lastSeq()`: on every reconnect of the socket the subscription
 * starts again with `afterSeq` = the last seq shown, so nothing is lost and (with MessageLog)
 * nothing shows twice. Returns the function that stops following.
 */
export function followConversation(
  connection: Connection,
  requestId: string,
  lastSeq: () => number,
  onEvent: (event: ConversationEvent) => void,
  onError?: (error: unknown) => void,
): () => void {
  let current: { unsubscribe(): void } | null = null;
  let stopped = false;
  const start = () => {
    current?.unsubscribe();
    current = connection.urql
      .subscription(CONVERSATION_EVENTS, { requestId, afterSeq: lastSeq() })
      .subscribe((result) => {
        if (result.data) {
          onEvent(result.data.conversationEvents);
        } else if (result.error) {
          onError?.(result.error);
        }
      });
  };
  // graphql-ws would resubscribe with the first variables: start over with the current seq instead.
  const offClosed = connection.ws.on('closed', () => {
    if (!stopped) {
      start();
    }
  });
  start();
  return () => {
    stopped = true;
    offClosed();
    current?.unsubscribe();
  };
}
