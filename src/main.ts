import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { ConfigError, enabledLogLevels, loadConfig } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/shutdown';
import { beginBootLogging, useConfiguredLogger } from './observability/logging';

const EMBEDDED_HEAP_GROWING_PERCENT = 30;
/** libuv's own default size of its thread pool, the most the embedded mode keeps. */
const LIBUV_DEFAULT_THREADS = 4;

async function bootstrap(): Promise<void> {
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
  }
  Logger.overrideLogger(enabledLogLevels(config.logLevel));
  const loggerOptions = beginBootLogging(config);
  const logger = new Logger('Switchboard');
  warnings.forEach((warning) => logger.warn(warning.message));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createHttpAdapter(config),
    { ...APP_OPTIONS, ...loggerOptions },
  );
  useConfiguredLogger(app, config);
  configureApp(app, config);
  installGracefulShutdown(app, config.guards.shutdownGraceMs);
  await listenOnAllInterfaces(app, config.port);
  logger.log(
    `GraphQL on ${config.publicUrl}/graphql (HTTP and graphql-ws), ${config.nodeEnv} mode`,
  );
}

/**
 * Listens on every interface, IPv6 and IPv4 (as Node does when no host is given; Fastify alone
 * would listen on localhost only), or on every IPv4 one where the machine has no IPv6.
 */
async function listenOnAllInterfaces(app: NestFastifyApplication, port: number): Promise<void> {
  try {
    await app.listen(port, '::');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') {
      throw error;
    }
    await app.listen(port, '0.0.0.0');
  }
}

void bootstrap();
