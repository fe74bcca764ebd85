import { randomInt } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { createClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { Topics } from '../src/common/pubsub/topics';
import { serverDatabase } from './support/server-database';
import { Subscription, waitForSubscribers } from './support/subscriptions';
import { GraphQLResult, TestApp } from './support/test-app';
import {
  botWithTeam,
  codes,
  openRequest,
  registerAccount,
  TestBot,
  TestEndUser,
} from './support/factories';

// ------------------------------------------------------------------ helpers

const PROTOCOL = 'graphql-transport-ws';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const origin = (app: TestApp): string => new URL(app.url).origin;
const wsUrl = (app: TestApp): string => app.url.replace(/^http/, 'ws');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface RawResponse {
  status: number;
  headers: Headers;
  body: GraphQLResult;
  ms: number;
}

/** A POST /graphql with exactly this body and these headers. */
async function post(
  app: TestApp,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<RawResponse> {
  const started = Date.now();
  const response = await fetch(app.url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: GraphQLResult = {};
  try {
    parsed = JSON.parse(text) as GraphQLResult;
  } catch {
    // Not JSON (a body-parser refusal): the status says enough.
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed,
    ms: Date.now() - started,
  };
}

/** A visitor from its own (forwarded) address, so the per-address session limit is not shared. */
function randomAddress(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

async function session(
  app: TestApp,
  bot: TestBot,
  headers: Record<string, string> = { 'x-forwarded-for': randomAddress() },
): Promise<GraphQLResult<{ startEndUserSession: { token: string; endUser: { id: string } } }>> {
  return app.request(
    `mutation Session($key: String!) {
       startEndUserSession(widgetKey: $key) { token endUser { id } }
     }`,
    { key: bot.widgetKey },
    undefined,
    headers,
  );
}

async function visitor(app: TestApp, bot: TestBot): Promise<TestEndUser> {
  const result = await session(app, bot);
  if (!result.data) {
    throw new Error(`startEndUserSession failed: ${JSON.stringify(result.errors)}`);
  }
  const { token, endUser } = result.data.startEndUserSession;
  return { id: endUser.id, token, locale: 'en', language: 'EN' };
}

const SEND = `mutation Send($requestId: ID!, $text: String!) {
  sendUserMessage(requestId: $requestId, text: $text) { id seq }
}`;

async function send(app: TestApp, endUser: TestEndUser, requestId: string, text = 'hello') {
  return app.request<{ sendUserMessage: { id: string; seq: number } }>(
    SEND,
    { requestId, text },
    endUser.token,
  );
}

async function endUserMessages(app: TestApp, agentToken: string, requestId: string) {
  const data = await app.ok<{ request: { messages: { author: string }[] } }>(
    'query ($id: ID!) { request(id: $id) { messages(first: 500) { author } } }',
    { id: requestId },
    agentToken,
  );
  return data.request.messages.filter((message) => message.author === 'END_USER').length;
}

/** `liveConversation { request { liveConversation ... { id } } }`, `depth` fields deep. */
function deepSelection(depth: number): string {
  let selection = 'id';
  for (let level = depth; level >= 1; level--) {
    selection = `${level % 2 === 1 ? 'liveConversation' : 'request'} { ${selection} }`;
  }
  return selection;
}

function manyAliases(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, index) => `a${index}: supportStatus(botId: $botId) { state }`,
  );
  return `query Many($botId: ID!) { ${fields.join(' ')} }`;
}

/** `{ me { id id id ... } }`: many tokens, no depth, no alias. */
function manyTokens(count: number): string {
  return `query Long { me { ${Array.from({ length: count }, () => 'id').join(' ')} } }`;
}

/** One error naming the limit, BAD_USER_INPUT, HTTP 400, no data. */
function expectRefusedBy(response: RawResponse, limit: string): void {
  expect(response.status).toBe(400);
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit });
  expect(response.body.data ?? undefined).toBeUndefined();
}

/** A raw graphql-ws socket (the `ws` package), optionally with a browser's Origin header. */
function rawSocket(app: TestApp, headers: Record<string, string> = {}): WebSocket {
  return new WebSocket(wsUrl(app), PROTOCOL, { headers });
}

function closeOf(socket: WebSocket): Promise<{ code: number; at: number }> {
  return new Promise((resolve) =>
    socket.once('close', (code) => resolve({ code, at: Date.now() })),
  );
}

function opened(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
}

/** The first message of `type` on a raw socket. */
function nextMessage(socket: WebSocket, type: string): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    const listener = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Record<string, any>;
      if (message.type === type) {
        socket.off('message', listener);
        resolve(message);
      }
    };
    socket.on('message', listener);
  });
}

