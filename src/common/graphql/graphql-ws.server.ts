import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  ValidationRule,
} from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { CloseCode } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AppConfig } from '../../config/app-config';
import { Authenticator } from '../auth/authenticator';
import { BotAccessDirectory } from '../auth/bot-access.directory';
import { Principal } from '../auth/principal';
import { CancelTimer, Clock } from '../clock/clock';
import { AppError, ErrorCode } from '../errors/app-error';
import { isDatabaseUnavailable } from '../errors/database-errors';
import { formatErrors } from '../errors/format-error';
import { ConnectionHooks } from './connection-hooks';
import { GraphQLContext } from './graphql-context';
import { GRAPHQL_PATH } from './graphql.options';
import { checkTokens, GraphQLLimits, limitRules } from './limits';
import { isOriginAllowed, isOwnOrigin } from './origins';
import { Metrics, OperationType } from '../../observability/metrics';
import { recordOperation } from '../../observability/operation-log.plugin';

/** Distinct subscription documents kept parsed and validated. */
const DOCUMENT_CACHE_SIZE = 1_000;

/** A dead peer (no pong to our ping) is dropped after at most twice this. */
const KEEPALIVE_INTERVAL_MS = 15_000;

/** Close codes of the guards (OPERATIONS.md). */
export const WsCloseCode = {
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  TRY_AGAIN_LATER: 1013,
  FORBIDDEN: CloseCode.Forbidden,
  INIT_TIMEOUT: CloseCode.ConnectionInitialisationTimeout,
} as const;

/** What graphql-ws keeps for one connection: its socket, its request, and what we learnt of it. */
export interface ConnectionExtra extends Extra, Record<PropertyKey, unknown> {
  principal?: Principal;
  keepAlive?: NodeJS.Timeout;
  expiry?: CancelTimer;
  /** Operations being set up: when they started, and what they are (the operation log). */
  starting?: Map<string, { started: bigint; name: string; type: OperationType }>;
}

type ConnectionContext = WsContext<Record<string, unknown> | undefined, ConnectionExtra>;

/**
 * graphql-ws on the GraphQL path, owned here rather than by @nestjs/graphql so that every guard
 * of a long-lived socket is in one place:
 * - browser upgrades from an origin outside `CORS_ORIGINS` (other than the service's own, where
 *   the agent console runs) are refused with HTTP 403 before the handshake; frames above `WS_MAX_PAYLOAD` close the connection with 1009;
 * - no `connection_init` within `WS_INIT_TIMEOUT`: 4408; a missing or invalid credential, an end
 *   user whose page is outside its bot's `allowedOrigins`, or a token that expires while the
 *   connection is open: 4403;
 * - at most `WS_MAX_OPERATIONS` operations at once per connection (the next is RATE_LIMITED, the
 *   connection stays); the GraphQL limits apply as over HTTP;
 * - a connection whose unsent data passes `WS_MAX_BACKLOG` (a client that stopped reading) is
 *   closed with 1013; a peer that does not answer pings is terminated;
 * - at shutdown every connection is closed with 1001 (going away), so clients reconnect elsewhere.
 */
