import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { AddressInfo, Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { Client, ClientOptions, createClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import type { GraphQLResult, TestApp } from './test-app';

/**
 * Several real Switchboard processes (`node dist/src/main.js`) sharing one PostgreSQL database
 * and one private `redis-server`, as in production behind a load balancer. Each process gets a
 * client shaped like `TestApp` (request, ok, ws, connectedWs), so the factories work on it
 * through `asTestApp`. Everything started here is killed at the end of the suite, and also when
 * the jest worker exits or dies (a watchdog per process), so no process outlives its test run.
 */

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const REDIS_SERVER = '/usr/bin/redis-server';
/** The same on every instance, so a token issued by one verifies on all. */
const AUTH_SECRET = 'switchboard-multi-instance-secret-long-enough';
export const REDIS_PREFIX = 'switchboard:';

// ------------------------------------------------------------------ processes and their output

/** What every process of a cluster printed, in arrival order, for a failing test's report. */
class LogBook {
  private readonly lines: { at: number; text: string }[] = [];
  private readonly startedAt = Date.now();

  write(source: string, text: string): void {
    const at = Date.now();
    for (const line of text.split('\n')) {
      if (line.trim() !== '') {
        this.lines.push({ at, text: `[${source} +${at - this.startedAt}ms] ${line}` });
      }
    }
    if (this.lines.length > 5_000) {
      this.lines.splice(0, this.lines.length - 5_000);
    }
  }

  /** Everything written at or after `since` (a `Date.now()` value). */
  since(since = 0): string {
    return this.lines
      .filter((line) => line.at >= since)
      .map((line) => line.text)
      .join('\n');
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort when the suite could not clean up (a crash, a forced exit of the worker). */
function killEverythingNow(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

function installExitHook(): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killEverythingNow);
  }
}

/**
 * Kills `child` if this process dies without cleaning up (SIGKILL of the jest worker): a tiny
 * shell loop that ends by itself once the child has exited.
 */
function watchdog(child: ChildProcess): void {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null';
  const guard = spawn(
    '/bin/sh',
    ['-c', script, 'watchdog', String(process.pid), String(child.pid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  guard.unref();
}

class ManagedProcess {
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stopping = false;
  private done = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    private readonly log: LogBook,
  ) {
    installExitHook();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    if (child.pid !== undefined) {
      watchdog(child);
    }
    child.stdout?.on('data', (chunk: Buffer) => log.write(name, chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => log.write(`${name} err`, chunk.toString()));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.done = true;
        running.delete(child);
        if (!this.stopping) {
          log.write(name, `!! exited unexpectedly (code ${code}, signal ${signal})`);
        }
        resolve({ code, signal });
      });
      child.once('error', (error) => {
        this.done = true;
        running.delete(child);
        log.write(name, `!! could not start: ${error.message}`);
        resolve({ code: null, signal: null });
      });
    });
  }

  get alive(): boolean {
    return !this.done;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` and waits for the exit; a process that ignores SIGTERM gets SIGKILL. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.done) {
      return;
    }
    this.log.write(this.name, `-- ${signal} sent by the test`);
    this.child.kill(signal);
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }
}

// ------------------------------------------------------------------ small utilities

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it returns a value other than undefined, or fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Not in time (${timeoutMs} ms): ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

function newestFileTime(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFileTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The service is started from its build: refuse a missing or stale one with a clear message. */
function assertBuilt(): void {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} is missing: the multi-instance tests start the built service. Run \`npm run build\` first (\`npm test\` builds it through its pretest script).`,
    );
  }
  const builtAt = statSync(MAIN).mtimeMs;
  const changedAt = Math.max(
    newestFileTime(join(ROOT, 'src')),
    newestFileTime(join(ROOT, 'migrations')),
  );
  if (changedAt > builtAt) {
    throw new Error(
      `${MAIN} is older than the sources in src/ or migrations/: run \`npm run build\` so the multi-instance tests run the code under test.`,
    );
  }
}

// ------------------------------------------------------------------ PostgreSQL