/** A graphql-ws client whose WebSocket sends `Origin: origin`, as a browser page would. */
function browserWs(app: TestApp, pageOrigin: string, token: string): Client {
  class BrowserSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { origin: pageOrigin });
    }
  }
  return createClient({
    url: wsUrl(app),
    webSocketImpl: BrowserSocket,
    connectionParams: bearer(token),
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
  });
}

/** How a graphql-ws client's connection ends: 'connected', or the close code. */
function outcomeOf(client: Client): Promise<'connected' | number> {
  return new Promise((resolve) => {
    client.on('connected', () => resolve('connected'));
    client.on('closed', (event) => resolve((event as { code: number }).code));
  });
}

/** The first result of a one-off subscription operation: its data or its errors. */
function firstResult(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }> {
  return new Promise((resolve) => {
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          dispose();
          resolve(value as { data?: unknown });
        },
        error: (error) => resolve({ errors: Array.isArray(error) ? error : [error] }),
        complete: () => undefined,
      },
    );
  });
}

/** One sample of a metric from the Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] === name) {
      const present = (match[2] ?? '').split(',').filter(Boolean);
      if (wanted.every((label) => present.includes(label))) {
        return Number(match[3]);
      }
    }
  }
  return 0;
}

async function metricsText(app: TestApp): Promise<string> {
  const response = await fetch(`${origin(app)}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

const CONVERSATION = `subscription Conversation($requestId: ID!) {
  conversationEvents(requestId: $requestId) { type message { seq text } }
}`;

// ------------------------------------------------------------------ a PostgreSQL server database

let scratch: Promise<{ url: string; drop: () => Promise<void> }> | undefined;

/**
 * A database of this suite's own on the PostgreSQL server (the one of DATABASE_URL, else the
 * machine's, through the scratch-database helper), dropped at the end: terminating "every
 * connection of the service" there cannot reach another suite's connections.
 */
function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  scratch ??= (async () => {
    const configured = process.env.DATABASE_URL;
    if (!configured) {
      return serverDatabase();
    }
    // The helper makes a scratch database only without DATABASE_URL: on DATABASE_URL's server.
    const url = new URL(configured);
    const names = ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER'] as const;
    const saved = names.map((name) => process.env[name]);
    try {
      delete process.env.DATABASE_URL;
      process.env.PGHOST = url.hostname;
      process.env.PGPORT = url.port || '5432';
      process.env.PGUSER = decodeURIComponent(url.username) || 'postgres';
      return await serverDatabase();
    } finally {
      names.forEach((name, index) => {
        if (saved[index] === undefined) {
          delete process.env[name];
        } else {
          process.env[name] = saved[index];
        }
      });
    }
  })();
  return scratch;
}

afterAll(async () => {
  await (await scratch)?.drop();
});

// ------------------------------------------------------------------ the real limits

/**
 * The guards with their real values (and the defaults of the rest), except a small body limit,
 * a short init timeout and a small backlog, to keep the tests quick. Every session comes from its own forwarded
 * address, since RATE_LIMIT_SESSIONS counts per client address.
 */
