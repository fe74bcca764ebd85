import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from './app-error';
import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

/** Seconds a caller should wait after SERVICE_UNAVAILABLE before retrying. */
const UNAVAILABLE_RETRY_AFTER = 1;

const logger = new Logger('GraphQL');

function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) {
    current = current.originalError;
  }
  return current;
}

/**
 * The one mapping from anything thrown to what a client sees. Every error leaves with an
 * `extensions.code` of the contract. Expected failures (AppError) keep their message and
 * extensions; request-level input errors become BAD_USER_INPUT; a unique violation that no
 * service translated becomes CONFLICT; anything else is logged in full and masked as
 * INTERNAL_SERVER_ERROR.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const base = { locations: formatted.locations, path: formatted.path };
  const original = originalOf(error);

  if (original instanceof AppError) {
    return {
      ...base,
      message: original.message,
      extensions: { ...original.extensions, code: original.code },
    };
  }
  if (isDatabaseUnavailable(original)) {
    logger.warn(
      `Database unavailable${formatted.path ? ` at ${formatted.path.join('.')}` : ''}: ${
        original instanceof Error ? original.message : String(original)
      }`,
    );
    return {
      ...base,
      message: 'The service is briefly unavailable; retry',
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: UNAVAILABLE_RETRY_AFTER },
    };
  }
  if (isUniqueViolation(original)) {
    return {
      ...base,
      message: 'This conflicts with existing data',
      extensions: { code: ErrorCode.CONFLICT },
    };
  }
  if (original instanceof GraphQLError || original === undefined) {
    // Raised by graphql-js or Apollo itself. Without a path it concerns the request (parse,
    // validation, variable coercion): the client's input. With a path it is an execution
    // failure such as a null in a non-null field: the service's fault, masked below.
    const code = formatted.extensions?.code;
    if (!formatted.path) {
      // A refusal by a GraphQL limit names it (`depth`, `aliases`, `tokens`).
      const limit = formatted.extensions?.limit;
      return {
        ...base,
        message: formatted.message,
        extensions: {
          code: ErrorCode.BAD_USER_INPUT,
          ...(typeof limit === 'string' ? { limit } : {}),
        },
      };
    }
    if (typeof code === 'string' && code in ErrorCode) {
      return { ...base, message: formatted.message, extensions: { code } };
    }
  }
  logger.error(
    `Unexpected error${formatted.path ? ` at ${formatted.path.join('.')}` : ''}`,
    original instanceof Error ? original.stack : String(original),
  );
  return {
    ...base,
    message: 'Internal server error',
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * Production without introspection: validation messages stop suggesting field and type names
 * ("Did you mean ...?"), which would otherwise reveal the schema piece by piece.
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== ErrorCode.BAD_USER_INPUT) {
    return formatted;
  }
  return { ...formatted, message: formatted.message.replace(/ ?Did you mean .+\?$/, '') };
}

/** Applies `formatError` to errors that graphql-ws sends outside Apollo (subscriptions). */
export function formatErrors(
  errors: readonly GraphQLError[],
  hideSuggestions = false,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = formatError(error.toJSON(), error);
    return hideSuggestions ? withoutSuggestions(formatted) : formatted;
  });
}
