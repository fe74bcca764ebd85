import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** In-memory data directory, used by tests that run without a PostgreSQL server. */
export const IN_MEMORY = 'memory://';

/**
 * PostgreSQL compiled to WebAssembly (PGlite) behind a wire-protocol socket on a free loopback
 * port, so the ordinary `pg` driver and TypeORM talk to it unchanged.
 *
 * The socket server runs ONE database session for every client connection, so callers must use
 * a pool of exactly one connection; see `poolSize`. It is the zero-setup default for a single
 * instance, not a production database.
 */
export class EmbeddedPostgres {
  static readonly poolSize = 1;

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly dataDir: string,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const location = dataDir === IN_MEMORY ? IN_MEMORY : resolve(dataDir);
    if (location !== IN_MEMORY) {
      await mkdir(location, { recursive: true });
    }
    const db: PGlite = await PGlite.create(location === IN_MEMORY ? undefined : location);
    // Several pool connections may be opened and closed over time (reconnects, the migration
    // runner); the pool itself is capped at one, so they never interleave statements.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    return new EmbeddedPostgres(db, server, location, url);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