describe('guards at their real limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({
      env: {
        RATE_LIMIT_MESSAGES: '30/10s',
        RATE_LIMIT_REQUESTS: '10/60s',
        RATE_LIMIT_LOGIN: '10/900s',
        RATE_LIMIT_SESSIONS: '3/60s',
        TRUST_PROXY: 'true',
        HTTP_MAX_BODY: '64kb',
        WS_INIT_TIMEOUT: '500ms',
        WS_MAX_BACKLOG: '64kb',
      },
    });
  });
  afterAll(() => app.close());

  describe('GraphQL document limits', () => {
    it('refuses a 30-deep query before executing it', async () => {
      const response = await post(app, {
        query: `query Deep($id: ID!) { request(id: $id) { ${deepSelection(29)} } }`,
        variables: { id: '00000000-0000-4000-8000-000000000000' },
      });
      expectRefusedBy(response, 'depth');
      expect(response.ms).toBeLessThan(2_000);
    });

    it('executes nothing of a too-deep mutation document', async () => {
      const { bot } = await botWithTeam(app);
      const endUser = await visitor(app, bot);
      const request = await openRequest(app, endUser);
      const response = await post(
        app,
        {
          query: `mutation Close($id: ID!) { closeRequest(requestId: $id) { ${deepSelection(29)} } }`,
          variables: { id: request.id },
        },
        { 'content-type': 'application/json', ...bearer(endUser.token) },
      );
      expectRefusedBy(response, 'depth');
      const after = await app.ok<{ request: { status: string } }>(
        'query ($id: ID!) { request(id: $id) { status } }',
        { id: request.id },
        endUser.token,
      );
      expect(after.request.status).toBe('OPEN');
    });

    it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
      const { bot, admin } = await botWithTeam(app);
      const headers = { 'content-type': 'application/json', ...bearer(admin.token) };
      const within = await post(
        app,
        { query: manyAliases(30), variables: { botId: bot.id } },
        headers,
      );
      expect(within.status).toBe(200);
      expect(Object.keys(within.body.data ?? {})).toHaveLength(30);
      const over = await post(
        app,
        { query: manyAliases(31), variables: { botId: bot.id } },
        headers,
      );
      expectRefusedBy(over, 'aliases');
    });

    it('refuses 1,000 aliases fast, by the token limit that comes first at the defaults', async () => {
      const { bot, admin } = await botWithTeam(app);
      const response = await post(
        app,
        { query: manyAliases(1_000), variables: { botId: bot.id } },
        { 'content-type': 'application/json', ...bearer(admin.token) },
      );
      expectRefusedBy(response, 'tokens');
      expect(response.ms).toBeLessThan(2_000);
    });

    it('refuses a document over GRAPHQL_MAX_TOKENS, over POST and GET', async () => {
      const account = await registerAccount(app);
      const headers = { 'content-type': 'application/json', ...bearer(account.token) };
      const ordinary = await post(app, { query: manyTokens(500) }, headers);
      expect(ordinary.body).toEqual({ data: { me: { id: account.id } } });
      // 2,997 tokens: not the token limit's to refuse (graphql-js's own validation may, for
      // 2,990 copies of one field).
      const atTheLimit = await post(app, { query: manyTokens(2_990) }, headers);
      expect(atTheLimit.body.errors?.[0]?.extensions.limit).toBeUndefined();
      expectRefusedBy(await post(app, { query: manyTokens(3_000) }), 'tokens');
      const viaGet = await fetch(`${app.url}?query=${encodeURIComponent(manyTokens(3_000))}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(viaGet.status).toBe(400);
      const body = (await viaGet.json()) as GraphQLResult;
      expect(body.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'tokens',
      });
    });

    it('applies the same limits to graphql-ws subscriptions', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await visitor(app, bot);
      const request = await openRequest(app, endUser);
      const client = await app.connectedWs(bearer(agent.token));
      const deep = await firstResult(
        client,
        `subscription ($id: ID!) { conversationEvents(requestId: $id) { ${deepSelection(29)} } }`,
        { id: request.id },
      );
      expect(deep.errors).toHaveLength(1);
      expect(deep.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });

      const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: requestId`).join(' ');
      const many = await firstResult(
        client,
        `subscription ($id: ID!) { conversationEvents(requestId: $id) { ${aliases} } }`,
        { id: request.id },
      );
      expect(many.errors).toHaveLength(1);
      expect(many.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'aliases',
      });

      const ids = Array.from({ length: 3_000 }, () => 'requestId').join(' ');
      const long = await firstResult(
        client,
        `subscription ($id: ID!) { conversationEvents(requestId: $id) { ${ids} } }`,
        { id: request.id },
      );
      expect(long.errors).toHaveLength(1);
      expect(long.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        limit: 'tokens',
      });

      // The connection stays usable.
      const subscription = new Subscription(client, CONVERSATION, { requestId: request.id });
      await waitForSubscribers(app, Topics.conversation(request.id));
      const sent = await send(app, endUser, request.id, 'within the limits');
      expect((await subscription.next()).data?.conversationEvents.message).toEqual({
        seq: sent.data?.sendUserMessage.seq,
        text: 'within the limits',
      });
      subscription.dispose();
    });

    it('lets a realistic agent-console subscription through', async () => {
      const { bot, agent } = await botWithTeam(app);
      const client = await app.connectedWs(bearer(agent.token));
      const changes = new Subscription(
        client,
        `subscription Console($botId: ID!) {
           requestsChanged(botId: $botId) {
             type
             request {
               id status controlMode awaitingHuman banner lastSeq lastActivityAt
               supportStatusAtCreation
               endUser { id displayName externalId locale language online lastSeenAt }
               liveConversation {
                 id status startedAt
                 agent { id name email }
                 operator { displayName avatarUrl }
               }
               bot { id name supportStatus { state reason changesAt } }
               messages(first: 20) {
                 id seq author text notice createdAt clientMessageId
                 operator { displayName avatarUrl }
               }
             }
           }
         }`,
        { botId: bot.id },
      );
      await waitForSubscribers(app, Topics.requests(bot.id));
      const request = await openRequest(app, await visitor(app, bot));
      const event = await changes.next();
      expect(event.errors).toBeUndefined();
      expect(event.data?.requestsChanged).toMatchObject({
        type: 'OPENED',
        request: { id: request.id, status: 'OPEN', bot: { id: bot.id } },
      });
      changes.dispose();
    });
  });

  describe('HTTP request guards', () => {
    it('marks every GraphQL answer, refusals included, as not to be stored by any cache', async () => {
      const answered = await fetch(`${app.url}?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(answered.status).toBe(200);
      expect(answered.headers.get('cache-control')).toBe('no-store');
      const refused = await post(app, { query: '{ me { id } }' });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(refused.headers.get('cache-control')).toBe('no-store');
    });

    it('refuses a batched request (JSON array body)', async () => {
      const response = await post(app, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
      expect(response.status).toBe(400);
    });

    it('refuses a POST that is not JSON (CSRF prevention)', async () => {
      const response = await post(app, JSON.stringify({ query: '{ __typename }' }), {
        'content-type': 'text/plain',
      });
      expect(response.status).toBe(400);
    });

    it('refuses a mutation over GET, which then changes nothing', async () => {
      const { bot, admin } = await botWithTeam(app);
      const mutation = `mutation { updateBot(id: "${bot.id}", input: { name: "Renamed" }) { name } }`;
      const url = `${app.url}?query=${encodeURIComponent(mutation)}`;
      const simple = await fetch(url, { headers: bearer(admin.token) });
      expect(simple.status).toBe(400);
      const preflighted = await fetch(url, {
        headers: { ...bearer(admin.token), 'apollo-require-preflight': 'true' },
      });
      // Past CSRF prevention (a preflighted header), Apollo's own refusal: 405, POST only.
      expect(preflighted.status).toBe(405);
      expect(preflighted.headers.get('allow')).toBe('POST');
      const after = await app.ok<{ bot: { name: string } }>(
        'query ($id: ID!) { bot(id: $id) { name } }',
        { id: bot.id },
        admin.token,
      );
      expect(after.bot.name).toBe(bot.name);
    });

    it('reads only JSON bodies: a form-encoded mutation, even preflighted, is refused and changes nothing', async () => {
      const { bot, admin } = await botWithTeam(app);
      const mutation = `mutation { updateBot(id: "${bot.id}", input: { name: "Renamed" }) { name } }`;
      const response = await post(app, new URLSearchParams({ query: mutation }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        'apollo-require-preflight': 'true',
        ...bearer(admin.token),
      });
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const after = await app.ok<{ bot: { name: string } }>(
        'query ($id: ID!) { bot(id: $id) { name } }',
        { id: bot.id },
        admin.token,
      );
      expect(after.bot.name).toBe(bot.name);
    });

    it('answers 413 to a body over HTTP_MAX_BODY', async () => {
      const account = await registerAccount(app);
      const padding = 'x'.repeat(70 * 1024);
      const response = await post(
        app,
        { query: '{ me { id } }', variables: { padding } },
        { 'content-type': 'application/json', ...bearer(account.token) },
      );
      expect(response.status).toBe(413);
      const small = await post(
        app,
        { query: '{ me { id } }', variables: { padding: 'x'.repeat(60 * 1024) } },
        { 'content-type': 'application/json', ...bearer(account.token) },
      );
      expect(small.status).toBe(200);
    });
  });

  describe('graphql-ws socket guards', () => {
    it('closes a connection that sends a 2 MB frame with 1009', async () => {
      const socket = rawSocket(app);
      await opened(socket);
      const closed = closeOf(socket);
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(2 << 20) } }),
      );
      expect((await closed).code).toBe(1009);
    });

    it('closes a connection without connection_init within WS_INIT_TIMEOUT (4408)', async () => {
      const socket = rawSocket(app);
      await opened(socket);
      const openedAt = Date.now();
      const { code, at } = await closeOf(socket);
      expect(code).toBe(4408);
      expect(at - openedAt).toBeGreaterThanOrEqual(400);
      expect(at - openedAt).toBeLessThan(2_000);
    });

    it('refuses the 101st operation on one connection with RATE_LIMITED; the 100 others go on', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await visitor(app, bot);
      const request = await openRequest(app, endUser);
      const client = await app.connectedWs(bearer(agent.token));
      const subscriptions = Array.from(
        { length: 100 },
        () => new Subscription(client, CONVERSATION, { requestId: request.id }),
      );
      await waitForSubscribers(app, Topics.conversation(request.id), 100);
      const before = sample(await metricsText(app), 'switchboard_rate_limited_total', {
        limit: 'wsOperations',
      });
      const refused = await firstResult(client, CONVERSATION, { requestId: request.id });
      expect(refused.errors).toHaveLength(1);
      expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
      expect(refused.errors?.[0].extensions?.retryAfter).toBeGreaterThanOrEqual(1);

      const sent = await send(app, endUser, request.id, 'still there?');
      expect(sent.errors).toBeUndefined();
      for (const subscription of subscriptions) {
        const event = await subscription.next();
        expect(event.data?.conversationEvents.message.seq).toBe(sent.data?.sendUserMessage.seq);
      }
      const after = sample(await metricsText(app), 'switchboard_rate_limited_total', {
        limit: 'wsOperations',
      });
      expect(after - before).toBe(1);
      subscriptions.forEach((subscription) => subscription.dispose());
    });

    it('serves 50 subscriptions on one connection', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await visitor(app, bot);
      const request = await openRequest(app, endUser);
      const client = await app.connectedWs(bearer(agent.token));
      const subscriptions = Array.from(
        { length: 50 },
        () => new Subscription(client, CONVERSATION, { requestId: request.id }),
      );
      await waitForSubscribers(app, Topics.conversation(request.id), 50);
      const sent = await send(app, endUser, request.id, 'fifty listeners');
      for (const subscription of subscriptions) {
        const event = await subscription.next();
        expect(event.errors).toBeUndefined();
        expect(event.data?.conversationEvents.message).toEqual({
          seq: sent.data?.sendUserMessage.seq,
          text: 'fifty listeners',
        });
      }
      subscriptions.forEach((subscription) => subscription.dispose());
    });
  });

  describe('rate limits', () => {
    it('refuses sends past RATE_LIMIT_MESSAGES per end user, with retryAfter, storing at most 30', async () => {
      const { bot, agent } = await botWithTeam(app);
      const [busy, calm] = [await visitor(app, bot), await visitor(app, bot)];
      const [busyRequest, calmRequest] = [
        await openRequest(app, busy),
        await openRequest(app, calm),
      ];
      const before = await metricsText(app);

      const results = await Promise.all(
        Array.from({ length: 100 }, (_, index) => send(app, busy, busyRequest.id, `m${index}`)),
      );
      const accepted = results.filter((result) => !result.errors);
      const refused = results.filter((result) => result.errors);
      expect(accepted.length).toBeLessThanOrEqual(30);
      expect(accepted.length).toBeGreaterThan(0);
      expect(refused.length).toBe(100 - accepted.length);
      for (const result of refused) {
        expect(codes(result)).toEqual(['RATE_LIMITED']);
        const retryAfter = result.errors?.[0].extensions.retryAfter;
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(10);
        expect(result.data ?? null).toBeNull();
      }
      expect(await endUserMessages(app, agent.token, busyRequest.id)).toBe(accepted.length);

      // Another end user of the same bot is not affected.
      const other = await send(app, calm, calmRequest.id, 'my own turn');
      expect(other.errors).toBeUndefined();

      const after = await metricsText(app);
      const limited = 'switchboard_rate_limited_total';
      expect(
        sample(after, limited, { limit: 'messages' }) -
          sample(before, limited, { limit: 'messages' }),
      ).toBe(refused.length);
      const operations = 'switchboard_graphql_operations_total';
      const send429 = { operation: 'Send', type: 'mutation', outcome: 'RATE_LIMITED' };
      const sendOk = { operation: 'Send', type: 'mutation', outcome: 'OK' };
      expect(sample(after, operations, send429) - sample(before, operations, send429)).toBe(
        refused.length,
      );
      expect(sample(after, operations, sendOk) - sample(before, operations, sendOk)).toBe(
        accepted.length + 1,
      );
    });

    it('refuses openRequest past RATE_LIMIT_REQUESTS per end user', async () => {
      const { bot } = await botWithTeam(app);
      const [busy, calm] = [await visitor(app, bot), await visitor(app, bot)];
      const open = (endUser: TestEndUser) =>
        app.request('mutation Open { openRequest { id } }', {}, endUser.token);
      const first = [];
      for (let index = 0; index < 10; index++) {
        first.push(await open(busy));
      }
      expect(first.filter((result) => codes(result).includes('RATE_LIMITED'))).toHaveLength(0);
      const eleventh = await open(busy);
      expect(codes(eleventh)).toEqual(['RATE_LIMITED']);
      expect(eleventh.errors?.[0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(codes(await open(calm))).toEqual([]);
    });

    it('refuses login for an email after 10 failed attempts, the right password included', async () => {
      const [target, bystander] = [await registerAccount(app), await registerAccount(app)];
      const login = (email: string, password: string) =>
        app.request(
          'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
          { email, password },
        );
      for (let attempt = 0; attempt < 10; attempt++) {
        expect(codes(await login(target.email, 'wrong password!'))).toEqual(['UNAUTHENTICATED']);
      }
      const eleventh = await login(target.email, 'wrong password!');
      expect(codes(eleventh)).toEqual(['RATE_LIMITED']);
      const right = await login(target.email, target.password);
      expect(codes(right)).toEqual(['RATE_LIMITED']);
      expect(right.errors?.[0].extensions.retryAfter).toBeGreaterThan(800);
      // Case and spaces do not make another email.
      expect(codes(await login(` ${target.email.toUpperCase()} `, target.password))).toEqual([
        'RATE_LIMITED',
      ]);
      const other = await login(bystander.email, bystander.password);
      expect(codes(other)).toEqual([]);
      expect(other.data?.login.accessToken).toEqual(expect.any(String));
    });

    it('counts startEndUserSession per forwarded client address', async () => {
      const { bot } = await botWithTeam(app);
      const first = { 'x-forwarded-for': '203.0.113.7' };
      const second = { 'x-forwarded-for': '203.0.113.8, 10.0.0.1' };
      for (let index = 0; index < 3; index++) {
        expect(codes(await session(app, bot, first))).toEqual([]);
      }
      const fourth = await session(app, bot, first);
      expect(codes(fourth)).toEqual(['RATE_LIMITED']);
      expect(fourth.errors?.[0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(codes(await session(app, bot, second))).toEqual([]);
    });
  });

  describe('origins', () => {
    it('answers a preflight from any origin by default', async () => {
      const response = await fetch(app.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://any-shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it("restricts a bot's widget key to its allowedOrigins", async () => {
      const { bot, admin } = await botWithTeam(app);
      const update = (allowedOrigins: unknown) =>
        app.request<{ updateBot: { allowedOrigins: string[] } }>(
          'mutation ($id: ID!, $input: UpdateBotInput!) { updateBot(id: $id, input: $input) { allowedOrigins } }',
          { id: bot.id, input: { allowedOrigins } },
          admin.token,
        );
      const readBack = async () =>
        (
          await app.ok<{ bot: { allowedOrigins: string[] } }>(
            'query ($id: ID!) { bot(id: $id) { allowedOrigins } }',
            { id: bot.id },
            admin.token,
          )
        ).bot.allowedOrigins;

      expect(await readBack()).toEqual([]);
      const saved = await update(['https://shop.example', 'http://localhost:8080']);
      expect(codes(saved)).toEqual([]);
      expect(await readBack()).toEqual(['https://shop.example', 'http://localhost:8080']);

      const withPath = await update(['https://a.example/path']);
      expect(codes(withPath)).toEqual(['BAD_USER_INPUT']);
      const tooMany = await update(
        Array.from({ length: 51 }, (_, index) => `https://shop${index}.example`),
      );
      expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
      expect(await readBack()).toEqual(['https://shop.example', 'http://localhost:8080']);

      const outside = await session(app, bot, {
        'x-forwarded-for': randomAddress(),
        origin: 'https://evil.example',
      });
      expect(codes(outside)).toEqual(['FORBIDDEN']);
      const inside = await session(app, bot, {
        'x-forwarded-for': randomAddress(),
        origin: 'https://shop.example',
      });
      expect(codes(inside)).toEqual([]);
      const script = await session(app, bot);
      expect(codes(script)).toEqual([]);

      const token = inside.data?.startEndUserSession.token as string;
      expect(await outcomeOf(browserWs(app, 'https://evil.example', token))).toBe(4403);
      const allowed = browserWs(app, 'https://shop.example', token);
      expect(await outcomeOf(allowed)).toBe('connected');
      await allowed.dispose();
      const server = await app.connectedWs(bearer(token));
      await server.dispose();
    });
  });

  describe('health and metrics', () => {
    it('answers liveness and readiness', async () => {
      const live = await fetch(`${origin(app)}/health/live`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${origin(app)}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' } },
      });
    });
  });

  // Last: it moves this app's clock past every token issued so far.
  describe('long-lived connections', () => {
    it('closes a client that stopped reading with 1013; another connection is unaffected', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await visitor(app, bot);
      const request = await openRequest(app, endUser);

      const healthy = await app.connectedWs(bearer(agent.token));
      const watching = new Subscription(healthy, CONVERSATION, { requestId: request.id });

      // The slow reader asks for a lot per event: 20 subscriptions, each with the text 25 times.
      const slow = rawSocket(app);
      await opened(slow);
      const ack = nextMessage(slow, 'connection_ack');
      slow.send(JSON.stringify({ type: 'connection_init', payload: bearer(agent.token) }));
      await ack;
      const texts = Array.from({ length: 25 }, (_, index) => `t${index}: message { text }`);
      for (let id = 1; id <= 20; id++) {
        slow.send(
          JSON.stringify({
            id: String(id),
            type: 'subscribe',
            payload: {
              query: `subscription ($id: ID!) { conversationEvents(requestId: $id) { ${texts.join(' ')} } }`,
              variables: { id: request.id },
            },
          }),
        );
      }
      await waitForSubscribers(app, Topics.conversation(request.id), 21);
      const closed = closeOf(slow);
      (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

      const text = 'x'.repeat(4_000);
      const count = 12;
      for (let index = 0; index < count; index++) {
        expect(codes(await send(app, endUser, request.id, text))).toEqual([]);
      }
      for (let index = 0; index < count; index++) {
        expect((await watching.next()).data?.conversationEvents.message.text).toBe(text);
      }
      (slow as unknown as { _socket: { resume(): void } })._socket.resume();
      expect((await closed).code).toBe(1013);

      // The healthy connection still works.
      const last = await send(app, endUser, request.id, 'after');
      expect((await watching.next()).data?.conversationEvents.message.seq).toBe(
        last.data?.sendUserMessage.seq,
      );
      watching.dispose();
    });

    it('closes a connection with 4403 when its token expires', async () => {
      const account = await registerAccount(app);
      const client = app.ws(bearer(account.token));
      const outcome = outcomeOf(client);
      expect(await outcome).toBe('connected');
      const closed = new Promise<number>((resolve) =>
        client.on('closed', (event) => resolve((event as { code: number }).code)),
      );
      let code: number | undefined;
      void closed.then((value) => (code = value));
      app.clock.advance(59 * 60_000);
      await sleep(200);
      expect(code).toBeUndefined();
      app.clock.advance(61_000);
      expect(await closed).toBe(4403);
    });
  });
});

