import { randomBytes } from 'node:crypto';
import { normalizeOrigin } from '../common/validation/origin';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'production', 'test'];
const MIN_SECRET_LENGTH = 32;

/** Where the service keeps its data: a PostgreSQL server, or the embedded one in a directory. */
export type DatabaseConfig =
  { kind: 'server'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string };

/** `N/Ws`: at most `points` in any window of `seconds`. */
export interface RateLimit {
  points: number;
  seconds: number;
}

export type LogFormat = 'json' | 'pretty';

/** How webhooks are delivered (OPERATIONS.md, "Webhooks"). */
export interface WebhooksConfig {
  /** Whether production may target loopback, private, link-local or unique-local addresses. */
  allowPrivateNetworks: boolean;
  /** How long one attempt may take before it counts as failed (`WEBHOOK_TIMEOUT`, 10 s). */
  timeoutMs: number;
  /** How often each instance looks for due deliveries besides its own wake-ups. */
  pollIntervalMs: number;
  /** Attempts in flight at once on this instance, over every webhook. */
  concurrency: number;
  /** Attempts in flight at once on this instance for one webhook. */
  concurrencyPerWebhook: number;
}

/** The production guards of OPERATIONS.md; every one an environment variable. */
export interface GuardsConfig {
  graphqlMaxDepth: number;
  graphqlMaxAliases: number;
  graphqlMaxTokens: number;
  /** Introspection and field suggestions (on outside production unless set). */
  graphqlIntrospection: boolean;
  httpMaxBodyBytes: number;
  wsMaxPayloadBytes: number;
  wsInitTimeoutMs: number;
  wsMaxOperations: number;
  wsMaxBacklogBytes: number;
  /** Null: off. */
  rateLimits: {
    messages: RateLimit | null;
    requests: RateLimit | null;
    login: RateLimit | null;
    sessions: RateLimit | null;
  };
  databaseStatementTimeoutMs: number;
  databaseLockTimeoutMs: number;
  shutdownGraceMs: number;
  /** '*' for any origin, else the exact origins allowed. */
  corsOrigins: '*' | string[];
  trustProxy: boolean;
  /** `/metrics` wants `Authorization: Bearer <token>` when set. */
  metricsToken: string | undefined;
  logFormat: LogFormat;
}

/**
 * The validated configuration of one Switchboard process. It is built once at boot by
 * `loadConfig`; nothing else in the service reads `process.env`.
 */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnv,
    readonly port: number,
    readonly database: DatabaseConfig,
    readonly authSecret: string,
    /** Whether the secret was generated for this process only (tokens die with it). */
    readonly authSecretIsEphemeral: boolean,
    readonly authTokenTtlSeconds: number,
    /** Base of every absolute URL the API hands out, without a trailing slash. */
    readonly publicUrl: string,
    readonly redisUrl: string | undefined,
    readonly logLevel: LogLevel,
    /** Prefix of every Redis key and channel (`REDIS_PREFIX`). */
    readonly redisPrefix: string,
    /** A killed instance's end users go offline within this (`PRESENCE_TTL`), in milliseconds. */
    readonly presenceTtlMs: number,
    readonly guards: GuardsConfig,
    readonly webhooks: WebhooksConfig,
  ) {}

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

