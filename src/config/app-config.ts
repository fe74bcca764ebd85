import { randomBytes } from 'node:crypto';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'production', 'test'];
const MIN_SECRET_LENGTH = 32;

/** Where the service keeps its data: a PostgreSQL server, or the embedded one in a directory. */
export type DatabaseConfig =
  { kind: 'server'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string };

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
