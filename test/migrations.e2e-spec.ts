import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { EmbeddedPostgres, IN_MEMORY } from '../src/database/embedded-postgres';

/**
 * A scratch database of its own (a new database on the DATABASE_URL server, else a fresh
 * embedded one), so migrating down and up again disturbs no other suite.
 */
async function scratchDatabase(): Promise<{
  url: string;
  poolSize: number;
  drop: () => Promise<void>;
}> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await EmbeddedPostgres.start(IN_MEMORY);
    return { url: embedded.url, poolSize: EmbeddedPostgres.poolSize, drop: () => embedded.stop() };
  }
  const name = `switchboard_migrations_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolSize: 2,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.end();
    },
  };
}

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    scratch = await scratchDatabase();
    dataSource = new DataSource(dataSourceOptions(scratch.url, scratch.poolSize));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await scratch.drop();
  });

  it('build exactly the schema the entities describe', async () => {
    const applied = await dataSource.runMigrations();
    expect(applied.length).toBe(dataSource.migrations.length);
    const drift = await dataSource.driver.createSchemaBuilder().log();
    expect(drift.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('each revert cleanly, down to an empty database, and apply again', async () => {
    const before = await tables(dataSource);
    expect(before).toEqual(
      expect.arrayContaining(['accounts', 'bots', 'bot_members', 'migrations']),
    );
    for (let i = 0; i < dataSource.migrations.length; i += 1) {
      await dataSource.undoLastMigration();
    }
    expect(await tables(dataSource)).toEqual(['migrations']);
    const types: unknown[] = await dataSource.query(
      `SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype = 'e'`,
    );
    expect(types).toEqual([]);
    await dataSource.runMigrations();
    expect(await tables(dataSource)).toEqual(before);
  });
});
