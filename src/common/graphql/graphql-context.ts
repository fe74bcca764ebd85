import type { FastifyRequest } from 'fastify';
import { BotRole } from '../auth/bot-role';
import { Principal } from '../auth/principal';

/** What the access guard established for the operation, for its resolver to use. */
export interface GrantedAccess {
  principal: Principal | undefined;
  /** The bot of the operation's target, when its rule named one. */
  botId?: string;
  /** The caller's role on that bot, for member rules. */
  role?: BotRole;
}

/**
 * The per-operation GraphQL context. Over HTTP the credential is read from the request by the
 * guard; over graphql-ws it was proven once at `connection_init` and travels as `principal`.
 */
export interface GraphQLContext {
  req?: FastifyRequest;
  /** Set for graphql-ws operations: the principal of the connection. */
  connectionPrincipal?: Principal;
  access?: GrantedAccess;
  /** Per-operation caches (DataLoaders), keyed by name. */
  loaders: Map<string, unknown>;
}
