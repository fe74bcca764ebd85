import fastifyStatic from '@fastify/static';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GRAPHQL_PATH } from './common/graphql/graphql.options';
import { checkTokens } from './common/graphql/limits';
import { formatError } from './common/errors/format-error';
import { AppConfig } from './config/app-config';

/**
 * What the HTTP application is created with, by `main.ts` and the tests: no body parsers of
 * Nest's own. Fastify parses JSON itself (`configureApp` keeps that one only); Nest's default
 * would add a urlencoded parser that nothing reads.
 */
export const APP_OPTIONS = { bodyParser: false } as const;

const NODE_REQUEST_TIMEOUT_MS = 300_000;

/**
 * The HTTP server, Fastify (measured against Express in the benchmark: about a fifth less CPU
 * per message), with the client address taken from X-Forwarded-For behind a proxy (TRUST_PROXY)
 * and request bodies up to HTTP_MAX_BODY (room for a 2 MiB avatar in base64 by default; larger:
 * 413).
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.guards.trustProxy,
    bodyLimit: config.guards.httpMaxBodyBytes,
    // Node's own limit on receiving a whole request, which Fastify would turn off: a client
    // that trickles a request in is cut off after this.
    requestTimeout: NODE_REQUEST_TIMEOUT_MS,
  });
}

/**
 * What the HTTP application needs beyond its modules, shared by `main.ts` and the tests: CORS
 * for the chat widget's pages (CORS_ORIGINS, bearer tokens and no cookies, so any origin is safe
 * by default), JSON as the only body read, the GraphQL token limit applied before Apollo parses
 * anything, and the sending of the web clients' files.
 */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  const { guards } = config;
  app.enableCors({
    origin: guards.corsOrigins === '*' ? '*' : guards.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
    credentials: false,
    maxAge: 600,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only, as the API reads nothing else. Any other body is left unread (Node discards it),
  // so Apollo answers for it as for a missing body: a plain-text or form POST is refused by its
  // CSRF prevention or as a bad request, never with a 415 of the framework's own.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.addHook('preHandler', tokenLimit(config));
  // `reply.sendFile` for the web clients and GraphiQL's files (conditional GETs, ranges). Routes
  // name their files by absolute path and set their own Cache-Control.
  void app.register(fastifyStatic, { root: '/', serve: false, cacheControl: false });
}

/** Refuses a document longer than GRAPHQL_MAX_TOKENS with 400 before it is parsed. */
function tokenLimit(config: AppConfig) {
  const limits = {
    maxDepth: config.guards.graphqlMaxDepth,
    maxAliases: config.guards.graphqlMaxAliases,
    maxTokens: config.guards.graphqlMaxTokens,
  };
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.url !== GRAPHQL_PATH) {
      return;
    }
    const query: unknown =
      request.method === 'GET'
        ? (request.query as { query?: unknown } | undefined)?.query
        : (request.body as { query?: unknown } | undefined)?.query;
    const refusal = checkTokens(query, limits);
    if (refusal) {
      await reply.code(400).send({ errors: [formatError(refusal.toJSON(), refusal)] });
    }
  };
}
