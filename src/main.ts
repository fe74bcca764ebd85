import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from './config/app-config';
import { EmbeddedPostgres } from './database/embedded-postgres';

const EMBEDDED_HEAP_GROWING_PERCENT = 30;
/** libuv's own default size of its thread pool, the most the embedded mode keeps. */
const LIBUV_DEFAULT_THREADS = 4;

/**
 * The process's entry: reads the configuration, and with the embedded database tunes the process
 * and starts the database's thread at once, so that PGlite starts while the rest of the service
 * (most of the start-up time: loading Nest, Apollo, TypeORM and the modules) loads beside it.
 * Only then is the application loaded and created (`bootstrap.ts`).
 */
async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { config, warnings } = loaded;
  if (config.database.kind === 'embedded') {
    // The embedded database lives in this process (about 200 MB of it) and serves one small
    // instance: memory counts more than throughput. Between full collections V8 grows the heap
    // by this percentage rather than by up to four times its live size under load, which would
    // hold twice the memory the heap needs, for a little more collecting.
    setFlagsFromString(`--heap-growing-percent=${EMBEDDED_HEAP_GROWING_PERCENT}`);
    // libuv's thread pool (argon2 hashes, file reads, DNS lookups) starts with its first task,
    // which has not run yet. Each of its threads keeps a malloc arena of its own: on a machine
    // with fewer cores than libuv's default of 4 threads, the extra threads could not run at
    // once anyway, and an argon2 hash can leave its 19 MiB in the arena of the thread that ran it
    // (measured on 2 cores: about 20 MB less peak RSS under the benchmark's embedded run).
    // An operator's UV_THREADPOOL_SIZE wins.
    process.env.UV_THREADPOOL_SIZE ??= String(
      Math.min(LIBUV_DEFAULT_THREADS, Math.max(2, availableParallelism())),
    );
    EmbeddedPostgres.startEarly(config.database.dataDir);
  }
  const { bootstrap } = await import('./bootstrap.js');
  await bootstrap(config, warnings);
}

void main();
