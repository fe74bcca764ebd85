import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** In-memory data directory, used by tests that run without a PostgreSQL server. */
export const IN_MEMORY = 'memory://';

/**
 * PGlite's own defaults, plus a smaller buffer cache. PGlite sizes `shared_buffers` at 160 MB
 * inside its WebAssembly memory, which the process keeps resident once touched; a single-instance
 * database of a support team's conversations is well served by 16 MB, with the operating system's
 * page cache holding the data directory's files behind it.
 */
const SERVER_SETTINGS = ['-c', 'shared_buffers=16MB'];

interface WorkerData {
  pglite: string;
  socket: string;
  location: string;
  settings: string[];
}

type WorkerMessage =
  { type: 'ready'; conn: string } | { type: 'stopped' } | { type: 'failed'; error: string };

/**
 * The database thread: PGlite and its wire-protocol socket server. Kept as source evaluated by
 * the worker (rather than a module file) so it runs the same from `dist/` and under Jest's
 * TypeScript transform.
 */
const DATABASE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
  const db = await PGlite.create(workerData.location === 'memory://' ? undefined : workerData.location, {
    startParams: [...PGlite.defaultStartParams, ...workerData.settings],
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    await server.stop();
    await db.close();
    parentPort.postMessage({ type: 'stopped' });
  });
  parentPort.postMessage({ type: 'ready', conn: server.getServerConn() });
})().catch((error) => parentPort.postMessage({ type: 'failed', error: String(error && error.stack || error) }));
`;

/**
 * Creating a data directory (PGlite's initdb) takes about 800 MB of WebAssembly memory that a
 * process never gives back. It runs once per directory, in a short-lived child process, so the
 * service itself only ever holds the running database.
 */
const INITDB_PROCESS = `
const { PGlite } = require(process.argv[1]);
PGlite.create(process.argv[2])
  .then((db) => db.close())
  .catch((error) => { console.error(error); process.exit(1); });
`;

/** The database `startEarly` began and no `startOrTakeOver` has taken yet. */
let early: { dataDir: string; started: Promise<EmbeddedPostgres> } | undefined;

/**
 * PostgreSQL compiled to WebAssembly (PGlite) behind a wire-protocol socket on a free loopback
 * port, so the ordinary `pg` driver and TypeORM talk to it unchanged.
 *
 * The database runs on a worker thread of its own: statement execution no longer competes with
 * GraphQL for the main thread, so the two use both cores of a small machine.
 *
 * The socket server runs ONE database session for every client connection, so callers must use
 * a pool of exactly one connection; see `poolSize`. It is the zero-setup default for a single
 * instance, not a production database.
 */
export class EmbeddedPostgres {
  static readonly poolSize = 1;

  private constructor(
    private readonly worker: Worker,
    readonly dataDir: string,
    readonly url: string,
  ) {}

  /**
   * Starts the database for `dataDir` now, for the next `startOrTakeOver` of that directory to
   * take over (`main.ts` calls it before loading the service). A failure is reported there.
   */
  static startEarly(dataDir: string): void {
    const started = EmbeddedPostgres.start(dataDir);
    started.catch(() => undefined);
    early = { dataDir, started };
  }

  /** The database `startEarly` began for `dataDir`, taken over once; else a new one started. */
  static startOrTakeOver(dataDir: string): Promise<EmbeddedPostgres> {
    const begun = early;
    if (begun?.dataDir === dataDir) {
      early = undefined;
      return begun.started;
    }
    return EmbeddedPostgres.start(dataDir);
  }

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const location = dataDir === IN_MEMORY ? IN_MEMORY : resolve(dataDir);
    if (location !== IN_MEMORY) {
      await mkdir(location, { recursive: true });
      if (!existsSync(join(location, 'PG_VERSION'))) {
        await initialise(location);
      }
    }
    const workerData: WorkerData = {
      pglite: require.resolve('@electric-sql/pglite'),
      socket: require.resolve('@electric-sql/pglite-socket'),
      location,
      settings: SERVER_SETTINGS,
    };
    const worker = new Worker(DATABASE_THREAD, {
      eval: true,
      workerData,
      // The thread's own JavaScript only carries bytes between the socket and PGlite: a small
      // young generation holds them (some 20 to 30 MB less resident than V8's default, at the
      // same throughput in the benchmark's embedded run).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    const ready = await new Promise<WorkerMessage>((done, fail) => {
      worker.once('message', done);
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited (${code})`)));
    });
    worker.removeAllListeners('error').removeAllListeners('exit');
    if (ready.type !== 'ready') {
      await worker.terminate();
      throw new Error(
        `embedded PostgreSQL did not start: ${ready.type === 'failed' ? ready.error : ready.type}`,
      );
    }
    // A crashed database thread must not take the process down with an unhandled 'error'; the
    // pool's failing queries report it.
    worker.on('error', () => undefined);
    const url = `postgresql://postgres@${ready.conn}/postgres?sslmode=disable`;
    return new EmbeddedPostgres(worker, location, url);
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((done) => {
      this.worker.once('message', () => done());
      this.worker.once('exit', () => done());
    });
    this.worker.postMessage('stop');
    await stopped;
    await this.worker.terminate();
  }
}

function initialise(location: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-e', INITDB_PROCESS, require.resolve('@electric-sql/pglite'), location],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0
        ? done()
        : fail(new Error(`creating the embedded database in ${location} failed (${code})`)),
    );
  });
}
