import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * A PostgreSQL server database that several instances can share: DATABASE_URL when set, else a
 * scratch database created on the machine's server (PGHOST/PGPORT/PGUSER, default
 * postgres@127.0.0.1:5432) and dropped by `drop()`.
 */
export async function serverDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, drop: () => Promise.resolve() };
  }
  return scratchServerDatabase();
}

/**
 * A database of the test's own, whatever DATABASE_URL says: created on DATABASE_URL's server
 * when it is set, else on the machine's (PGHOST/PGPORT/PGUSER, default postgres@127.0.0.1:5432),
 * and dropped by `drop()`. For tests that change the schema, which other suites share otherwise.
 */
export async function scratchServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL
    ? new URL(process.env.DATABASE_URL)
    : new URL(
        `postgresql://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/postgres`,
      );
  const name = `switchboard_test_${randomUUID().replace(/-/g, '')}`;
  const at = (database: string): string => {
    const url = new URL(server.href);
    url.pathname = `/${database}`;
    return url.href;
  };
  const run = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: at('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  return {
    url: at(name),
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
