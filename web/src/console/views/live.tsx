import { useQuery, useSubscription } from '@urql/preact';
import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { problemOf } from '../../shared/errors';
import { useSession } from '../session';
import { formatWhen } from '../time';
import { endUserName } from './requests';

const LIVE = graphql(`
  query ConsoleLiveConversations($botId: ID!, $scope: LiveConversationScope) {
    liveConversations(botId: $botId, scope: $scope, first: 100) {
      totalCount
      edges {
        node {
          id
          startedAt
          agent {
            id
            name
          }
          operator {
            displayName
            avatarUrl
          }
          request {
            id
            endUser {
              id
              displayName
              externalId
              online
            }
          }
        }
      }
    }
  }
`);

const LIVE_CHANGED = graphql(`
  subscription ConsoleLiveConversationsChanged($botId: ID!) {
    liveConversationsChanged(botId: $botId) {
      type
      liveConversation {
        id
      }
    }
  }
`);

/** The active live conversations of the bot: the caller's (MINE) or every agent's (ALL). */
export function LiveConversations() {
  const session = useSession();
  const [scope, setScope] = useState<'MINE' | 'ALL'>('MINE');
  const [{ data, error }, refetch] = useQuery({
    query: LIVE,
    variables: { botId: session.botId, scope },
  });
  useSubscription({ query: LIVE_CHANGED, variables: { botId: session.botId } }, (_, event) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const rows = data?.liveConversations.edges.map((edge) => edge.node) ?? [];
  const problem = problemOf(error);

  return (
    <section class="live-view" data-testid="console-live">
      <div class="toolbar">
        <h2>{scope === 'ALL' ? 'All live conversations' : 'My live conversations'}</h2>
        <div class="segmented" role="group" aria-label="Whose conversations">
          <button
            type="button"
            data-testid="console-scope-mine"
            aria-pressed={scope === 'MINE'}
            class={scope === 'MINE' ? 'active' : ''}
            onClick={() => setScope('MINE')}
          >
            Mine
          </button>
          <button
            type="button"
            data-testid="console-scope-all"
            aria-pressed={scope === 'ALL'}
            class={scope === 'ALL' ? 'active' : ''}
            onClick={() => setScope('ALL')}
          >
            All live conversations
          </button>
        </div>
      </div>
      {problem && <p class="problem">{problem.words}</p>}
      <table class="table">
        <thead>
          <tr>
            <th>End user</th>
            <th>Agent</th>
            <th>Shown as</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data && rows.length === 0 && (
            <tr>
              <td colSpan={5} class="empty">
                No live conversation.
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.id} data-testid="console-live-row" data-live-conversation-id={row.id}>
              <td>
                <span class={row.request.endUser.online ? 'presence on' : 'presence'} />{' '}
                {endUserName(row.request.endUser)}
              </td>
              <td>
                {row.agent.name}
                {row.agent.id === session.me.id && <span class="muted"> (you)</span>}
              </td>
              <td>
                <span class="operator-cell">
                  <img src={row.operator.avatarUrl} alt="" width={20} height={20} />
                  {row.operator.displayName}
                </span>
              </td>
              <td>{formatWhen(row.startedAt)}</td>
              <td>
                <a
                  href={`/console/requests`}
                  data-testid="console-see-request"
                  data-request-id={row.request.id}
                  onClick={(event) => {
                    event.preventDefault();
                    session.openRequest(row.request.id);
                  }}
                >
                  See associated user request
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