/** The database every instance of one cluster shares. */
class SharedDatabase {
  private constructor(
    readonly url: string,
    private readonly scratch?: { adminUrl: string; name: string },
  ) {}

  /**
   * DATABASE_URL when set (other suites use it at the same time: tests create unique data);
   * otherwise a scratch database on the machine's PostgreSQL, dropped by `drop()`.
   */
  static async open(): Promise<SharedDatabase> {
    const configured = process.env.DATABASE_URL?.trim();
    if (configured) {
      return new SharedDatabase(configured);
    }
    const host = process.env.PGHOST || '127.0.0.1';
    const port = process.env.PGPORT || '5432';
    const adminUrl = `postgresql://postgres@${host}:${port}/postgres`;
    const name = `switchboard_multi_${Date.now()}_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new PgClient({ connectionString: adminUrl });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      throw new Error(
        `The multi-instance tests need a PostgreSQL server shared by their processes: set DATABASE_URL, or run one at ${host}:${port} that accepts the postgres user (${String(error)})`,
        { cause: error },
      );
    } finally {
      await admin.end().catch(() => undefined);
    }
    return new SharedDatabase(`postgresql://postgres@${host}:${port}/${name}`, { adminUrl, name });
  }

  async drop(): Promise<void> {
    if (!this.scratch) {
      return;
    }
    const admin = new PgClient({ connectionString: this.scratch.adminUrl });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${this.scratch.name}" WITH (FORCE)`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

// ------------------------------------------------------------------ Redis

async function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/** A private `redis-server` without persistence, which a test may kill and bring back. */
export class RedisServer {
  private process?: ManagedProcess;
  /** For PUBSUB NUMSUB; reconnects by itself after a restart. */
  private readonly admin: Redis;

  private constructor(
    readonly port: number,
    private readonly log: LogBook,
  ) {
    this.admin = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    // Connection errors while the test has Redis down are expected: commands fail instead.
    this.admin.on('error', () => undefined);
  }

  static async start(log: LogBook): Promise<RedisServer> {
    if (!existsSync(REDIS_SERVER)) {
      throw new Error(`${REDIS_SERVER} is missing: the multi-instance tests need redis-server`);
    }
    const server = new RedisServer(await freePort(), log);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.process?.alive ?? false;
  }

  /** Connections SUBSCRIBEd to `channel` now: one per instance with a local subscriber. */
  async subscribers(channel: string): Promise<number> {
    const [, count] = (await this.admin.pubsub('NUMSUB', channel)) as [string, number];
    return Number(count);
  }

  /** Ends the server at once (SIGKILL): what it held is lost, as in a crash. */
  async kill(): Promise<void> {
    await this.process?.kill('SIGKILL');
  }

  /** Starts it again on the same port. */
  async restart(): Promise<void> {
    if (this.alive) {
      throw new Error('Redis is still running');
    }
    await this.launch();
  }

  async stop(): Promise<void> {
    this.admin.disconnect();
    await this.process?.kill('SIGKILL');
  }

  private async launch(): Promise<void> {
    this.process = new ManagedProcess(
      'redis',
      REDIS_SERVER,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      this.log,
    );
    const started = this.process;
    await eventually(
      `redis-server on port ${this.port}`,
      async () => {
        if (!started.alive) {
          throw new Error(`redis-server exited:\n${this.log.since()}`);
        }
        return (await redisAnswers(this.port)) ? true : undefined;
      },
      10_000,
    );
  }
}

// ------------------------------------------------------------------ one service instance

export interface Health {
  status: number;
  body: any;
}

/** One Switchboard process and a client for it, shaped like `TestApp`. */
export class Instance {
  readonly url: string;
  private readonly sockets = new Set<Client>();
  private readonly process: ManagedProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    env: Record<string, string>,
    private readonly log: LogBook,
  ) {
    this.url = `http://127.0.0.1:${port}/graphql`;
    this.process = new ManagedProcess(name, process.execPath, [MAIN], env, log);
  }

  get alive(): boolean {
    return this.process.alive;
  }

  /** POST /graphql; returns the parsed body whatever the HTTP status. Fails after `timeoutMs`. */
  async request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
    timeoutMs = 15_000,
  ): Promise<GraphQLResult<T>> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(
        `Instance ${this.name} did not answer ${query.replace(/\s+/g, ' ').slice(0, 80)}: ${String(error)}`,
        { cause: error },
      );
    }
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
      throw new Error(
        `Unexpected GraphQL errors on instance ${this.name}: ${JSON.stringify(result.errors, null, 2)}`,
      );
    }
    return result.data as T;
  }

  /**
   * A graphql-ws client of this instance; `lazy: false` so the handshake happens at once, and no
   * reconnection unless `options` asks for it.
   */
  ws(
    connectionParams: Record<string, unknown> | undefined,
    options: Partial<ClientOptions> = {},
  ): Client {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
      ...options,
    });
    this.sockets.add(client);
    return client;
  }

  /** A graphql-ws client whose connection the instance has acknowledged (onConnect has run). */
  async connectedWs(
    connectionParams: Record<string, unknown>,
    options: Partial<ClientOptions> = {},
  ): Promise<Client> {
    const client = this.ws(connectionParams, options);
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('closed', (event) =>
        reject(new Error(`Connection to ${this.name} closed: ${JSON.stringify(event)}`)),
      );
    });
    return client;
  }

  /** GET /health/live or /health/ready. */
  async health(probe: 'live' | 'ready'): Promise<Health> {
    const response = await fetch(`http://127.0.0.1:${this.port}/health/${probe}`, {
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the assertion's report.
    }
    return { status: response.status, body };
  }

  /**
   * Until /health/ready answers 200. A build without readiness (404) counts as ready once
   * GraphQL answers.
   */
  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    await eventually(
      `instance ${this.name} ready on port ${this.port}`,
      async () => {
        if (!this.alive) {
          throw new Error(`instance ${this.name} exited during start`);
        }
        const { status } = await this.health('ready');
        if (status === 200) {
          return true;
        }
        if (status === 404) {
          const probe = await this.request('{ __typename }', {}, undefined, {}, 2_000);
          return probe.data?.__typename === 'Query' ? true : undefined;
        }
        return undefined;
      },
      timeoutMs,
      100,
    );
  }

  /** Ends the process with `signal` (SIGKILL: a crash, nothing cleaned up). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process.kill(signal);
  }

  /** Closes the clients, then the process (SIGTERM, SIGKILL if it lingers). */
  async close(): Promise<void> {
    for (const socket of this.sockets) {
      void socket.dispose();
    }
    this.sockets.clear();
    await this.process.kill('SIGTERM');
  }
}

