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
  const host = process.env.PGHOST ?? '127.0.0.1';
  const port = process.env.PGPORT ?? '5432';
  const user = process.env.PGUSER ?? 'postgres';
  const name = `switchboard_test_${randomUUID().replace(/-/g, '')}`;
  const admin = `postgresql://${user}@${host}:${port}/postgres`;
  const run = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  return {
    url: `postgresql://${user}@${host}:${port}/${name}`,
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
