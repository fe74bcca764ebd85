import { connect, Socket } from 'node:net';
import WebSocket from 'ws';
import { asTestApp, Cluster, Instance, itOnCluster } from './support/instances';
import {
  botWithTeam,
  codes,
  openRequest,
  registerAccount,
  rotateEngineKey,
  startSession,
} from './support/factories';

/**
 * The guards that only a real process shows: graceful shutdown on SIGTERM, and production mode
 * (no introspection, no suggestions, no landing page, JSON logs without secrets).
 */

const PROTOCOL = 'graphql-transport-ws';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wsUrl = (instance: Instance): string => instance.url.replace(/^http/, 'ws');

/** What `Instance` keeps private and these tests need: the process, to signal it and see its exit. */
function processOf(instance: Instance): {
  pid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  return (instance as unknown as { process: ReturnType<typeof processOf> }).process;
}

/** A raw graphql-ws socket whose connection the instance acknowledged. */
async function acknowledgedSocket(instance: Instance, token: string): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl(instance), PROTOCOL);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      );
    });
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') {
        resolve();
      }
    });
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`closed with ${code}`)));
  });
  return socket;
}

function closeCodeOf(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

/** The whole HTTP response read from a raw socket, once the server ends it or sends it all. */
function rawResponse(socket: Socket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      const body = rest.join('\r\n\r\n');
      if (Number.isFinite(status) && Number.isFinite(length) && body.length >= length) {
        resolve({ status, body: body.slice(0, length) });
        return true;
      }
      return false;
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      done();
    });
    socket.once('end', () => {
      if (!done()) {
        reject(new Error(`Incomplete response: ${text}`));
      }
    });
    socket.once('error', reject);
  });
}

describe('graceful shutdown of a real process', () => {
  let cluster: Cluster | undefined;
  const it = itOnCluster(() => cluster);

  beforeAll(async () => {
    cluster = await Cluster.start({ instances: 1, redis: false, env: { SHUTDOWN_GRACE: '5s' } });
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('on SIGTERM turns not ready, closes graphql-ws with 1001, and exits 0 within SHUTDOWN_GRACE', async () => {
    const instance = (cluster as Cluster).instances[0];
    const app = asTestApp(instance);
    const { bot, agent } = await botWithTeam(app);
    const endUser = await startSession(app, bot);
    const request = await openRequest(app, endUser);
    const sockets = await Promise.all([
      acknowledgedSocket(instance, agent.token),
      acknowledgedSocket(instance, agent.token),
      acknowledgedSocket(instance, endUser.token),
    ]);
    sockets[0].send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query: 'subscription ($id: ID!) { conversationEvents(requestId: $id) { type } }',
          variables: { id: request.id },
        },
      }),
    );
    const closes = sockets.map(closeCodeOf);
    expect((await instance.health('ready')).status).toBe(200);

    // A readiness probe in flight (its headers not finished) when the signal arrives.
    const probe = connect(instance.port, '127.0.0.1');
    await new Promise<void>((resolve) => probe.once('connect', () => resolve()));
    const answer = rawResponse(probe);
    probe.write('GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await sleep(50);

    const { pid, exited } = processOf(instance);
    const signalledAt = Date.now();
    process.kill(pid as number, 'SIGTERM');
    expect(await Promise.all(closes)).toEqual([1001, 1001, 1001]);
    probe.write('Connection: close\r\n\r\n');
    const ready = await answer;
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'error' });
    probe.destroy();

    const { code } = await exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
  });
});

