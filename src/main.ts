import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { setFlagsFromString } from 'node:v8';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp } from './app.setup';
import { ConfigError, enabledLogLevels, loadConfig } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/shutdown';
import { beginBootLogging, useConfiguredLogger } from './observability/logging';

const EMBEDDED_HEAP_GROWING_PERCENT = 30;

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
  }
  Logger.overrideLogger(enabledLogLevels(config.logLevel));
  const loggerOptions = beginBootLogging(config);
  const logger = new Logger('Switchboard');
  warnings.forEach((warning) => logger.warn(warning.message));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    ...APP_OPTIONS,
    ...loggerOptions,
  });
  useConfiguredLogger(app, config);
  configureApp(app, config);
  installGracefulShutdown(app, config.guards.shutdownGraceMs);
  await app.listen(config.port);
  logger.log(
    `GraphQL on ${config.publicUrl}/graphql (HTTP and graphql-ws), ${config.nodeEnv} mode`,
  );
}

void bootstrap();
