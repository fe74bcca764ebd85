import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { GuardsConfig } from '../config/app-config';

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/** A limit of OPERATIONS.md that refused a call. */
export type LimitName = keyof GuardsConfig['rateLimits'] | 'wsOperations';

/** The outcome of one webhook delivery attempt, in the words of `WebhookDeliveryStatus`. */
export type WebhookDeliveryOutcome = 'SUCCEEDED' | 'PENDING' | 'FAILED';

/** Operation names come from clients: past this many distinct ones, new names count as "other". */
const MAX_OPERATION_NAMES = 200;

/** A scrape waits at most this long for the live conversation count. */
const COUNT_TIMEOUT_MS = 1_000;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop, GC) belong to the process, not to one application
 * instance, and prom-client cannot stop collecting them: one registry per process, shared by
 * every `Metrics` of that process (tests boot several applications in one).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The service's Prometheus metrics, in its own registry. The rest of the code reports what
 * happens through these methods; `GET /metrics` exposes them with the process metrics.
 */
@Injectable()
export class Metrics {
  private readonly logger = new Logger('Metrics');
  private readonly registry = new Registry();
  private readonly exposed: Registry;
  private readonly operationNames = new Set<string>();

  private readonly operations = new Counter({
    name: 'switchboard_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, type and outcome code',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: 'switchboard_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response',
    labelNames: ['operation', 'type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly messages = new Counter({
    name: 'switchboard_messages_posted_total',
    help: 'Messages posted to conversations, by author',
    labelNames: ['author'] as const,
    registers: [this.registry],
  });
  private readonly takeovers = new Counter({
    name: 'switchboard_takeovers_total',
    help: 'Takeovers of a conversation by a person',
    registers: [this.registry],
  });
  private readonly rateLimitedCalls = new Counter({
    name: 'switchboard_rate_limited_total',
    help: 'Calls refused with RATE_LIMITED, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  private readonly wsConnections = new Gauge({
    name: 'switchboard_graphql_ws_connections',
    help: 'graphql-ws connections open and accepted on this instance',
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: 'switchboard_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by resulting status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly pubsubReconnects = new Counter({
    name: 'switchboard_pubsub_reconnects_total',
    help: 'Times the pub/sub connection came back after an outage',
    registers: [this.registry],
  });

  constructor(private readonly dataSource: DataSource) {
    const liveConversations: Gauge = new Gauge({
      name: 'switchboard_live_conversations_active',
      help: 'Live conversations (a person in control) active, in the database',
      registers: [this.registry],
      collect: async () => {
        const count = await this.activeLiveConversations();
        if (count !== undefined) {
          liveConversations.set(count);
        }
      },
    });
    this.exposed = Registry.merge([processMetrics(), this.registry]);
  }

  /** One GraphQL operation answered, with its outcome code ("OK" when it had no error). */
  operation(name: string, type: OperationType, outcome: string, seconds: number): void {
    const operation = this.operationLabel(name);
    this.operations.inc({ operation, type, outcome });
    this.operationDuration.observe({ operation, type }, seconds);
  }

  messagePosted(author: string): void {
    this.messages.inc({ author });
  }

  takeover(): void {
    this.takeovers.inc();
  }

  rateLimited(limit: LimitName): void {
    this.rateLimitedCalls.inc({ limit });
  }

  wsConnectionOpened(): void {
    this.wsConnections.inc();
  }

  wsConnectionClosed(): void {
    this.wsConnections.dec();
  }

  webhookDelivery(status: WebhookDeliveryOutcome): void {
    this.webhookDeliveries.inc({ status });
  }

  pubsubReconnected(): void {
    this.pubsubReconnects.inc();
  }

  /** Everything, in the Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.exposed.contentType, body: await this.exposed.metrics() };
  }

  private operationLabel(name: string): string {
    if (this.operationNames.has(name)) {
      return name;
    }
    if (this.operationNames.size >= MAX_OPERATION_NAMES) {
      return 'other';
    }
    this.operationNames.add(name);
    return name;
  }

  /**
   * Counted at scrape time: the partial unique index on ACTIVE rows makes this an index-only
   * count. A failure or a slow database leaves the last value and never fails the scrape.
   */
  private async activeLiveConversations(): Promise<number | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const count = this.dataSource
        .query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM live_conversations WHERE status = 'ACTIVE'`,
        )
        .then((rows) => rows[0].count);
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), COUNT_TIMEOUT_MS);
      });
      const result = await Promise.race([count, timeout]);
      if (result === undefined) {
        void count.catch(() => undefined);
        this.logger.warn('Counting live conversations took too long; kept the last value');
      }
      return result;
    } catch (error) {
      this.logger.warn(`Counting live conversations failed: ${String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