describe('a production-mode process', () => {
  const SECRET = 'guards-production-secret-0123456789-abcdefghij';
  let cluster: Cluster | undefined;
  let instance: Instance;
  const it = itOnCluster(() => cluster);

  beforeAll(async () => {
    cluster = await Cluster.start({
      instances: 1,
      redis: false,
      env: { NODE_ENV: 'production', AUTH_SECRET: SECRET, LOG_LEVEL: 'log' },
    });
    instance = cluster.instances[0];
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('refuses introspection', async () => {
    const result = await instance.request('query Schema { __schema { queryType { name } } }');
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.data).toBeUndefined();
  });

  it('suggests no field names in validation errors, over HTTP and graphql-ws', async () => {
    const account = await registerAccount(asTestApp(instance));
    const result = await instance.request('query Me { mee { id } }', {}, account.token);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    // The one assertion on a message: suggestions would reveal the schema.
    expect(result.errors?.[0].message).not.toMatch(/Did you mean/i);

    const socket = await acknowledgedSocket(instance, account.token);
    const error = new Promise<{ payload: { message: string; extensions: { code: string } }[] }>(
      (resolve) =>
        socket.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string; payload: never };
          if (message.type === 'error') {
            resolve(message);
          }
        }),
    );
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { requestsChange(botId: "x") { type } }' },
      }),
    );
    const { payload } = await error;
    expect(payload.map((entry) => entry.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(payload[0].message).not.toMatch(/Did you mean/i);
    socket.close();
  });

  it('serves no landing page and no IDE', async () => {
    const page = await fetch(instance.url, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expect(page.headers.get('content-type') ?? '').not.toMatch(/html/);
    const asset = await fetch(`http://127.0.0.1:${instance.port}/graphiql/graphiql.min.js`);
    expect(asset.status).toBe(404);
  });

  it('logs JSON lines with no token, password or key the test used', async () => {
    const since = Date.now();
    const app = asTestApp(instance);
    const { bot, admin } = await botWithTeam(app);
    const engineKey = await rotateEngineKey(app, admin, bot);
    const endUser = await startSession(app, bot);
    const request = await openRequest(app, endUser);
    const secretText = 'my card number is 4111 1111 1111 1111';
    await app.ok(
      'mutation Send($id: ID!, $text: String!) { sendUserMessage(requestId: $id, text: $text) { id } }',
      { id: request.id, text: secretText },
      endUser.token,
    );
    const login = await app.ok<{ login: { accessToken: string } }>(
      'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
      { email: admin.email, password: admin.password },
    );
    const wrongPassword = 'not-the-password-at-all';
    expect(
      codes(
        await app.request(
          'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
          { email: admin.email, password: wrongPassword },
        ),
      ),
    ).toEqual(['UNAUTHENTICATED']);
    await app.ok(
      'mutation Reply($id: ID!) { sendBotMessage(requestId: $id, text: "Hello from the bot") { id } }',
      { id: request.id },
      engineKey,
    );
    // A client error on a socket (a frame over WS_MAX_PAYLOAD) is logged like everything else.
    const big = new WebSocket(wsUrl(instance), PROTOCOL);
    await new Promise<void>((resolve) => big.once('open', () => resolve()));
    const bigClosed = closeCodeOf(big);
    big.send('x'.repeat(2 << 20));
    expect(await bigClosed).toBe(1009);

    // Until the operation lines of this test are written.
    const output = (): string => (cluster as Cluster).output(since);
    for (let attempt = 0; attempt < 50 && !output().includes('"Login"'); attempt++) {
      await sleep(100);
    }
    await sleep(200);
    const lines = output()
      .split('\n')
      .map((line) => line.replace(/^\[[^\]]+\] /, ''))
      .filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const operations = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(operations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'Send', type: 'mutation', outcome: 'OK' }),
        expect.objectContaining({ operation: 'Login', outcome: 'UNAUTHENTICATED' }),
      ]),
    );
    const secrets = {
      adminToken: admin.token,
      loginToken: login.login.accessToken,
      endUserToken: endUser.token,
      password: admin.password,
      wrongPassword,
      engineKey,
      authSecret: SECRET,
      messageText: secretText,
    };
    const text = lines.join('\n');
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, logged: text.includes(secret) }).toEqual({ name, logged: false });
    }
  });
});
