import { useQuery, useSubscription } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { problemOf } from '../../shared/errors';
import { useSession } from '../session';
import { formatWhen } from '../time';
import { RequestPanel } from './request-panel';

const REQUESTS = graphql(`
  query ConsoleRequests($botId: ID!, $filter: RequestFilter) {
    requests(botId: $botId, filter: $filter, first: 100) {
      totalCount
      edges {
        node {
          id
          status
          controlMode
          awaitingHuman
          lastActivityAt
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
    }
  }
`);

const REQUESTS_CHANGED = graphql(`
  subscription ConsoleRequestsChanged($botId: ID!) {
    requestsChanged(botId: $botId) {
      type
      request {
        id
      }
    }
  }
`);

/** How an end user is named in the console: their name, else their external id, else "Visitor". */
export function endUserName(endUser: {
  id: string;
  displayName?: string | null;
  externalId?: string | null;
}): string {
  return endUser.displayName ?? endUser.externalId ?? `Visitor ${endUser.id.slice(0, 6)}`;
}

/**
 * The bot's requests, newest activity first, refreshed on every requestsChanged (a new request,
 * a message, a change of control or of the end user's presence); beside them, one panel per
 * request opened.
 */
export function Requests({
  open,
  onOpen,
  onClose,
}: {
  open: string[];
  onOpen: (id: string) => void;
  onClose: (id: string) => void;
}) {
  const { botId } = useSession();
  const [awaitingHuman, setAwaitingHuman] = useState(false);
  const [online, setOnline] = useState(false);
  const [showClosed, setShowClosed] = useState(false);
  const filter = {
    ...(showClosed ? {} : { status: 'OPEN' as const }),
    ...(awaitingHuman ? { awaitingHuman: true } : {}),
    ...(online ? { endUserOnline: true } : {}),
  };
  const [{ data, error }, refetch] = useQuery({
    query: REQUESTS,
    variables: { botId, filter },
  });
  useSubscription({ query: REQUESTS_CHANGED, variables: { botId } }, (_, event) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const problem = problemOf(error);
  const requests = data?.requests.edges.map((edge) => edge.node) ?? [];

  return (
    <div class="requests-view">
      <section class="list-column">
        <div class="filters">
          <label>
            <input
              type="checkbox"
              data-testid="console-filter-awaiting"
              checked={awaitingHuman}
              onChange={(event) => setAwaitingHuman(event.currentTarget.checked)}
            />
            Awaiting a human
          </label>
          <label>
            <input
              type="checkbox"
              data-testid="console-filter-online"
              checked={online}
              onChange={(event) => setOnline(event.currentTarget.checked)}
            />
            End user online
          </label>
          <label>
            <input
              type="checkbox"
              checked={showClosed}
              onChange={(event) => setShowClosed(event.currentTarget.checked)}
            />
            Closed too
          </label>
        </div>
        {problem && <p class="problem">{problem.words}</p>}
        <ul class="list" data-testid="console-requests">
          {requests.length === 0 && data && <li class="empty">No request matches.</li>}
          {requests.map((request) => (
            <li key={request.id}>
              <button
                type="button"
                class={open.includes(request.id) ? 'row selected' : 'row'}
                data-testid="console-request"
                data-request-id={request.id}
                onClick={() =>
                  open.includes(request.id) ? onClose(request.id) : onOpen(request.id)
                }
              >
                <span class="row-main">
                  <span
                    class={request.endUser.online ? 'presence on' : 'presence'}
                    data-testid="console-request-presence"
                    data-online={String(request.endUser.online)}
                    title={request.endUser.online ? 'Online' : 'Offline'}
                  />
                  <strong>{endUserName(request.endUser)}</strong>
                  <span class="muted">{formatWhen(request.lastActivityAt)}</span>
                </span>
                <span class="row-tags">
                  {request.status === 'CLOSED' && <span class="tag">Closed</span>}
                  {request.awaitingHuman && <span class="tag warn">Awaiting a human</span>}
                  {request.liveConversation && (
                    <span class="tag live">With {request.liveConversation.agent.name}</span>
                  )}
                  <span class="muted">{request.endUser.online ? 'Online' : 'Offline'}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section class="panels">
        {open.length === 0 && (
          <p class="empty">Choose a request to read it. Several can be open side by side.</p>
        )}
        {open.map((id) => (
          <RequestPanel key={id} requestId={id} onClose={() => onClose(id)} />
        ))}
      </section>
    </div>
  );
}
