import {
  DynamicModule,
  INestApplication,
  Logger,
  Module,
  NestApplicationOptions,
  RequestMethod,
} from '@nestjs/common';
import type * as NestjsPino from 'nestjs-pino';
import type * as Pino from 'pino';
import { GRAPHQL_PATH } from '../common/graphql/graphql.options';
import { AppConfig, enabledLogLevels, LogLevel } from '../config/app-config';

/**
 * nestjs-pino and pino, loaded only for JSON logs: they take about 0.4 s of a start (measured on
 * 2 cores) that the console format does not need.
 */
function pinoLibraries(): { nestjsPino: typeof NestjsPino; pino: typeof Pino } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only for JSON logs */
  return {
    nestjsPino: require('nestjs-pino') as typeof NestjsPino,
    pino: require('pino') as typeof Pino,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

const PINO_LEVELS: Record<LogLevel, string> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Whatever logs a request one day, these never leave the process. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'password',
  'token',
  'accessToken',
];

/**
 * The service's logs. With LOG_FORMAT=json (the default in production) every Nest log line is
 * one JSON object (level, time, msg, context, and the fields a line adds, such as an operation's)
 * written by pino at LOG_LEVEL; with `pretty`, Nest's ConsoleLogger as it is. There are no
 * automatic per-request lines (the GraphQL operation log is the access log).
 *
 * The lines of an HTTP request carry its id, except on the GraphQL path: binding a logger to a
 * request (pino-http's child logger, kept in an AsyncLocalStorage whose hooks then run for every
 * promise of the process) cost about a fifth of the service's CPU per message in the benchmark.
 * A GraphQL operation has its own line instead, as over graphql-ws, and an unexpected error's
 * line names the field path where it happened.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.guards.logFormat !== 'json') {
      return { module: LoggingModule };
    }
    const { nestjsPino, pino } = pinoLibraries();
    return {
      module: LoggingModule,
      imports: [
        nestjsPino.LoggerModule.forRoot({
          pinoHttp: {
            level: PINO_LEVELS[config.logLevel],
            autoLogging: false,
            quietReqLogger: true,
            quietResLogger: true,
            // pino-http still makes a logger bound to the whole request for every request, and
            // pino serializes bindings at once (headers, redaction): no line logs through it
            // (the loggers above are quiet), so it is bound to what identifies the request.
            serializers: {
              req: (req: { id?: unknown; method?: string; url?: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
            },
            timestamp: pino.stdTimeFunctions.isoTime,
            formatters: { level: (label) => ({ level: label }) },
            redact: { paths: REDACTED, censor: '[redacted]' },
          },
          nativeLogger: { flattenParams: true },
          exclude: [{ path: GRAPHQL_PATH.slice(1), method: RequestMethod.ALL }],
        }),
      ],
    };
  }
}

/**
 * Call first at boot; returns the logger options to create the application with. In JSON, every
 * line from then on is buffered until the pino logger exists (`useConfiguredLogger`), so none is
 * written in another format.
 */
export function beginBootLogging(config: AppConfig): NestApplicationOptions {
  if (config.guards.logFormat === 'json') {
    // Lines logged before the application exists (configuration warnings) wait in the buffer too.
    Logger.attachBuffer();
    return { bufferLogs: true };
  }
  return { logger: enabledLogLevels(config.logLevel) };
}

/** Switches the application (and every `new Logger(...)`) to the configured logger. */
export function useConfiguredLogger(app: INestApplication, config: AppConfig): void {
  if (config.guards.logFormat === 'json') {
    app.useLogger(app.get(pinoLibraries().nestjsPino.NativeLogger));
  }
}
