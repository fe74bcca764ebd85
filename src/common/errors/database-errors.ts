import { QueryFailedError } from 'typeorm';

interface PostgresDriverError {
  code?: string;
  constraint?: string;
}

function driverError(error: unknown): PostgresDriverError | undefined {
  return error instanceof QueryFailedError ? (error.driverError as PostgresDriverError) : undefined;
}

/** True for a PostgreSQL unique violation (23505), optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const cause = driverError(error);
  return cause?.code === '23505' && (constraint === undefined || cause.constraint === constraint);
}
