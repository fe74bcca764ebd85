import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The one definition of how Switchboard talks to PostgreSQL, shared by the service, the
 * migration script and the TypeORM CLI. The schema only ever changes through `migrations/`.
 */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
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
    extra: { max: poolSize, application_name: 'switchboard' },
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
