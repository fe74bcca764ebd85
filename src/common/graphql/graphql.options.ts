import { ApolloDriverConfig } from '@nestjs/apollo';
import type { Request } from 'express';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { ServerOptions, Context as WsContext } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { AppConfig } from '../../config/app-config';
import { Metrics } from '../../observability/metrics';
import { operationLogPlugin } from '../../observability/operation-log.plugin';
import { Authenticator } from '../auth/authenticator';
import { Principal } from '../auth/principal';
import { ConnectionHooks } from './connection-hooks';
import { formatError, formatErrors } from '../errors/format-error';
import { GraphQLContext } from './graphql-context';

export const GRAPHQL_PATH = '/graphql';

/** A dead peer (no pong to our ping) is dropped after at most twice this. */
const KEEPALIVE_INTERVAL_MS = 15_000;

/** What graphql-ws keeps for one connection: its socket, and its principal from `connection_init`. */
export interface ConnectionExtra extends Extra {
  principal?: Principal;
  keepAlive?: NodeJS.Timeout;
}

type ConnectionContext = WsContext<Record<string, unknown> | undefined, ConnectionExtra>;

function isConnectionContext(value: unknown): value is ConnectionContext {
  return (
    typeof value === 'object' && value !== null && 'connectionParams' in value && 'extra' in value
  );
}

/**
 * Apollo over HTTP POST /graphql and graphql-ws on the same path. A graphql-ws connection is
 * authenticated once, at `connection_init` ({ authorization: "Bearer <token>" }); a missing or
 * invalid credential closes it with 4403 Forbidden. Errors from both transports go through the
 * same `formatError`.
 */
export function graphqlOptions(
  authenticator: Authenticator,
  hooks: ConnectionHooks,
  metrics: Metrics,
  config: AppConfig,
): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: config.guards.graphqlIntrospection,
    // No Apollo landing page in any mode: development has its own offline GraphiQL.
    graphiql: false,
    plugins: [operationLogPlugin(metrics)],
    includeStacktraceInErrorResponses: false,
    formatError,
    autoTransformHttpErrors: false,
    context: (source: { req?: Request } | ConnectionContext): GraphQLContext => {
      if (isConnectionContext(source)) {
        return { connectionPrincipal: source.extra.principal, loaders: new Map() };
      }
      return { req: source.req, loaders: new Map() };
    },
    subscriptions: { 'graphql-ws': graphqlWsOptions(authenticator, hooks) },
  };
}

/**
 * graphql-ws server options. `onError` (request-level errors such as validation) is passed
 * through to graphql-ws by @nestjs/graphql although its config type does not declare it.
 */
function graphqlWsOptions(
  authenticator: Authenticator,
  hooks: ConnectionHooks,
): GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'onError'> {
  return {
    path: GRAPHQL_PATH,
    onConnect: async (wsContext) => {
      const ctx = wsContext as ConnectionContext;
      const principal = await authenticator.authenticate(ctx.connectionParams?.authorization);
      if (!principal) {
        return false;
      }
      ctx.extra.principal = principal;
      keepAlive(ctx.extra);
      await hooks.open(principal);
      return true;
    },
    onClose: async (wsContext) => {
      const { extra } = wsContext as ConnectionContext;
      clearInterval(extra.keepAlive);
      if (extra.principal) {
        const principal = extra.principal;
        extra.principal = undefined;
        await hooks.close(principal);
      }
    },
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
  };
}

/**
 * Pings the peer at an interval and terminates the socket when the previous ping got no pong,
 * so a vanished browser (sleep, network loss) stops counting as connected.
 */
function keepAlive(extra: ConnectionExtra): void {
  let alive = true;
  extra.socket.on('pong', () => {
    alive = true;
  });
  extra.keepAlive = setInterval(() => {
    if (!alive) {
      extra.socket.terminate();
      return;
    }
    alive = false;
    extra.socket.ping();
  }, KEEPALIVE_INTERVAL_MS);
  extra.keepAlive.unref();
}
