import { ApolloDriverConfig } from '@nestjs/apollo';
import type { Request } from 'express';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { ServerOptions, Context as WsContext } from 'graphql-ws';
import { AppConfig } from '../../config/app-config';
import { Authenticator } from '../auth/authenticator';
import { Principal } from '../auth/principal';
import { formatError, formatErrors } from '../errors/format-error';
import { GraphQLContext } from './graphql-context';

export const GRAPHQL_PATH = '/graphql';

/** What graphql-ws keeps for one connection: its principal, proven at `connection_init`. */
export interface ConnectionExtra {
  principal?: Principal;
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
  config: AppConfig,
  authenticator: Authenticator,
): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: true,
    playground: false,
    includeStacktraceInErrorResponses: false,
    formatError,
    autoTransformHttpErrors: false,
    context: (source: { req?: Request } | ConnectionContext): GraphQLContext => {
      if (isConnectionContext(source)) {
        return { connectionPrincipal: source.extra.principal, loaders: new Map() };
      }
      return { req: source.req, loaders: new Map() };
    },
    subscriptions: { 'graphql-ws': graphqlWsOptions(authenticator) },
  };
}

/**
 * graphql-ws server options. `onError` (request-level errors such as validation) is passed
 * through to graphql-ws by @nestjs/graphql although its config type does not declare it.
 */
function graphqlWsOptions(
  authenticator: Authenticator,
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
      return true;
    },
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
  };
}
