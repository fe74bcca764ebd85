import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { describeServer } from './data-source-options';
import { EmbeddedPostgres } from './embedded-postgres';

/** An arbitrary constant shared by every Switchboard instance migrating one database. */
const MIGRATION_LOCK_KEY = 7_340_231_872;

/** The database this process uses: a server from DATABASE_URL, or an embedded one it started. */
export class DatabaseConnection {
  private constructor(
    readonly url: string,
    readonly poolSize: number,
    readonly description: string,
    readonly embedded: EmbeddedPostgres | undefined,
  ) {}

  static async open(config: DatabaseConfig): Promise<DatabaseConnection> {
    if (config.kind === 'server') {
      return new DatabaseConnection(
        config.url,
        config.poolSize,
        describeServer(config.url),
        undefined,
      );
    }
    const embedded = await EmbeddedPostgres.startOrTakeOver(config.dataDir);
    return new DatabaseConnection(
      embedded.url,
      EmbeddedPostgres.poolSize,
      `embedded PostgreSQL (PGlite), data in ${embedded.dataDir}`,
      embedded,
    );
  }

  async close(): Promise<void> {
    await this.embedded?.stop();
  }
}

/**
 * Several instances may start at once against one server: a session-level advisory lock makes
 * them apply migrations one after the other. The embedded database has a single instance and a
 * single shared session, so it needs (and supports) no lock.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  connection: DatabaseConnection,
): Promise<string[]> {
  if (connection.embedded) {
    return (await dataSource.runMigrations()).map((m) => m.name);
  }
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return (await dataSource.runMigrations()).map((m) => m.name);
    } finally {
      await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockRunner.release();
  }
}
