import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from './app.setup';
import { AppConfig, ConfigWarning, enabledLogLevels } from './config/app-config';
import { installGracefulShutdown } from './lifecycle/shutdown';
import { beginBootLogging, useConfiguredLogger } from './observability/logging';

/** Creates the application on the loaded configuration and serves it (see `main.ts`). */
export async function bootstrap(config: AppConfig, warnings: ConfigWarning[]): Promise<void> {
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
