import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { GRAPHQL_PATH } from './common/graphql/graphql.options';
import { checkTokens } from './common/graphql/limits';
import { formatError } from './common/errors/format-error';
import { AppConfig } from './config/app-config';

/**
 * What the HTTP application is created with, by `main.ts` and the tests: no body parsers of
 * Nest's own. `configureApp` registers the one the API reads (JSON); Nest's default would add a
 * urlencoded parser (nested `qs` objects) that every request passed through and nothing reads.
 */
export const APP_OPTIONS = { bodyParser: false } as const;

/**
 * What the HTTP application needs beyond its modules, shared by `main.ts` and the tests: the
 * client address behind a proxy (TRUST_PROXY), CORS for the chat widget's pages (CORS_ORIGINS,
 * bearer tokens and no cookies, so any origin is safe by default), JSON bodies up to
 * HTTP_MAX_BODY (room for a 2 MiB avatar in base64 by default; larger: 413), and the GraphQL
 * token limit applied before Apollo parses anything.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  const { guards } = config;
  app.set('trust proxy', guards.trustProxy);
  // Express would hash every response body for an ETag; GraphQL answers are not cached by it,
  // and the routes that are (avatars, the web clients) set their own validators.
  app.set('etag', false);
  app.enableCors({
    origin: guards.corsOrigins === '*' ? '*' : guards.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
    credentials: false,
    maxAge: 600,
  });
  app.useBodyParser('json', { limit: guards.httpMaxBodyBytes });
  app.use(GRAPHQL_PATH, tokenLimit(config));
}

/** Refuses a document longer than GRAPHQL_MAX_TOKENS with 400 before it is parsed. */
function tokenLimit(config: AppConfig) {
  const limits = {
    maxDepth: config.guards.graphqlMaxDepth,
    maxAliases: config.guards.graphqlMaxAliases,
    maxTokens: config.guards.graphqlMaxTokens,
  };
  return (request: Request, response: Response, next: NextFunction): void => {
    const query: unknown =
      request.method === 'GET'
        ? request.query.query
        : (request.body as { query?: unknown } | undefined)?.query;
    const refusal = checkTokens(query, limits);
    if (!refusal) {
      next();
      return;
    }
    response.status(400).json({ errors: [formatError(refusal.toJSON(), refusal)] });
  };
}