/** Raised when the environment is invalid; `problems` names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigWarning {
  message: string;
}

/**
 * Reads and validates the environment. Every bad variable is reported at once, so an operator
 * fixes a deployment in one pass. Returns warnings for the caller to log (e.g. an ephemeral secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv): {
  config: AppConfig;
  warnings: ConfigWarning[];
} {
  const problems: string[] = [];
  const warnings: ConfigWarning[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const nodeEnv = oneOf(value('NODE_ENV') ?? 'development', NODE_ENVS, 'NODE_ENV', problems);

  const port = integer(value('PORT') ?? '3000', 0, 65535, 'PORT', problems);

  let database: DatabaseConfig;
  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined) {
    if (!isUrlWithProtocol(databaseUrl, ['postgres:', 'postgresql:'])) {
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    }
    const poolSize = integer(
      value('DATABASE_POOL_SIZE') ?? '10',
      1,
      1000,
      'DATABASE_POOL_SIZE',
      problems,
    );
    database = { kind: 'server', url: databaseUrl, poolSize };
  } else {
    database = { kind: 'embedded', dataDir: value('DATA_DIR') ?? '.data' };
  }

  let authSecret = value('AUTH_SECRET');
  let authSecretIsEphemeral = false;
  if (authSecret === undefined) {
    if (nodeEnv === 'production') {
      problems.push('AUTH_SECRET is required when NODE_ENV=production');
    } else {
      authSecret = randomBytes(48).toString('base64url');
      authSecretIsEphemeral = true;
      warnings.push({
        message:
          'AUTH_SECRET is not set: using an ephemeral secret, so every token dies with this process. Set AUTH_SECRET to keep sessions across restarts.',
      });
    }
  } else if (authSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }

  const authTokenTtlSeconds = duration(
    value('AUTH_TOKEN_TTL') ?? '12h',
    'AUTH_TOKEN_TTL',
    problems,
  );

  let publicUrl = value('PUBLIC_URL') ?? `http://localhost:${port}`;
  if (!isUrlWithProtocol(publicUrl, ['http:', 'https:'])) {
    problems.push('PUBLIC_URL must be an http:// or https:// URL');
  }
  publicUrl = publicUrl.replace(/\/+$/, '');

  const redisUrl = value('REDIS_URL');
  if (redisUrl !== undefined && !isUrlWithProtocol(redisUrl, ['redis:', 'rediss:'])) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }

  const redisPrefix = value('REDIS_PREFIX') ?? 'switchboard:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisPrefix)) {
    problems.push('REDIS_PREFIX must be 1 to 64 letters, digits, or : _ . -');
  }

  const presenceTtlSeconds = seconds(
    value('PRESENCE_TTL') ?? '15s',
    3,
    300,
    'PRESENCE_TTL',
    problems,
  );

  const logLevel = oneOf(value('LOG_LEVEL') ?? 'log', LOG_LEVELS, 'LOG_LEVEL', problems);

  const production = nodeEnv === 'production';
  const count = (name: string, fallback: number, max: number): number =>
    integer(value(name) ?? String(fallback), 1, max, name, problems);
  const guards: GuardsConfig = {
    graphqlMaxDepth: count('GRAPHQL_MAX_DEPTH', 12, 1000),
    graphqlMaxAliases: count('GRAPHQL_MAX_ALIASES', 30, 100_000),
    graphqlMaxTokens: count('GRAPHQL_MAX_TOKENS', 3000, 1_000_000),
    graphqlIntrospection: flag(
      value('GRAPHQL_INTROSPECTION') ?? String(!production),
      'GRAPHQL_INTROSPECTION',
      problems,
    ),
    httpMaxBodyBytes: bytes(value('HTTP_MAX_BODY') ?? '4mb', 'HTTP_MAX_BODY', problems),
    wsMaxPayloadBytes: bytes(value('WS_MAX_PAYLOAD') ?? '1mb', 'WS_MAX_PAYLOAD', problems),
    wsInitTimeoutMs: milliseconds(value('WS_INIT_TIMEOUT') ?? '5s', 'WS_INIT_TIMEOUT', problems),
    wsMaxOperations: count('WS_MAX_OPERATIONS', 100, 100_000),
    wsMaxBacklogBytes: bytes(value('WS_MAX_BACKLOG') ?? '4mb', 'WS_MAX_BACKLOG', problems),
    rateLimits: {
      messages: rateLimit(
        value('RATE_LIMIT_MESSAGES') ?? '30/10s',
        'RATE_LIMIT_MESSAGES',
        problems,
      ),
      requests: rateLimit(
        value('RATE_LIMIT_REQUESTS') ?? '10/60s',
        'RATE_LIMIT_REQUESTS',
        problems,
      ),
      login: rateLimit(value('RATE_LIMIT_LOGIN') ?? '10/900s', 'RATE_LIMIT_LOGIN', problems),
      sessions: rateLimit(
        value('RATE_LIMIT_SESSIONS') ?? (production ? '300/60s' : 'off'),
        'RATE_LIMIT_SESSIONS',
        problems,
      ),
    },
    databaseStatementTimeoutMs: milliseconds(
      value('DATABASE_STATEMENT_TIMEOUT') ?? '15s',
      'DATABASE_STATEMENT_TIMEOUT',
      problems,
    ),
    databaseLockTimeoutMs: milliseconds(
      value('DATABASE_LOCK_TIMEOUT') ?? '5s',
      'DATABASE_LOCK_TIMEOUT',
      problems,
    ),
    shutdownGraceMs: milliseconds(value('SHUTDOWN_GRACE') ?? '10s', 'SHUTDOWN_GRACE', problems),
    corsOrigins: origins(value('CORS_ORIGINS') ?? '*', 'CORS_ORIGINS', problems),
    trustProxy: flag(value('TRUST_PROXY') ?? 'false', 'TRUST_PROXY', problems),
    metricsToken: value('METRICS_TOKEN'),
    logFormat: oneOf(
      value('LOG_FORMAT') ?? (production ? 'json' : 'pretty'),
      ['json', 'pretty'] as const,
      'LOG_FORMAT',
      problems,
    ),
  };

  const webhooks: WebhooksConfig = {
    allowPrivateNetworks: flag(
      value('WEBHOOK_ALLOW_PRIVATE_NETWORKS') ?? 'false',
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
      problems,
    ),
    timeoutMs: milliseconds(value('WEBHOOK_TIMEOUT') ?? '10s', 'WEBHOOK_TIMEOUT', problems),
    pollIntervalMs: milliseconds(
      value('WEBHOOK_POLL_INTERVAL') ?? '1s',
      'WEBHOOK_POLL_INTERVAL',
      problems,
    ),
    concurrency: count('WEBHOOK_CONCURRENCY', 32, 1000),
    concurrencyPerWebhook: count('WEBHOOK_CONCURRENCY_PER_WEBHOOK', 4, 100),
  };

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    config: new AppConfig(
      nodeEnv,
      port,
      database,
      authSecret as string,
      authSecretIsEphemeral,
      authTokenTtlSeconds,
      publicUrl,
      redisUrl,
      logLevel,
      redisPrefix,
      presenceTtlSeconds * 1000,
      guards,
      webhooks,
    ),
    warnings,
  };
}

/** The log levels Nest should print for a configured threshold. */
export function enabledLogLevels(threshold: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(threshold) + 1);
}

