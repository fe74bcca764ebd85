import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export interface Connection {
  /** urql: queries and mutations over HTTP POST, subscriptions over `ws`. */
  urql: Client;
  /** The graphql-ws connection itself, for its connected/closed events. */
  ws: WsClient;
  dispose(): void;
}

/**
 * An urql client of the service at `serviceOrigin` with `token` as its credential: HTTP POST
 * (never GET: Apollo's CSRF prevention wants JSON bodies) and graphql-ws on the same path. A
 * widget keeps its socket open while the page is (`lazy: false`): that open connection is what
 * makes the end user "online". Both reconnect by themselves with backoff.
 */
export function connect(
  serviceOrigin: string,
  token: () => string | null,
  options: { keepOpen: boolean; onSocketClosed?: (code: number) => void },
): Connection {
  const url = new URL('/graphql', serviceOrigin).href;
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    lazy: !options.keepOpen,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => {
      const current = token();
      return current ? { authorization: `Bearer ${current}` } : {};
    },
    on: {
      closed: (event) => options.onSocketClosed?.((event as CloseEvent | undefined)?.code ?? 0),
    },
  });
  const urql = new Client({
    url,
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetchOptions: () => {
      const current = token();
      return current ? { headers: { authorization: `Bearer ${current}` } } : {};
    },
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }),
          };
        },
      }),
    ],
  });
  return { urql, ws, dispose: () => void ws.dispose() };
}
