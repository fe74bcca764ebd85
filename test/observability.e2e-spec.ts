import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GraphQLResult, TestApp } from './support/test-app';
import {
  botWithTeam,
  codes,
  openRequest,
  registerAccount,
  startSession,
} from './support/factories';

const ME = `query Me { me { id } }`;
const INTROSPECTION = `query Schema { __schema { queryType { name } } }`;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const origin = (app: TestApp): string => new URL(app.url).origin;

/** One sample of a metric from the Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const present = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((label) => present.includes(label))) {
      return Number(match[3]);
    }
  }
  return 0;
}

async function scrape(app: TestApp, token?: string): Promise<Response> {
  return fetch(`${origin(app)}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function metricsText(app: TestApp): Promise<string> {
  const response = await scrape(app);
  expect(response.status).toBe(200);
  return response.text();
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met within 5 s');
}

describe('metrics', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  it('answers Prometheus text with process metrics, open without METRICS_TOKEN', async () => {
    const response = await scrape(app);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(text).toMatch(/^# TYPE switchboard_graphql_operations_total counter$/m);
    expect(text).toMatch(/^switchboard_live_conversations_active \d+$/m);
  });

  it('counts operations by name, type and outcome code', async () => {
    const ok = { operation: 'Me', type: 'query', outcome: 'OK' };
    const refused = { operation: 'Me', type: 'query', outcome: 'UNAUTHENTICATED' };
    const invalid = { operation: 'Broken', type: 'query', outcome: 'BAD_USER_INPUT' };
    const before = await metricsText(app);

    const account = await registerAccount(app);
    expect((await app.ok(ME, {}, account.token)).me.id).toBe(account.id);
    expect(codes(await app.request(ME))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await app.request('query Broken { noSuchField }'))).toEqual(['BAD_USER_INPUT']);

    const after = await metricsText(app);
    const total = 'switchboard_graphql_operations_total';
    expect(sample(after, total, ok) - sample(before, total, ok)).toBe(1);
    expect(sample(after, total, refused) - sample(before, total, refused)).toBe(1);
    expect(sample(after, total, invalid) - sample(before, total, invalid)).toBe(1);
    const durations = 'switchboard_graphql_operation_duration_seconds_count';
    const me = { operation: 'Me', type: 'query' };
    expect(sample(after, durations, me) - sample(before, durations, me)).toBe(2);
  });

  it('counts graphql-ws connections while they are open', async () => {
    const gauge = 'switchboard_graphql_ws_connections';
    const account = await registerAccount(app);
    const before = sample(await metricsText(app), gauge);
    const socket = await app.connectedWs({ authorization: `Bearer ${account.token}` });
    expect(sample(await metricsText(app), gauge)).toBe(before + 1);
    await socket.dispose();
    await eventually(async () => sample(await metricsText(app), gauge) === before);
  });
});

describe('live conversations gauge', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Its own (embedded) database, so that no other test's takeovers are counted.
    app = await TestApp.start({ env: { DATABASE_URL: '' } });
  });
  afterAll(() => app.close());

  it('counts ACTIVE live conversations at scrape time', async () => {
    const gauge = 'switchboard_live_conversations_active';
    expect(sample(await metricsText(app), gauge)).toBe(0);
    const { bot, agent } = await botWithTeam(app);
    const endUser = await startSession(app, bot);
    const request = await openRequest(app, endUser);
    const socket = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    const taken = await app.ok<{ takeControl: { id: string } }>(
      'mutation ($id: ID!) { takeControl(requestId: $id) { id } }',
      { id: request.id },
      agent.token,
    );
    expect(sample(await metricsText(app), gauge)).toBe(1);
    await app.ok(
      'mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id } }',
      { id: taken.takeControl.id },
      agent.token,
    );
    expect(sample(await metricsText(app), gauge)).toBe(0);

    // Let the end user go offline (its presence is written to the database) before closing.
    app.clock.advance(60_000);
    const offlineAt = app.clock.now().toISOString();
    await socket.dispose();
    await eventually(async () => {
      const seen = await app.ok<{ request: { endUser: { lastSeenAt: string } } }>(
        'query ($id: ID!) { request(id: $id) { endUser { lastSeenAt } } }',
        { id: request.id },
        agent.token,
      );
      return seen.request.endUser.lastSeenAt === offlineAt;
    });
  });
});

describe('metrics with METRICS_TOKEN', () => {
  const token = 'a-metrics-token-for-prometheus';
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => app.close());

  it('answers 401 without the token or with another one, 200 with it', async () => {
    expect((await scrape(app)).status).toBe(401);
    expect((await scrape(app, 'not-the-token')).status).toBe(401);
    expect((await scrape(app, `${token}x`)).status).toBe(401);
    const response = await scrape(app, token);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# TYPE switchboard_takeovers_total counter$/m);
  });
});

describe('GraphiQL in development', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => app.close());

  it('serves a browser opening /graphql a GraphiQL page whose every asset the service serves', async () => {
    const page = await fetch(app.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+/i);

    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toHaveLength(4);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, app.url));
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${origin(app)}/graphiql/package.json`)).status).toBe(404);
  });

  it('leaves other GET requests to Apollo, CSRF prevention included', async () => {
    const url = `${app.url}?query=${encodeURIComponent('{ __typename }')}`;
    const preflighted = await fetch(url, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });

    const simple = await fetch(url, { headers: { accept: 'application/json' } });
    expect(simple.status).toBe(400);
    expect(codes((await simple.json()) as GraphQLResult)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('production mode', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => app.close());

  it('has no IDE and no landing page', async () => {
    const page = await fetch(app.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expect(page.headers.get('content-type')).not.toMatch(/html/);
    const asset = await fetch(`${origin(app)}/graphiql/graphiql.min.js`);
    expect(asset.status).toBe(404);
  });

  it('refuses introspection', async () => {
    const result = await app.request(INTROSPECTION);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.data).toBeUndefined();
  });

  it('allows introspection with GRAPHQL_INTROSPECTION=true', async () => {
    const open = await TestApp.start({
      env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' },
    });
    try {
      expect((await open.ok(INTROSPECTION)).__schema.queryType.name).toBe('Query');
    } finally {
      await open.close();
    }
  });
});

describe('production logs', () => {
  const main = join(__dirname, '..', 'dist', 'src', 'main.js');
  let child: ChildProcess;
  let output = '';
  let url: string;

  const freePort = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });

  beforeAll(async () => {
    if (!existsSync(main)) {
      throw new Error(`${main} is missing: build first (npm test does)`);
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}/graphql`;
    child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        AUTH_SECRET: 'switchboard-production-log-test-secret',
        LOG_LEVEL: 'log',
        ...(process.env.DATABASE_URL
          ? { DATABASE_URL: process.env.DATABASE_URL }
          : { DATA_DIR: 'memory://' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('"context":"Switchboard"')) {
          resolve();
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
    });
    await started;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  const post = async (query: string, variables: object = {}, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  };

  it('writes one JSON line per operation, without tokens or passwords', async () => {
    const email = `log-${Date.now()}@example.test`;
    const password = 'a password nobody may log';
    const registered = await post(
      'mutation Register($input: RegisterInput!) { register(input: $input) { accessToken } }',
      { input: { email, name: 'Logged Operator', password } },
    );
    expect(registered.errors).toBeUndefined();
    const login = await post(
      'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
      { email, password },
    );
    const token: string = login.data.login.accessToken;
    expect((await post(ME, {}, token)).data.me.id).toEqual(expect.any(String));
    expect(codes((await post(ME, {}, 'not-a-valid-token')) as any)).toEqual(['UNAUTHENTICATED']);

    await eventually(() => Promise.resolve(output.split('\n').filter(isOperation).length >= 4));
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    for (const line of lines) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    const operations = lines.map((line) => JSON.parse(line)).filter((entry) => entry.operation);
    expect(operations).toEqual([
      expect.objectContaining({ operation: 'Register', type: 'mutation', outcome: 'OK' }),
      expect.objectContaining({ operation: 'Login', type: 'mutation', outcome: 'OK' }),
      expect.objectContaining({ operation: 'Me', caller: 'account', outcome: 'OK' }),
      expect.objectContaining({ operation: 'Me', caller: 'anonymous', outcome: 'UNAUTHENTICATED' }),
    ]);
    for (const entry of operations) {
      expect(entry).toEqual(
        expect.objectContaining({
          level: 'info',
          time: expect.any(String),
          msg: expect.any(String),
          context: 'GraphQL',
          type: expect.stringMatching(/^(query|mutation)$/),
          durationMs: expect.any(Number),
          caller: expect.stringMatching(/^(account|anonymous)$/),
        }),
      );
    }
    expect(output).not.toContain(password);
    expect(output).not.toContain(token);
    expect(output).not.toContain('not-a-valid-token');
    expect(output).not.toContain(email);
  });
});

function isOperation(line: string): boolean {
  return line.includes('"operation":');
}
