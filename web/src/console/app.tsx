import { Provider, useQuery } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { graphql } from '../gql';
import { connect } from '../shared/client';
import { problemOf } from '../shared/errors';
import { SessionContext, storedToken, storeToken, type ConsoleSession } from './session';
import { Login } from './views/login';
import { LiveConversations } from './views/live';
import { Profile } from './views/profile';
import { Requests } from './views/requests';
import { Support } from './views/support';
import { SupportTag } from './views/support-tag';

const ME = graphql(`
  query ConsoleMe {
    me {
      id
      name
      email
    }
    bots {
      id
      name
      myRole
    }
  }
`);

type Tab = 'requests' | 'live' | 'support' | 'profile';
const TABS: { tab: Tab; label: string; adminOnly?: boolean }[] = [
  { tab: 'requests', label: 'Requests' },
  { tab: 'live', label: 'Live conversations' },
  { tab: 'support', label: 'Support', adminOnly: true },
  { tab: 'profile', label: 'Operator profile' },
];
const BOT_KEY = 'switchboard:console:bot';

function tabOfLocation(): Tab {
  const tab = location.pathname.replace(/^\/console\/?/, '').split('/')[0];
  return TABS.some((entry) => entry.tab === tab) ? (tab as Tab) : 'requests';
}

/** The console: the sign-in form, or the signed-in app with one urql client for the token. */
export function App() {
  const [token, setToken] = useState(storedToken);
  const signOut = () => {
    storeToken(null);
    setToken(null);
  };
  const connection = useMemo(
    () =>
      token
        ? connect(location.origin, () => token, {
            keepOpen: false,
            // 4403: the token expired while connected (or was refused): sign in again.
            onSocketClosed: (code) => code === 4403 && signOut(),
          })
        : null,
    [token],
  );
  useEffect(() => () => connection?.dispose(), [connection]);
  if (!token || !connection) {
    return (
      <Login
        onSignedIn={(accessToken) => {
          storeToken(accessToken);
          setToken(accessToken);
        }}
      />
    );
  }
  return (
    <Provider value={connection.urql}>
      <SignedIn connection={connection} onSignOut={signOut} />
    </Provider>
  );
}

function SignedIn({
  connection,
  onSignOut,
}: {
  connection: ConsoleSession['connection'];
  onSignOut: () => void;
}) {
  const [{ data, error, fetching }] = useQuery({ query: ME });
  const [tab, setTab] = useState<Tab>(tabOfLocation);
  const [botId, setBotId] = useState<string | null>(() => localStorage.getItem(BOT_KEY));
  const [openRequests, setOpenRequests] = useState<string[]>([]);

  useEffect(() => {
    const onPop = () => setTab(tabOfLocation());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const problem = problemOf(error);
  useEffect(() => {
    if (problem?.code === 'UNAUTHENTICATED') {
      onSignOut();
    }
  }, [problem?.code]);

  const bots = data?.bots ?? [];
  const bot = bots.find((candidate) => candidate.id === botId) ?? bots[0];
  const go = (next: Tab) => {
    setTab(next);
    history.pushState(null, '', `/console/${next}`);
  };
  const session = useMemo<ConsoleSession | null>(
    () =>
      data && bot
        ? {
            connection,
            me: data.me,
            botId: bot.id,
            role: bot.myRole,
            openRequest: (requestId) => {
              setOpenRequests((open) => (open.includes(requestId) ? open : [...open, requestId]));
              go('requests');
            },
          }
        : null,
    [data, bot?.id, bot?.myRole, connection],
  );

  if (fetching && !data) {
    return <div class="centered">Loading…</div>;
  }
  if (!data) {
    return (
      <div class="centered">
        <p class="problem">{problem?.words ?? 'The console could not start.'}</p>
        <button onClick={onSignOut}>Sign out</button>
      </div>
    );
  }
  const visibleTabs = TABS.filter((entry) => !entry.adminOnly || bot?.myRole === 'ADMINISTRATOR');
  const current = visibleTabs.some((entry) => entry.tab === tab) ? tab : 'requests';
  return (
    <SessionContext.Provider value={session}>
      <header class="topbar">
        <span class="brand">Switchboard</span>
        <label class="bot-select">
          <span>Bot</span>
          <select
            data-testid="console-bot"
            value={bot?.id ?? ''}
            onChange={(event) => {
              const id = event.currentTarget.value;
              localStorage.setItem(BOT_KEY, id);
              setBotId(id);
              setOpenRequests([]);
            }}
          >
            {bots.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
        <nav class="tabs">
          {visibleTabs.map((entry) => (
            <button
              key={entry.tab}
              type="button"
              class={entry.tab === current ? 'tab active' : 'tab'}
              data-testid={`console-tab-${entry.tab}`}
              aria-current={entry.tab === current ? 'page' : undefined}
              onClick={() => go(entry.tab)}
            >
              {entry.label}
            </button>
          ))}
        </nav>
        <span class="spacer" />
        {session && <SupportTag key={session.botId} />}
        <span class="me" title={data.me.email}>
          {data.me.name}
        </span>
        <button type="button" class="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main class="content">
        {!session ? (
          <p class="empty">
            You are not a member of any bot yet. An administrator of a bot can add you by your email
            address.
          </p>
        ) : current === 'requests' ? (
          <Requests
            key={session.botId}
            open={openRequests}
            onOpen={session.openRequest}
            onClose={(id) => setOpenRequests((open) => open.filter((other) => other !== id))}
          />
        ) : current === 'live' ? (
          <LiveConversations key={session.botId} />
        ) : current === 'support' ? (
          <Support key={session.botId} />
        ) : (
          <Profile key={session.botId} />
        )}
      </main>
    </SessionContext.Provider>
  );
}
