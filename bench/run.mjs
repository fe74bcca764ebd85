// `npm run bench`: end-to-end message latency and throughput of Switchboard against a bare
// floor, in one run, on the same PostgreSQL. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import pg from 'pg';
import { HttpClient, connect, inParallel } from './lib/clients.mjs';
import { ServerProcess } from './lib/processes.mjs';
import { renderMarkdown } from './lib/report.mjs';

const env = process.env;
const N = Number(env.BENCH_N ?? 1000);
const RATES = (env.BENCH_RATES ?? '100,200,500,1000,2000,3000').split(',').map(Number);
const STEP_SECONDS = Number(env.BENCH_STEP_SECONDS ?? 10);
const IDLE_SUBSCRIPTIONS = Number(env.BENCH_IDLE_SUBSCRIPTIONS ?? 10_000);
const KNEE_P99_MS = 100;
const SECRET = randomBytes(32).toString('hex');
const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const SEND = `mutation ($id: ID!, $text: String!, $cid: String) {
  sendAgentMessage(liveConversationId: $id, text: $text, clientMessageId: $cid) { seq }
}`;
const EVENTS = `subscription ($requestId: ID!) {
  conversationEvents(requestId: $requestId) { type message { seq author clientMessageId } }
}`;

const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function scratchDatabase() {
  if (!env.DATABASE_URL) {
    throw new Error(
      'Set DATABASE_URL to a PostgreSQL server: the benchmark runs against a real one.',
    );
  }
  const name = `switchboard_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    version,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function startService(databaseUrl) {
  const port = await freePort();
  return ServerProcess.start(
    'service',
    root('dist/src/main.js'),
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: SECRET,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '10',
    },
    { readyAtPort: port },
  );
}

function startFloor(databaseUrl) {
  return ServerProcess.start('floor', root('bench/floor/server.mjs'), {
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: SECRET,
    PORT: '0',
    POOL_SIZE: '10',
  });
}

/** One bot, N agents and N end users, each end user's request under the control of one agent. */
async function setUp(service) {
  const http = new HttpClient(service.url, 16);
  const register = async (label) => {
    const email = `${label}-${randomBytes(6).toString('hex')}@bench.test`;
    const data = await http.ok(
      `mutation ($input: RegisterInput!) { register(input: $input) { accessToken account { id } } }`,
      { input: { email, name: label, password: 'benchmark password' } },
    );
    return { email, token: data.register.accessToken };
  };
  const admin = await register('admin');
  const { createBot: bot } = await http.ok(
    `mutation { createBot(input: { name: "Bench", timeZone: "UTC" }) { id widgetKey } }`,
    {},
    admin.token,
  );
  log(`registering ${N} agents`);
  const agents = await inParallel(Array.from({ length: N }), 4, (_, i) => register(`agent-${i}`));
  await inParallel(agents, 16, (agent) =>
    http.ok(
      `mutation ($bot: ID!, $email: String!) { addBotMember(botId: $bot, email: $email, role: SUPPORT_AGENT) { role } }`,
      { bot: bot.id, email: agent.email },
      admin.token,
    ),
  );
  log(`opening ${N} requests`);
  const endUsers = await inParallel(Array.from({ length: N }), 16, async (_, i) => {
    const { startEndUserSession } = await http.ok(
      `mutation ($key: String!, $id: String) { startEndUserSession(widgetKey: $key, input: { externalId: $id }) { token } }`,
      { key: bot.widgetKey, id: `visitor-${i}` },
    );
    const { openRequest } = await http.ok(
      `mutation { openRequest { id } }`,
      {},
      startEndUserSession.token,
    );
    return { token: startEndUserSession.token, requestId: openRequest.id };
  });
  log('taking control of every request (end users online)');
  const presence = await inParallel(endUsers, 50, (endUser) => connect(service.url, endUser.token));
  const conversations = await inParallel(endUsers, 16, async (endUser, i) => {
    const { takeControl } = await http.ok(
      `mutation ($id: ID!) { takeControl(requestId: $id) { id } }`,
      { id: endUser.requestId },
      agents[i].token,
    );
    return {
      liveConversationId: takeControl.id,
      requestId: endUser.requestId,
      agentToken: agents[i].token,
      endUserToken: endUser.token,
    };
  });
  await Promise.all(presence.map((client) => client.dispose()));
  await http.close();
  return conversations;
}

/**
 * Every end user subscribed to its conversation, and every agent to its own: the receivers.
 * `onMessage` hears what end users receive.
 */
async function attach(server, conversations, onMessage) {
  const endUsers = await inParallel(conversations, 50, async (conversation) => {
    const client = await connect(server.url, conversation.endUserToken);
    client.subscribe(
      { query: EVENTS, variables: { requestId: conversation.requestId } },
      {
        next: (event) => onMessage(conversation, event),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return client;
  });
  const agents = await inParallel(conversations, 50, async (conversation) => {
    const client = await connect(server.url, conversation.agentToken);
    client.subscribe(
      { query: EVENTS, variables: { requestId: conversation.requestId } },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    return client;
  });
  // Let every subscription register before the first message.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return async () => {
    await Promise.all([...endUsers, ...agents].map((client) => client.dispose()));
    await new Promise((resolve) => setTimeout(resolve, 500));
  };
}

/** One step: `rate` messages/s for STEP_SECONDS, open model, latency from the intended send time. */
async function runStep(server, conversations, rate, runId) {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const intended = new Map();
  const received = new Set();
  const lastSeq = new Map();
  const counts = { sent: 0, acknowledged: 0, failed: 0, received: 0, duplicated: 0, outOfOrder: 0 };
  const detach = await attach(server, conversations, (conversation, event) => {
    const message = event.data?.conversationEvents?.message;
    if (!message || message.author !== 'AGENT' || !message.clientMessageId?.startsWith(runId)) {
      return;
    }
    const at = intended.get(message.clientMessageId);
    if (received.has(message.clientMessageId)) {
      counts.duplicated += 1;
      return;
    }
    received.add(message.clientMessageId);
    counts.received += 1;
    histogram.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
    const previous = lastSeq.get(conversation.requestId) ?? 0;
    if (message.seq <= previous) {
      counts.outOfOrder += 1;
    }
    lastSeq.set(conversation.requestId, Math.max(previous, message.seq));
  });
  const http = new HttpClient(server.url, 256);
  await server.resetDelay();
  const cpuBefore = server.cpuSeconds();
  const total = Math.round(rate * STEP_SECONDS);
  const start = performance.now() + 50;
  const sends = [];
  await new Promise((resolve) => {
    let k = 0;
    const tick = () => {
      const now = performance.now();
      while (k < total && start + (k * 1000) / rate <= now) {
        const conversation = conversations[k % conversations.length];
        const cid = `${runId}-${k}`;
        intended.set(cid, start + (k * 1000) / rate);
        counts.sent += 1;
        sends.push(
          http
            .request(
              SEND,
              { id: conversation.liveConversationId, text: `message ${k}`, cid },
              conversation.agentToken,
            )
            .then((body) => (body.errors ? (counts.failed += 1) : (counts.acknowledged += 1)))
            .catch(() => (counts.failed += 1)),
        );
        k += 1;
      }
      if (k < total) {
        setTimeout(tick, 1);
      } else {
        resolve();
      }
    };
    tick();
  });
  await Promise.all(sends);
  const deadline = performance.now() + 5000;
  while (counts.received < counts.acknowledged && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpuSeconds = server.cpuSeconds() - cpuBefore;
  const stats = await server.stats();
  await http.close();
  await detach();
  const ms = (percentile) => histogram.getValueAtPercentile(percentile) / 1000;
  return {
    rate,
    ...counts,
    lost: counts.acknowledged - counts.received,
    latencyMs: {
      p50: ms(50),
      p90: ms(90),
      p99: ms(99),
      p999: ms(99.9),
      max: histogram.maxValue / 1000,
    },
    cpuPercent: (cpuSeconds / elapsed) * 100,
    rssMb: stats.rss / 2 ** 20,
    eventLoopDelayP99Ms: stats.eventLoopDelayMs.p99,
  };
}

const held = (step) => step.lost === 0 && step.failed === 0 && step.latencyMs.p99 <= KNEE_P99_MS;

/** RSS growth per idle subscription: `count` subscriptions over 100 connections, doing nothing. */
async function idleSubscriptions(server, conversations, count) {
  const before = await server.stats({ gc: true });
  const perConnection = Math.ceil(count / 100);
  // Opened at a steady pace, as clients arrive, not as one burst whose transient garbage
  // would stay in the RSS.
  const clients = await inParallel(Array.from({ length: 100 }), 4, async (_, c) => {
    const client = await connect(server.url, conversations[c % conversations.length].agentToken);
    for (let s = 0; s < perConnection; s += 1) {
      const conversation = conversations[(c * perConnection + s) % conversations.length];
      client.subscribe(
        { query: EVENTS, variables: { requestId: conversation.requestId } },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
      if (s % 10 === 9) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return client;
  });
  // Subscribing 10,000 times at once queues their access checks on the database: measure
  // once every subscription is in place and the server is idle again.
  await server.settle();
  const after = await server.stats({ gc: true });
  await Promise.all(clients.map((client) => client.dispose()));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    subscriptions: perConnection * 100,
    rssBeforeMb: before.rss / 2 ** 20,
    rssAfterMb: after.rss / 2 ** 20,
    heapUsedBeforeMb: before.heapUsed / 2 ** 20,
    heapUsedAfterMb: after.heapUsed / 2 ** 20,
    heapTotalAfterMb: after.heapTotal / 2 ** 20,
    kbPerSubscription: (after.rss - before.rss) / 1024 / (perConnection * 100),
  };
}

async function main() {
  const database = await scratchDatabase();
  log(
    `scratch database on PostgreSQL ${database.version}; N=${N}, rates ${RATES.join(', ')}, ${STEP_SECONDS}s per step`,
  );
  let service = await startService(database.url);
  let floor = await startFloor(database.url);
  try {
    const conversations = await setUp(service);
    const steps = [];
    let serviceHolds = true;
    let floorHolds = true;
    for (const [index, rate] of RATES.entries()) {
      if (!serviceHolds && !floorHolds) {
        break;
      }
      const row = { rate };
      // Alternate which runs first, so drift of the machine falls on both alike.
      const order = index % 2 === 0 ? ['service', 'floor'] : ['floor', 'service'];
      for (const name of order) {
        const server = name === 'service' ? service : floor;
        const stillHolding = name === 'service' ? serviceHolds : floorHolds;
        if (!stillHolding) {
          continue;
        }
        log(`${name} at ${rate}/s`);
        const result = await runStep(server, conversations, rate, `${name}${rate}`);
        log(
          `  p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, lost ${result.lost}, failed ${result.failed}, cpu ${result.cpuPercent.toFixed(0)}%`,
        );
        row[name] = result;
        if (!held(result)) {
          if (name === 'service') serviceHolds = false;
          else floorHolds = false;
        }
      }
      steps.push(row);
    }
    log(`idle subscriptions: ${IDLE_SUBSCRIPTIONS}, on freshly started servers`);
    await Promise.all([service.stop(), floor.stop()]);
    service = await startService(database.url);
    floor = await startFloor(database.url);
    await Promise.all([service.settle(), floor.settle()]);
    const idle = {
      service: await idleSubscriptions(service, conversations, IDLE_SUBSCRIPTIONS),
      floor: await idleSubscriptions(floor, conversations, IDLE_SUBSCRIPTIONS),
    };
    const knee = (name) => {
      let last = null;
      for (const row of steps) {
        if (!row[name] || !held(row[name])) break;
        last = row.rate;
      }
      return last;
    };
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: database.version,
        platform: `${os.type()} ${os.release()}`,
      },
      parameters: {
        liveConversations: N,
        stepSeconds: STEP_SECONDS,
        rates: RATES,
        kneeP99Ms: KNEE_P99_MS,
      },
      steps,
      knee: { service: knee('service'), floor: knee('floor') },
      idle,
    };
    mkdirSync(root('bench/results'), { recursive: true });
    writeFileSync(root('bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(root('bench/RESULTS.md'), renderMarkdown(report));
    log('wrote bench/RESULTS.md and bench/results/latest.json');
  } finally {
    await Promise.allSettled([service.stop(), floor.stop()]);
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