function oneOf<T extends string>(
  raw: string,
  allowed: readonly T[],
  name: string,
  problems: string[],
): T {
  if ((allowed as readonly string[]).includes(raw)) {
    return raw as T;
  }
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  return allowed[0];
}

function integer(raw: string, min: number, max: number, name: string, problems: string[]): number {
  const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return min;
  }
  return parsed;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "3600", "45m", "12h", "7d" → seconds; at least one minute, at most 90 days. */
function duration(raw: string, name: string, problems: string[]): number {
  const match = /^(\d+)([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 90 * 86400) {
    problems.push(
      `${name} must be a duration from 60s to 90d such as 3600, 45m, 12h or 7d (got "${raw}")`,
    );
    return 60;
  }
  return seconds;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "4mb", "512kb", "1048576" → bytes (1 KiB to 1 GiB). */
function bytes(raw: string, name: string, problems: string[]): number {
  const match = /^(\d+)(b|kb|mb|gb)?$/i.exec(raw);
  const parsed = match ? Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toLowerCase()] : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1024 || parsed > 1024 ** 3) {
    problems.push(
      `${name} must be a size from 1kb to 1gb such as 4mb, 512kb or 1048576 (got "${raw}")`,
    );
    return 1024;
  }
  return parsed;
}

const MILLISECOND_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "15s", "500ms", "2m" (a bare number is seconds) → milliseconds, from 100 ms to one hour. */
function milliseconds(raw: string, name: string, problems: string[]): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(raw);
  const parsed = match ? Number(match[1]) * MILLISECOND_UNITS[match[2] ?? 's'] : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 100 || parsed > 3_600_000) {
    problems.push(
      `${name} must be a duration from 100ms to 60m such as 5s, 500ms or 2m (got "${raw}")`,
    );
    return 100;
  }
  return parsed;
}

/** "30/10s" → 30 per 10 seconds; "off" → null. */
function rateLimit(raw: string, name: string, problems: string[]): RateLimit | null {
  if (raw.toLowerCase() === 'off') {
    return null;
  }
  const match = /^(\d+)\/(\d+)s$/.exec(raw);
  const points = match ? Number(match[1]) : Number.NaN;
  const windowSeconds = match ? Number(match[2]) : Number.NaN;
  if (!(points >= 1 && points <= 1_000_000 && windowSeconds >= 1 && windowSeconds <= 86_400)) {
    problems.push(
      `${name} must be N/Ws such as 30/10s (1 to 1000000 per 1 to 86400 seconds), or off (got "${raw}")`,
    );
    return null;
  }
  return { points, seconds: windowSeconds };
}

function flag(raw: string, name: string, problems: string[]): boolean {
  if (raw === 'true' || raw === 'false') {
    return raw === 'true';
  }
  problems.push(`${name} must be true or false (got "${raw}")`);
  return false;
}

/** "*" or a comma-separated list of origins, each scheme://host[:port] without a path. */
function origins(raw: string, name: string, problems: string[]): '*' | string[] {
  if (raw === '*') {
    return '*';
  }
  const list = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const bad = list.filter((origin) => normalizeOrigin(origin) === null);
  if (list.length === 0 || bad.length > 0) {
    problems.push(
      `${name} must be * or comma-separated origins such as https://shop.example (got "${raw}")`,
    );
    return [];
  }
  return list.map((origin) => normalizeOrigin(origin) as string);
}

/** "15" or "15s" → seconds, within [min, max]. */
function seconds(raw: string, min: number, max: number, name: string, problems: string[]): number {
  const match = /^(\d+)s?$/.exec(raw);
  const parsed = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(
      `${name} must be a number of seconds from ${min} to ${max}, such as 15 or 15s (got "${raw}")`,
    );
    return min;
  }
  return parsed;
}

function isUrlWithProtocol(raw: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(raw).protocol);
  } catch {
    return false;
  }
}
