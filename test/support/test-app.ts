import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AddressInfo } from 'node:net';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock } from '../../src/common/clock/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { IN_MEMORY } from '../../src/database/embedded-postgres';
import { TestClock } from './test-clock';

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions: { code: string; [key: string]: unknown };
  }[];
}

/**
 * The whole service, booted in-process on a free port: real HTTP, real graphql-ws, and the real
 * database with migrations applied (DATABASE_URL when set, else a fresh in-memory embedded one).
 * Only the clock is replaced, by one the test controls.
 */
export class TestApp {
  private readonly sockets = new Set<Client>();

  private constructor(
    readonly app: INestApplication,
    readonly config: AppConfig,
    readonly clock: TestClock,
    readonly url: string,
  ) {}

  /**
   * `databaseUrl` and `redis` let several apps in one test share a database and a Redis (several
   * instances on one injectable clock); by default DATABASE_URL, and no Redis. `env` adds or
   * overrides environment variables of the configuration (NODE_ENV=production, METRICS_TOKEN...).
   */
  static async start(
    options: {
      clock?: TestClock;
      tokenTtl?: string;
      databaseUrl?: string;
      redis?: { url: string; prefix: string };
      /** More environment, over the defaults below (e.g. a guard's variable). */
      env?: Record<string, string>;
      /** Listen on this port rather than a free one the OS picks (a known PUBLIC_URL). */
      port?: number;
    } = {},
  ): Promise<TestApp> {
    const { config } = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: options.databaseUrl ?? process.env.DATABASE_URL,
      REDIS_URL: options.redis?.url,
      REDIS_PREFIX: options.redis?.prefix,
      DATA_DIR: IN_MEMORY,
      AUTH_SECRET: 'switchboard-test-secret-that-is-long-enough',
      AUTH_TOKEN_TTL: options.tokenTtl ?? '1h',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Suites about other behaviour send faster than a person types (races of 50 senders);
      // the guards suite sets the limits it proves.
      RATE_LIMIT_MESSAGES: '100000/10s',
      RATE_LIMIT_REQUESTS: '100000/10s',
      RATE_LIMIT_LOGIN: '100000/10s',
      ...options.env,
    });
    const clock = options.clock ?? new TestClock();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
      ...APP_OPTIONS,
      logger: ['error', 'warn'],
    });
    configureApp(app, config);
    await app.listen(options.port ?? 0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new TestApp(app, config, clock, `http://127.0.0.1:${port}/graphql`);
  }

  /** POST /graphql; returns the parsed body whatever the HTTP status. */
  async request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResult<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<T>;
  }

  /** Like `request`, but fails the test on any error and returns `data`. */
  async ok<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<T> {
    const result = await this.request<T>(query, variables, token);
    if (result.errors?.length) {
      throw new Error(`Unexpected GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
    }
    return result.data as T;
  }

  /** A graphql-ws client on the same path; `lazy: false` so the handshake happens at once. */
  ws(connectionParams: Record<string, unknown> | undefined): Client {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
    });
    this.sockets.add(client);
    return client;
  }

  /**
   * A graphql-ws client whose connection the service has acknowledged: its `onConnect` (credential
   * check, presence) has run.
   */
  async connectedWs(connectionParams: Record<string, unknown>): Promise<Client> {
    const client = this.ws(connectionParams);
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('closed', (event) =>
        reject(new Error(`Connection closed: ${JSON.stringify(event)}`)),
      );
    });
    return client;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      void socket.dispose();
    }
    await this.app.close();
  }
}