/** factories.ts is typed against TestApp but calls only `request` and `ok`, which Instance offers. */
export function asTestApp(instance: Pick<TestApp, 'request' | 'ok'>): TestApp {
  return instance as TestApp;
}

// ------------------------------------------------------------------ the cluster

export interface ClusterOptions {
  /** How many instances, named A, B, C, ... */
  instances: number;
  /** Start a private redis-server and give every instance REDIS_URL (default true). */
  redis?: boolean;
  /** PRESENCE_TTL in seconds (default 3: heartbeat every second). */
  presenceTtl?: number;
  /** More environment for every instance. */
  env?: Record<string, string>;
}

export class Cluster {
  private started = 0;

  private constructor(
    readonly instances: Instance[],
    readonly redis: RedisServer | undefined,
    readonly presenceTtl: number,
    private readonly database: SharedDatabase,
    private readonly log: LogBook,
    private readonly env: Record<string, string>,
  ) {}

  /** The database the instances share, for a test's own session (locks, checks). */
  get databaseUrl(): string {
    return this.database.url;
  }

  /** Starts Redis (unless told not to) and the instances together, and waits until all are ready. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    assertBuilt();
    const log = new LogBook();
    const presenceTtl = options.presenceTtl ?? 3;
    let redis: RedisServer | undefined;
    let database: SharedDatabase | undefined;
    const instances: Instance[] = [];
    try {
      redis = options.redis === false ? undefined : await RedisServer.start(log);
      database = await SharedDatabase.open();
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        // Plain text in failure reports.
        NO_COLOR: '1',
        DATABASE_URL: database.url,
        AUTH_SECRET,
        PRESENCE_TTL: String(presenceTtl),
        REDIS_PREFIX,
        ...(redis ? { REDIS_URL: redis.url } : {}),
        ...options.env,
      };
      const cluster = new Cluster(instances, redis, presenceTtl, database, log, env);
      await Promise.all(Array.from({ length: options.instances }, () => cluster.addInstance()));
      return cluster;
    } catch (error) {
      const output = log.since();
      await Promise.all(instances.filter(Boolean).map((instance) => instance.close()));
      await redis?.stop();
      await database?.drop().catch(() => undefined);
      throw new Error(
        `The cluster did not start: ${error instanceof Error ? error.message : String(error)}\n--- output ---\n${output}`,
        { cause: error },
      );
    }
  }

  /** Starts one more instance with the cluster's settings and waits until it is ready. */
  async addInstance(): Promise<Instance> {
    // Named and placed before the first await, so instances started together keep their order.
    const index = this.started++;
    const name = String.fromCharCode(65 + index);
    for (let attempt = 1; ; attempt += 1) {
      const startedAt = Date.now();
      const port = await freePort();
      const instance = new Instance(name, port, { ...this.env, PORT: String(port) }, this.log);
      this.instances[index] = instance;
      try {
        await instance.waitUntilReady();
        return instance;
      } catch (error) {
        // Another process took the free port between our probe and the instance's listen.
        const portTaken = !instance.alive && this.log.since(startedAt).includes('EADDRINUSE');
        if (!portTaken || attempt === 3) {
          throw error;
        }
      }
    }
  }

