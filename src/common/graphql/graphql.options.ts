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
    plugins: [operationLogPlugin(metrics)],
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
