import { Injectable, Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { GraphQLWsServer } from '../common/graphql/graphql-ws.server';

/** Whether this instance is stopping: readiness answers 503 from the first moment. */
@Injectable()
export class ShutdownState {
  stopping = false;
}

/**
 * Graceful shutdown on SIGTERM or SIGINT (OPERATIONS.md): readiness turns 503 at once, the server
 * stops accepting connections, graphql-ws clients are closed with 1001 so they reconnect to
 * another instance (their presence ends with them), HTTP requests in flight finish, then the
 * modules close (database, Redis) and the process exits 0. Past `graceMs` it exits 1 anyway.
 */
export function installGracefulShutdown(app: NestFastifyApplication, graceMs: number): void {
  const logger = new Logger('Shutdown');
  let started = false;
  const stop = async (signal: string): Promise<void> => {
    if (started) {
      return;
    }
    started = true;
    logger.log(`${signal}: stopping within ${graceMs} ms`);
    const deadline = setTimeout(() => {
      logger.error('Shutdown grace period passed; exiting');
      process.exit(1);
    }, graceMs);
    deadline.unref();
    app.get(ShutdownState).stopping = true;
    const server: Server = app.getHttpServer();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await app.get(GraphQLWsServer).closeAll();
    await closed;
    await app.close();
    clearTimeout(deadline);
    logger.log('Stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop(signal));
  }
}
