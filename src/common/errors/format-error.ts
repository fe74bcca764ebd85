import { Logger } from '@nestjs/common';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from './app-error';
import { isUniqueViolation } from './database-errors';

const logger = new Logger('GraphQL');

/** Codes graphql-js and Apollo raise before any resolver runs: all are the client's input. */
const REQUEST_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

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
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const base = { locations: formatted.locations, path: formatted.path };
  const original = originalOf(error);

  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
  }
  if (isUniqueViolation(original)) {
    return { ...base, message: 'This conflicts with existing data', extensions: { code: ErrorCode.CONFLICT } };
  }
  const code = formatted.extensions?.code;
  if (original === error || original === undefined) {
    // A GraphQLError raised by graphql-js or Apollo itself (parse, validation, variables).
    if (typeof code === 'string' && REQUEST_INPUT_CODES.has(code)) {
      return { ...base, message: formatted.message, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    if (typeof code === 'string' && code in ErrorCode) {
      return { ...base, message: formatted.message, extensions: { code } };
    }
    if (error instanceof GraphQLError && !error.path) {
      // Request-level errors without a code (e.g. an unknown operation name).
      return { ...base, message: formatted.message, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
  }
  logger.error(
    `Unexpected error${formatted.path ? ` at ${formatted.path.join('.')}` : ''}`,
    original instanceof Error ? original.stack : String(original),
  );
  return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/** Applies `formatError` to errors that graphql-ws sends outside Apollo (subscriptions). */
export function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error.toJSON(), error));
}