@Injectable()
export class GraphQLWsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('GraphQLWs');
  private server?: WebSocketServer;
  private dispose?: () => void | Promise<void>;
  private readonly limits: GraphQLLimits;

  constructor(
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly authenticator: Authenticator,
    private readonly directory: BotAccessDirectory,
    private readonly hooks: ConnectionHooks,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    const { graphqlMaxDepth, graphqlMaxAliases, graphqlMaxTokens } = config.guards;
    this.limits = {
      maxDepth: graphqlMaxDepth,
      maxAliases: graphqlMaxAliases,
      maxTokens: graphqlMaxTokens,
    };
  }

  onApplicationBootstrap(): void {
    const httpServer = this.httpAdapterHost.httpAdapter.getHttpServer() as Server;
    const server = new WebSocketServer({
      noServer: true,
      maxPayload: this.config.guards.wsMaxPayloadBytes,
    });
    this.server = server;
    // Built by the GraphQL module, which does not export its host: looked up once, at boot.
    const schema = this.moduleRef.get(GraphQLSchemaHost, { strict: false }).schema;
    const rules = [...specifiedRules, ...limitRules(this.limits)];
    const guards = this.config.guards;
    const hideSuggestions = !guards.graphqlIntrospection;
    const disposable = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
      {
        schema,
        connectionInitWaitTimeout: guards.wsInitTimeoutMs,
        onConnect: (ctx) => this.onConnect(ctx),
        onClose: (ctx) => this.onClose(ctx),
        onSubscribe: (ctx, id, payload) => {
          const starting = (ctx.extra.starting ??= new Map());
          starting.set(id, {
            started: process.hrtime.bigint(),
            name: isGraphQLName(payload.operationName) ? payload.operationName : 'anonymous',
            type: 'unknown',
          });
          // graphql-ws has registered this operation already: it counts.
          if (Object.keys(ctx.subscriptions).length > guards.wsMaxOperations) {
            return [
              new GraphQLError('Too many operations open on this connection', {
                originalError: new AppError(
                  ErrorCode.RATE_LIMITED,
                  'Too many operations open on this connection',
                  { retryAfter: 1 },
                ),
              }),
            ];
          }
          const checked = this.checkedDocument(payload.query, schema, rules);
          if ('errors' in checked) {
            return checked.errors;
          }
          const { document } = checked;
          const operation = getOperationAST(document, payload.operationName);
          starting.set(id, {
            started: process.hrtime.bigint(),
            name: operation?.name?.value ?? 'anonymous',
            type: operation?.operation ?? 'unknown',
          });
          const contextValue: GraphQLContext = {
            connectionPrincipal: ctx.extra.principal,
            loaders: new Map(),
          };
          return {
            schema,
            document,
            variableValues: payload.variables,
            operationName: payload.operationName,
            contextValue,
          };
        },
        onError: (ctx, id, _payload, errors) => {
          const formatted = formatErrors(errors, hideSuggestions);
          this.recordOperation(ctx, id, formatted[0]?.extensions?.code);
          return formatted;
        },
        onOperation: (ctx, id, _payload, _args, result) => {
          const errors = 'errors' in result ? result.errors : undefined;
          // The code only: the errors are formatted (and logged) once, when they are sent.
          this.recordOperation(ctx, id, errors?.[0] ? codeOf(errors[0]) : 'OK');
          return undefined;
        },
        onNext: (ctx, _id, _payload, _args, result) => {
          const { socket } = ctx.extra;
          if (socket.bufferedAmount > guards.wsMaxBacklogBytes) {
            socket.close(WsCloseCode.TRY_AGAIN_LATER, 'Too much unread data');
          }
          return result.errors
            ? { ...result, errors: formatErrors(result.errors, hideSuggestions) }
            : undefined;
        },
      },
      server,
    );
    this.dispose = () => disposable.dispose();
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /**
   * Shutdown: every client is told to go elsewhere (1001), and this resolves once each
   * connection's close has run (its presence ended), or after a few seconds for peers that do
   * not answer the close.
   */
  async closeAll(): Promise<void> {
    const clients = [...(this.server?.clients ?? [])];
    await Promise.all(
      clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            const fallback = setTimeout(() => {
              client.terminate();
              resolve();
            }, 3_000);
            client.once('close', () => {
              clearTimeout(fallback);
              resolve();
            });
            client.close(WsCloseCode.GOING_AWAY, 'Server shutting down');
          }),
      ),
    );
    // graphql-ws runs each connection's onClose after its socket closed: wait for them all
    // (presence ended and published) before the modules close.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([...this.closing]);
  }

  /** onClose work in progress (presence of connections that just closed). */
  private readonly closing = new Set<Promise<void>>();

  async beforeApplicationShutdown(): Promise<void> {
    await this.closeAll();
    await this.dispose?.();
    this.server?.close();
  }

  /**
   * A document checked against the limits, parsed and validated once per distinct text: an
   * agent console opens the same few subscriptions hundreds of times. Bounded; the oldest go.
   */
  private checkedDocument(
    query: string,
    schema: GraphQLSchema,
    rules: ValidationRule[],
  ): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = this.documents.get(query);
    if (cached) {
      return cached;
    }
    let checked: { document: DocumentNode } | { errors: readonly GraphQLError[] };
    const tooLong = checkTokens(query, this.limits);
    if (tooLong) {
      checked = { errors: [tooLong] };
    } else {
      try {
        const document = parse(query);
        const errors = validate(schema, document, rules);
        checked = errors.length > 0 ? { errors } : { document };
      } catch (error) {
        checked = { errors: [error as GraphQLError] };
      }
    }
    if (this.documents.size >= DOCUMENT_CACHE_SIZE) {
      this.documents.delete(this.documents.keys().next().value as string);
    }
    this.documents.set(query, checked);
    return checked;
  }

  private readonly documents = new Map<
    string,
    { document: DocumentNode } | { errors: readonly GraphQLError[] }
  >();

  /** One line in the operation log per graphql-ws operation, once it is set up or refused. */
  private recordOperation(ctx: ConnectionContext, id: string, outcome: unknown): void {
    const operation = ctx.extra.starting?.get(id);
    if (!operation) {
      return;
    }
    ctx.extra.starting?.delete(id);
    if (outcome === ErrorCode.RATE_LIMITED) {
      this.metrics.rateLimited('wsOperations');
    }
    recordOperation(this.metrics, this.operationLogger, {
      operation: operation.name,
      type: operation.type,
      durationMs: Math.round(Number(process.hrtime.bigint() - operation.started) / 1e6),
      caller: ctx.extra.principal?.kind ?? 'anonymous',
      outcome: typeof outcome === 'string' ? outcome : 'INTERNAL_SERVER_ERROR',
    });
  }

  private readonly operationLogger = new Logger('GraphQL');

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== GRAPHQL_PATH || !this.server) {
      // Not ours (or not yet): nobody else upgrades on this server.
      socket.destroy();
      return;
    }
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      !isOriginAllowed(origin, this.config.guards.corsOrigins) &&
      !isOwnOrigin(origin, this.config.publicUrl, request.headers.host)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const server = this.server;
    server.handleUpgrade(request, socket, head, (ws) => {
      server.emit('connection', ws, request);
      // graphql-ws prints every socket error with its stack to the console, outside the logger
      // (not a JSON line in production) and at the will of any client: a frame over
      // WS_MAX_PAYLOAD or a malformed one. ws has already closed such a connection with the
      // error's code (1009, 1002, 1007), so one debug line says enough.
      ws.removeAllListeners('error');
      ws.on('error', (error: Error & { code?: string }) => {
        this.logger.debug(`A graphql-ws connection failed: ${error.code ?? error.message}`);
        if (ws.readyState === ws.OPEN) {
          ws.close(CloseCode.InternalServerError, 'Internal server error');
        }
      });
    });
  }

  private async onConnect(ctx: ConnectionContext): Promise<boolean> {
    const authorization = ctx.connectionParams?.authorization;
    const credential = await this.authenticator.authenticateWithExpiry(authorization);
    if (!credential) {
      return false;
    }
    const { principal, expiresAt } = credential;
    const origin = ctx.extra.request.headers.origin;
    if (principal.kind === 'endUser' && origin !== undefined) {
      const allowed = await this.directory.allowedOriginsOf(principal.botId);
      if (allowed.length > 0 && !allowed.includes(origin)) {
        return false;
      }
    }
    const { extra } = ctx;
    extra.principal = principal;
    keepAlive(extra);
    if (expiresAt) {
      extra.expiry = this.clock.setTimer(expiresAt, () =>
        extra.socket.close(WsCloseCode.FORBIDDEN, 'Forbidden'),
      );
    }
    await this.hooks.open(principal);
    return true;
  }

  private onClose(ctx: ConnectionContext): Promise<void> {
    const work = this.connectionClosed(ctx).finally(() => this.closing.delete(work));
    this.closing.add(work);
    return work;
  }

  private async connectionClosed(ctx: ConnectionContext): Promise<void> {
    const { extra } = ctx;
    clearInterval(extra.keepAlive);
    extra.expiry?.();
    if (extra.principal) {
      const principal = extra.principal;
      extra.principal = undefined;
      try {
        await this.hooks.close(principal);
      } catch (error) {
        this.logger.warn(`A closing connection's hooks failed: ${String(error)}`);
      }
    }
  }
}

/** The contract's code an error will be sent with (without formatting or logging it). */
function codeOf(error: GraphQLError): string {
  let current: unknown = error;
  while (current instanceof GraphQLError && current.originalError) {
    current = current.originalError;
  }
  if (current instanceof AppError) {
    return current.code;
  }
  if (isDatabaseUnavailable(current)) {
    return ErrorCode.SERVICE_UNAVAILABLE;
  }
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}

/** A client-claimed operation name is logged only when it is a GraphQL name. */
function isGraphQLName(name: unknown): name is string {
  return typeof name === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name);
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
