import { ConfigError, loadConfig } from './app-config';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to the embedded database in .data on port 3000 in development', () => {
    const { config, warnings } = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data' });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.authTokenTtlSeconds).toBe(12 * 3600);
    expect(config.logLevel).toBe('log');
    expect(config.authSecretIsEphemeral).toBe(true);
    expect(config.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(warnings).toHaveLength(1);
  });

  it('uses the PostgreSQL server of DATABASE_URL', () => {
    const { config } = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      DATABASE_POOL_SIZE: '20',
    });
    expect(config.database).toEqual({
      kind: 'server',
      url: 'postgres://u:p@db:5432/app',
      poolSize: 20,
    });
  });

  it('reads every variable', () => {
    const { config, warnings } = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATA_DIR: '/var/lib/switchboard',
      AUTH_SECRET: SECRET,
      AUTH_TOKEN_TTL: '30m',
      PUBLIC_URL: 'https://support.example.com/',
      REDIS_URL: 'redis://cache:6379',
      REDIS_PREFIX: 'helpdesk:',
      PRESENCE_TTL: '9s',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      database: { kind: 'embedded', dataDir: '/var/lib/switchboard' },
      authSecret: SECRET,
      authSecretIsEphemeral: false,
      authTokenTtlSeconds: 1800,
      publicUrl: 'https://support.example.com',
      redisUrl: 'redis://cache:6379',
      redisPrefix: 'helpdesk:',
      presenceTtlMs: 9000,
      logLevel: 'debug',
    });
    expect(warnings).toEqual([]);
  });

  it('requires AUTH_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^AUTH_SECRET /),
    ]);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: '70000',
      DATABASE_URL: 'mysql://db/app',
      AUTH_SECRET: 'short',
      AUTH_TOKEN_TTL: 'forever',
      PUBLIC_URL: 'ftp://x',
      REDIS_URL: 'http://cache',
      REDIS_PREFIX: 'a b',
      PRESENCE_TTL: '1s',
      LOG_LEVEL: 'loud',
      NODE_ENV: 'staging',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(
      [
        'AUTH_SECRET',
        'AUTH_TOKEN_TTL',
        'DATABASE_URL',
        'LOG_LEVEL',
        'NODE_ENV',
        'PORT',
        'PUBLIC_URL',
        'REDIS_URL',
        'REDIS_PREFIX',
        'PRESENCE_TTL',
      ].sort(),
    );
  });
});
