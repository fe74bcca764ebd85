import { Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';

/** How often a connection error is logged at most, per connection (an outage is one story). */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * The Redis connections of this instance (`REDIS_URL`): a few named, long-lived clients shared
 * by the adapters, never one per subscription. Each reconnects by itself with a backoff capped
 * at two seconds; commands fail at once while it is down (no offline queue), so no caller ever
 * waits on an outage: the adapters log, count, and catch up when the connection is back.
 */
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly clients: Redis[] = [];
  /** Set once the instance stops: closing connections is then expected, not an outage. */
  private closing = false;

  constructor(
    private readonly url: string,
    /** Prefix of every key and channel (`REDIS_PREFIX`), so deployments can share a server. */
    readonly prefix: string,
  ) {}

  /** A new connection, named in logs and in `CLIENT LIST`. */
  connect(name: string, options: RedisOptions = {}): Redis {
    const client = new Redis(this.url, {
      connectionName: `switchboard-${name}`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      ...options,
    });
    let lastLogged = 0;
    let down = false;
    client.on('error', (error: Error) => {
      const now = Date.now();
      if (now - lastLogged >= ERROR_LOG_INTERVAL_MS) {
        lastLogged = now;
        this.logger.warn(`Connection ${name}: ${error.message}`);
      }
    });
    client.on('close', () => {
      if (!down && !this.closing) {
        down = true;
        this.logger.warn(`Connection ${name} lost; reconnecting`);
      }
    });
    client.on('ready', () => {
      if (down) {
        down = false;
        lastLogged = 0;
        this.logger.log(`Connection ${name} is back`);
      }
    });
    this.clients.push(client);
    return client;
  }

  /** Whether Redis answers a PING within `timeoutMs` (readiness). */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    const client = this.clients[0];
    if (!client || client.status !== 'ready') {
      return false;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        client.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
      return answer === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.clients.map(async (client) => {
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }
}