  /** The Redis channel of a topic, e.g. `Topics.conversation(id)`. */
  channel(topic: string): string {
    return `${REDIS_PREFIX}${topic}`;
  }

  /**
   * Until at least `instances` instances SUBSCRIBE to the topic's channel: graphql-ws does not
   * acknowledge a subscription, so this is how a test knows its subscribers are in place.
   */
  async waitForSubscribers(topic: string, instances = 1, timeoutMs = 5_000): Promise<void> {
    const redis = this.requireRedis();
    await eventually(
      `${instances} instance(s) subscribed to ${this.channel(topic)}`,
      async () => ((await redis.subscribers(this.channel(topic))) >= instances ? true : undefined),
      timeoutMs,
      20,
    );
  }

  /** Instances SUBSCRIBEd to the topic's channel now. */
  async subscribers(topic: string): Promise<number> {
    return this.requireRedis().subscribers(this.channel(topic));
  }

  /** What the processes printed since `since` (Date.now()), for failure reports. */
  output(since = 0): string {
    return this.log.since(since);
  }

  /** Stops every instance and Redis, and drops the scratch database. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.close()));
    await this.redis?.stop();
    await this.database.drop();
  }

  private requireRedis(): RedisServer {
    if (!this.redis) {
      throw new Error('This cluster runs without Redis');
    }
    return this.redis;
  }
}

/**
 * Jest's `it` for tests on a cluster: when one fails, its error carries what the processes
 * printed during the test (they are quiet otherwise). Keep the waits inside a test shorter than
 * its timeout, or jest reports the timeout without the output.
 */
export function itOnCluster(cluster: () => Cluster | undefined) {
  return (name: string, fn: () => Promise<void>, timeoutMs?: number): void => {
    it(
      name,
      async () => {
        const startedAt = Date.now();
        try {
          await fn();
        } catch (error) {
          const output = cluster()?.output(startedAt) || '(nothing)';
          if (error instanceof Error) {
            error.message += `\n--- what the processes printed during the test ---\n${output}`;
            throw error;
          }
          throw new Error(`${String(error)}\n--- output ---\n${output}`, { cause: error });
        }
      },
      timeoutMs,
    );
  };
}