// ------------------------------------------------------------------ narrowed origins, few operations

describe('guards narrowed by the operator', () => {
  let app: TestApp;

  beforeAll(async () => {
    // On a server database (booting another embedded one is slow); DATABASE_URL's when set.
    app = await TestApp.start({
      databaseUrl: process.env.DATABASE_URL || (await scratchDatabase()).url,
      env: {
        CORS_ORIGINS: 'https://a.example',
        WS_MAX_OPERATIONS: '5',
        RATE_LIMIT_MESSAGES: '5/2s',
        GRAPHQL_MAX_TOKENS: '100000',
      },
    });
  });
  afterAll(() => app.close());

  it('refuses 1,000 aliases fast by the alias limit when the token limit allows them', async () => {
    const { bot, admin } = await botWithTeam(app);
    const response = await post(
      app,
      { query: manyAliases(1_000), variables: { botId: bot.id } },
      { 'content-type': 'application/json', ...bearer(admin.token) },
    );
    expectRefusedBy(response, 'aliases');
    expect(response.ms).toBeLessThan(2_000);
  });

  it('answers CORS only for the listed origins', async () => {
    const preflight = (from: string) =>
      fetch(app.url, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const listed = await preflight('https://a.example');
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const other = await preflight('https://b.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a browser upgrade from an unlisted origin with 403 before the handshake, not from its own', async () => {
    const account = await registerAccount(app);
    const socket = rawSocket(app, { origin: 'https://b.example' });
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      socket.once('open', () => resolve(undefined));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(403);
    socket.terminate();

    // Listed, the service's own origin (its agent console), and no Origin (not a browser).
    const own = { origin: origin(app) };
    for (const headers of [{ origin: 'https://a.example' }, own, {}] as Record<string, string>[]) {
      const allowed = rawSocket(app, headers);
      await opened(allowed);
      const ack = nextMessage(allowed, 'connection_ack');
      allowed.send(JSON.stringify({ type: 'connection_init', payload: bearer(account.token) }));
      await ack;
      allowed.close();
    }
  });

  it('refuses the operation past WS_MAX_OPERATIONS and keeps the connection', async () => {
    const { bot, agent } = await botWithTeam(app);
    const endUser = await visitor(app, bot);
    const request = await openRequest(app, endUser);
    const client = await app.connectedWs(bearer(agent.token));
    const subscriptions = Array.from(
      { length: 5 },
      () => new Subscription(client, CONVERSATION, { requestId: request.id }),
    );
    await waitForSubscribers(app, Topics.conversation(request.id), 5);
    const refused = await firstResult(client, CONVERSATION, { requestId: request.id });
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
    const sent = await send(app, endUser, request.id);
    for (const subscription of subscriptions) {
      expect((await subscription.next()).data?.conversationEvents.message.seq).toBe(
        sent.data?.sendUserMessage.seq,
      );
    }
    // A slot freed is a slot usable again.
    subscriptions[0].dispose();
    await sleep(200);
    const again = new Subscription(client, CONVERSATION, { requestId: request.id });
    await waitForSubscribers(app, Topics.conversation(request.id), 5);
    const next = await send(app, endUser, request.id, 'again');
    expect((await again.next()).data?.conversationEvents.message.seq).toBe(
      next.data?.sendUserMessage.seq,
    );
    [again, ...subscriptions].forEach((subscription) => subscription.dispose());
  });

  it('accepts sends again once the window has passed', async () => {
    const { bot } = await botWithTeam(app);
    const endUser = await visitor(app, bot);
    const request = await openRequest(app, endUser);
    for (let index = 0; index < 5; index++) {
      expect(codes(await send(app, endUser, request.id))).toEqual([]);
    }
    const refused = await send(app, endUser, request.id);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    const retryAfter = refused.errors?.[0].extensions.retryAfter as number;
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    await sleep(retryAfter * 1_000);
    expect(codes(await send(app, endUser, request.id))).toEqual([]);
  });
});

// ------------------------------------------------------------------ database faults

/** Needs a PostgreSQL server: the suite's own database on it. */
describe('database faults', () => {
  let app: TestApp;
  let database: { url: string };
  let admin: PgClient;

  beforeAll(async () => {
    database = await scratchDatabase();
    app = await TestApp.start({
      databaseUrl: database.url,
      env: { DATABASE_LOCK_TIMEOUT: '1s', DATABASE_POOL_SIZE: '4' },
    });
    admin = new PgClient({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await app?.close();
  });

  it('replaces connections terminated under it and keeps answering', async () => {
    const { bot, agent } = await botWithTeam(app);
    const endUser = await visitor(app, bot);
    const request = await openRequest(app, endUser);
    const query = () =>
      app.request<{ request: { id: string } }>(
        'query ($id: ID!) { request(id: $id) { id } }',
        { id: request.id },
        agent.token,
      );

    for (let round = 0; round < 3; round++) {
      const terminated = await admin.query<{ pg_terminate_backend: boolean }>(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'switchboard' AND datname = current_database()`,
      );
      expect(terminated.rows.length).toBeGreaterThan(0);
      // A call may meet a terminated connection before the pool has heard of its end: at most
      // one such failure per connection terminated, and then every call is answered.
      const outcomes: boolean[] = [];
      for (let call = 0; call < terminated.rows.length + 3; call++) {
        const result = await query();
        if (codes(result).includes('SERVICE_UNAVAILABLE')) {
          outcomes.push(false);
          expect(result.errors?.[0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
          continue;
        }
        outcomes.push(true);
        expect(codes(result)).toEqual([]);
        expect(result.data?.request.id).toBe(request.id);
      }
      expect(outcomes.filter((ok) => !ok).length).toBeLessThanOrEqual(terminated.rows.length);
      expect(outcomes.slice(-3)).toEqual([true, true, true]);
      const sent = await send(app, endUser, request.id, `after termination ${round}`);
      expect(codes(sent)).toEqual([]);
    }
    expect((await fetch(`${origin(app)}/health/ready`)).status).toBe(200);
  });

  it('answers SERVICE_UNAVAILABLE within DATABASE_LOCK_TIMEOUT while a row lock is held', async () => {
    const { bot, agent } = await botWithTeam(app);
    const endUser = await visitor(app, bot);
    const request = await openRequest(app, endUser);
    const holder = new PgClient({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM user_requests WHERE id = $1 FOR UPDATE', [request.id]);

      const started = Date.now();
      const pending = send(app, endUser, request.id, 'blocked');
      const live = await fetch(`${origin(app)}/health/live`);
      expect(live.status).toBe(200);
      const blocked = await pending;
      const elapsed = Date.now() - started;
      expect(codes(blocked)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(blocked.errors?.[0].extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(3_000);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    // Nothing was stored, and the request works again.
    expect(await endUserMessages(app, agent.token, request.id)).toBe(0);
    expect(codes(await send(app, endUser, request.id, 'unblocked'))).toEqual([]);
    expect(await endUserMessages(app, agent.token, request.id)).toBe(1);
  });
});
