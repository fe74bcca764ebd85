import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseTimeouts {
  /** DATABASE_STATEMENT_TIMEOUT */
  statementTimeoutMs: number;
  /** DATABASE_LOCK_TIMEOUT */
  lockTimeoutMs: number;
}

/** OPERATIONS.md's defaults, for the migration CLI which reads no guards. */
const DEFAULT_TIMEOUTS: DatabaseTimeouts = { statementTimeoutMs: 15_000, lockTimeoutMs: 5_000 };

/**
 * The one definition of how Switchboard talks to PostgreSQL, shared by the service, the
 * migration script and the TypeORM CLI. The schema only ever changes through `migrations/`.
 */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  timeouts: DatabaseTimeouts = DEFAULT_TIMEOUTS,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    // Every connection of the pool starts with these settings: a statement or a lock wait that
    // runs past them fails (SERVICE_UNAVAILABLE) instead of holding a caller and a connection.
    extra: {
      max: poolSize,
      // The pool keeps the connections it opened: closing them after 10 idle seconds, as pg does
      // by default, makes the first requests after a quiet spell wait for new backends and for
      // their named statements to be planned again.
      min: poolSize,
      application_name: 'switchboard',
      statement_timeout: timeouts.statementTimeoutMs,
      lock_timeout: timeouts.lockTimeoutMs,
      connectionTimeoutMillis: timeouts.statementTimeoutMs,
    },
  };
}

/** "PostgreSQL at host:5432/db" without credentials, for the boot log. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL server at ${parsed.host}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL server';
  }
}
