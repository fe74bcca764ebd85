import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, enabledLogLevels, loadConfig } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/shutdown';
import { beginBootLogging, useConfiguredLogger } from './observability/logging';

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
  Logger.overrideLogger(enabledLogLevels(config.logLevel));
  const loggerOptions = beginBootLogging(config);
  const logger = new Logger('Switchboard');
  warnings.forEach((warning) => logger.warn(warning.message));
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    loggerOptions,
  );
  useConfiguredLogger(app, config);
  configureApp(app, config);
  installGracefulShutdown(app, config.guards.shutdownGraceMs);
  await app.listen(config.port);
  logger.log(
    `GraphQL on ${config.publicUrl}/graphql (HTTP and graphql-ws), ${config.nodeEnv} mode`,
  );
}

void bootstrap();
