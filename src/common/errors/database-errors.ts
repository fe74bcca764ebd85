import { QueryFailedError } from 'typeorm';

interface PostgresDriverError {
  code?: string;
  constraint?: string;
}

function driverError(error: unknown): PostgresDriverError | undefined {
  return error instanceof QueryFailedError ? (error.driverError as PostgresDriverError) : undefined;
}

/**
 * SQLSTATEs of a database that did not answer in time or lost the connection: a statement or
 * lock timeout (57014, 55P03), a server shutting down or a terminated backend (57P01..57P03),
 * a connection exception (08xxx), too many connections (53300).
 */
const UNAVAILABLE_STATES = /^(57014|55P03|57P0[123]|08...|53300)$/;

/** Node's own network failures while reaching the database. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * True when the database could not do the work now, for a reason that a retry may not meet:
 * a timeout, a lost or refused connection. Nothing was changed (the transaction rolled back).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (typeof cause !== 'object' || cause === null) {
    return false;
  }
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || NETWORK_ERRORS.has(code))) {
    return true;
  }
  const message = (cause as { message?: unknown }).message;
  // pg's own words when a connection dies under a query or the pool cannot hand one out.
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  );
}

/** True for a PostgreSQL unique violation (23505), optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const cause = driverError(error);
  return cause?.code === '23505' && (constraint === undefined || cause.constraint === constraint);
}
