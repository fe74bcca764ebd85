// The types @nestjs/apollo uses: Apollo Server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriverConfig } from '@nestjs/apollo';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { Metrics } from '../../observability/metrics';
import { operationLogPlugin } from '../../observability/operation-log.plugin';
import { formatError, withoutSuggestions } from '../errors/format-error';
import { GraphQLContext } from './graphql-context';
import { limitRules } from './limits';
import { describeRootTypes } from './root-types';

export const GRAPHQL_PATH = '/graphql';

/** Every answer is the caller's own: no cache on the way keeps it (a GET query included). */
const noStore: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response }) => {
        response.http.headers.set('cache-control', 'no-store');
        return Promise.resolve();
      },
    }),
};

/**
 * Apollo over HTTP POST /graphql. Subscriptions (graphql-ws on the same path) are served by
 * `GraphQLWsServer`, which applies the same limits. Batched requests are refused, CSRF
 * prevention is on (Apollo's: a POST must be JSON or carry a preflighted header, and a GET
 * cannot run a mutation), depth and aliases are limited in validation (the token limit runs
 * before parsing, see `tokenLimit`), and in production introspection and field suggestions are
 * off unless GRAPHQL_INTROSPECTION=true.
 */
export function graphqlOptions(metrics: Metrics, config: AppConfig): ApolloDriverConfig {
  const { guards } = config;
  return {
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    transformSchema: describeRootTypes,
    introspection: guards.graphqlIntrospection,
    // No Apollo landing page in any mode: development has its own offline GraphiQL.
    graphiql: false,
    // Apollo's cache-control plugin, on by default, hooks the resolution of every field to
    // compute cache hints; answers here are per caller and never cached, which `noStore` says.
    // (This module loads Apollo's CommonJS build, whose declarations are the same types under
    // other names.)
    plugins: [
      operationLogPlugin(metrics),
      ApolloServerPluginCacheControlDisabled() as unknown as ApolloServerPlugin,
      noStore,
    ],
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    validationRules: limitRules({
      maxDepth: guards.graphqlMaxDepth,
      maxAliases: guards.graphqlMaxAliases,
      maxTokens: guards.graphqlMaxTokens,
    }),
    includeStacktraceInErrorResponses: false,
    formatError: guards.graphqlIntrospection
      ? formatError
      : (formatted, error) => withoutSuggestions(formatError(formatted, error)),
    autoTransformHttpErrors: false,
    // Apollo's Fastify integration passes the request itself.
    context: (req: FastifyRequest): GraphQLContext => ({ req, loaders: new Map() }),
  };
}
