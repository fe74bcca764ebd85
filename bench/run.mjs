// `npm run bench`: end-to-end message latency and throughput of Switchboard against a bare
// floor, and of two Switchboard instances sharing one PostgreSQL and one Redis, in one run, on
// the same PostgreSQL. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import pg from 'pg';
import { HttpClient, connect, inParallel } from './lib/clients.mjs';
import { embeddedRun } from './lib/embedded.mjs';
import { BackendCpu, RedisProcess, ServerProcess, machineCpuSeconds } from './lib/processes.mjs';
import { renderConsole, renderMarkdown } from './lib/report.mjs';
import { receiverCertificate, webhooksRun } from './lib/webhooks.mjs';

const env = process.env;
const N = Number(env.BENCH_N ?? 1000);
const RATES = (env.BENCH_RATES ?? '100,200,450,500,1000,2000,3000')
  .split(',')
  .filter((rate) => rate.trim() !== '')
  .map(Number);
const STEP_SECONDS = Number(env.BENCH_STEP_SECONDS ?? 10);
const IDLE_SUBSCRIPTIONS = Number(env.BENCH_IDLE_SUBSCRIPTIONS ?? 10_000);
// The two-instance run: by default the rates of BENCH_RATES up to 1,000/s; empty to skip it.
const TWO_INSTANCE_RATES = (
  env.BENCH_TWO_INSTANCE_RATES ?? RATES.filter((rate) => rate <= 1000).join(',')
)
  .split(',')
  .filter((rate) => rate.trim() !== '')
  .map(Number);
// `webhooks`: only the webhook run (BENCH_WEBHOOK_RATE, BENCH_WEBHOOK_ROUNDS); see bench/README.md.
const ONLY = env.BENCH_ONLY ?? '';
const WEBHOOK_RATE = Number(env.BENCH_WEBHOOK_RATE ?? 200);
const WEBHOOK_ROUNDS = Number(env.BENCH_WEBHOOK_ROUNDS ?? 3);
const REDIS_SERVER = env.BENCH_REDIS_SERVER ?? '/usr/bin/redis-server';
const EMBEDDED_SENDERS = Number(env.BENCH_EMBEDDED_SENDERS ?? 20);
const EMBEDDED_SECONDS = Number(env.BENCH_EMBEDDED_SECONDS ?? 10);
const KNEE_P99_MS = 100;
// The issue's target for several instances: at this rate, with 1,000 live conversations,
// two-instance p50 within this factor of the single instance's, and p99 under this many ms.
const TARGET = { rate: 200, p50Factor: 1.5, p99LimitMs: 50 };
// The issue's target for CPU: at this rate, the CPU per delivered message of the service and
// its PostgreSQL backends within this factor of the floor's (its process and its backends).
const CPU_TARGET = { rate: 450, factor: 1.25 };
// How the PostgreSQL backends of each server are told apart (pg_stat_activity.application_name).
const APPLICATION_NAME = { service: 'switchboard', floor: 'switchboard-floor' };
// Where the step reads PostgreSQL's backends: a connection of the benchmark's own, set in main.
const postgres = { monitor: null, database: null };
const SERVERS = ['service', 'floor', 'twoInstances'];
const WARM_UP = { rate: 200, seconds: 3 };
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
    name,
    url: url.toString(),
    version,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The service's environment in every run: production mode, rate limits off. */
const SERVICE_ENV = {
  NODE_ENV: 'production',
  AUTH_SECRET: SECRET,
  LOG_LEVEL: 'warn',
  // One load generator on 127.0.0.1 stands for thousands of agents and end users: the
  // per-client rate limits of production would only measure themselves here.
  RATE_LIMIT_MESSAGES: 'off',
  RATE_LIMIT_REQUESTS: 'off',
  RATE_LIMIT_LOGIN: 'off',
  RATE_LIMIT_SESSIONS: 'off',
};

async function startService(databaseUrl, { name = 'service', redisUrl, env: more = {} } = {}) {
  const port = await freePort();
  const server = await ServerProcess.start(
    name,
    root('dist/src/main.js'),
    {
      ...SERVICE_ENV,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      DATABASE_POOL_SIZE: '10',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...more,
    },
    { readyAtPort: port },
  );
  if (redisUrl) {
    await ready(server, port);
  }
  return server;
}

/** Waits for `GET /health/ready` to answer 200: the instance reaches its database and Redis. */
async function ready(server, port) {
  const deadline = Date.now() + 30_000;
  let status;
  while (Date.now() < deadline) {
    try {
      status = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
    } catch {
      status = undefined;
    }
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`${server.name}: /health/ready answered ${status ?? 'nothing'} for 30 s`);
}

/**
 * Two service instances on one database and one private Redis. Conversation i is sent to
 * through instance i mod 2 (its agent is subscribed there too) and its end user is subscribed
 * on the other instance, so every message it receives has crossed Redis.
 */
async function startTwoInstances(databaseUrl) {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `The two-instance run needs redis-server at ${REDIS_SERVER} (BENCH_REDIS_SERVER); BENCH_TWO_INSTANCE_RATES= skips it.`,
    );
  }
  const redis = await RedisProcess.start(await freePort(), REDIS_SERVER);
  try {
    const instances = [];
    for (const name of ['instance A', 'instance B']) {
      instances.push(await startService(databaseUrl, { name, redisUrl: redis.url }));
    }
    return { redis, instances };
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

/** What runStep drives: where each conversation's messages are sent, and where its parties listen. */
function single(server, applicationName = APPLICATION_NAME.service) {
  return {
    servers: [server],
    applicationName,
    sendTo: () => server,
    agentAt: () => server,
    endUserAt: () => server,
  };
}

function pair({ instances, redis }) {
  return {
    servers: instances,
    applicationName: APPLICATION_NAME.service,
    redis,
    sendTo: (i) => instances[i % 2],
    agentAt: (i) => instances[i % 2],
    endUserAt: (i) => instances[(i + 1) % 2],
  };
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
  // The bot and its ADMINISTRATOR ride along for the runs that configure the bot (webhooks).
  return Object.assign(conversations, { botId: bot.id, adminToken: admin.token });
}

/**
 * Every end user subscribed to its conversation, and every agent to its own: the receivers.
 * `onMessage` hears what end users receive.
 */
async function attach(system, conversations, onMessage) {
  const endUsers = await inParallel(conversations, 50, async (conversation, i) => {
    const client = await connect(system.endUserAt(i).url, conversation.endUserToken);
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
  const agents = await inParallel(conversations, 50, async (conversation, i) => {
    const client = await connect(system.agentAt(i).url, conversation.agentToken);
    client.subscribe(
      { query: EVENTS, variables: { requestId: conversation.requestId } },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    return client;
  });
  // The first message waits until every server has set up these 2,000 connections and their
  // subscriptions (authentication, presence, the streams' first reads) and is idle again: a
  // step measures messages, not the connection storm before them.
  await Promise.all(system.servers.map((server) => server.settle(10_000)));
  return async () => {
    await Promise.all([...endUsers, ...agents].map((client) => client.dispose()));
    await new Promise((resolve) => setTimeout(resolve, 500));
  };
}

/** One step: `rate` messages/s for STEP_SECONDS, open model, latency from the intended send time. */
async function runStep(system, conversations, rate, runId, seconds = STEP_SECONDS) {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const intended = new Map();
  const received = new Set();
  const lastSeq = new Map();
  const counts = { sent: 0, acknowledged: 0, failed: 0, received: 0, duplicated: 0, outOfOrder: 0 };
  const detach = await attach(system, conversations, (conversation, event) => {
    const message = event.data?.conversationEvents?.message;
    if (
      !message ||
      message.author !== 'AGENT' ||
      !message.clientMessageId?.startsWith(`${runId}-`)
    ) {
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
  const http = new Map(system.servers.map((server) => [server, new HttpClient(server.url, 256)]));
  await Promise.all(system.servers.map((server) => server.resetDelay()));
  const cpuBefore = system.servers.map((server) => server.cpuSeconds());
  const redisCpuBefore = system.redis?.cpuSeconds();
  const backends = new BackendCpu(
    postgres.monitor,
    postgres.database,
    system.applicationName,
    system.servers.map((server) => server.child.pid),
  );
  await backends.start();
  const machineBefore = machineCpuSeconds();
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  const sends = [];
  await new Promise((resolve) => {
    let k = 0;
    const tick = () => {
      const now = performance.now();
      while (k < total && start + (k * 1000) / rate <= now) {
        const index = k % conversations.length;
        const conversation = conversations[index];
        const cid = `${runId}-${k}`;
        intended.set(cid, start + (k * 1000) / rate);
        counts.sent += 1;
        sends.push(
          http
            .get(system.sendTo(index))
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
  const machineAfter = machineCpuSeconds();
  const backendCpu = await backends.stop();
  const processes = await Promise.all(
    system.servers.map(async (server, s) => {
      const cpuSeconds = server.cpuSeconds() - cpuBefore[s];
      const stats = await server.stats();
      return {
        name: server.name,
        cpuSeconds,
        cpuPercent: (cpuSeconds / elapsed) * 100,
        rssMb: stats.rss / 2 ** 20,
        eventLoopDelayP99Ms: stats.eventLoopDelayMs.p99,
      };
    }),
  );
  const redisCpuSeconds = system.redis ? system.redis.cpuSeconds() - redisCpuBefore : 0;
  const redis = system.redis
    ? {
        cpuPercent: (redisCpuSeconds / elapsed) * 100,
        rssMb: system.redis.rss() / 2 ** 20,
      }
    : undefined;
  await Promise.all([...http.values()].map((client) => client.close()));
  await detach();
  // Nothing received, no latency (not zero).
  const ms = (percentile) =>
    counts.received > 0 ? histogram.getValueAtPercentile(percentile) / 1000 : null;
  const sum = (key) => processes.reduce((total, p) => total + p[key], 0);
  // CPU per delivered message: the server's processes (summed), its PostgreSQL backends, and
  // Redis for the two instances (shown apart, not in the total).
  const perMessage = (seconds) => (counts.received > 0 ? (seconds * 1000) / counts.received : null);
  const serviceCpuMs = perMessage(sum('cpuSeconds'));
  const postgresCpuMs = perMessage(backendCpu.seconds);
  return {
    rate,
    ...counts,
    lost: counts.acknowledged - counts.received,
    latencyMs: {
      p50: ms(50),
      p90: ms(90),
      p99: ms(99),
      p999: ms(99.9),
      max: counts.received > 0 ? histogram.maxValue / 1000 : null,
    },
    // Summed over the instances (CPU, RSS), the worst of them (event-loop delay).
    cpuPercent: sum('cpuPercent'),
    rssMb: sum('rssMb'),
    eventLoopDelayP99Ms: Math.max(...processes.map((p) => p.eventLoopDelayP99Ms)),
    postgresCpuPercent: (backendCpu.seconds / elapsed) * 100,
    postgresBackends: backendCpu.backends,
    cpuMsPerMessage: {
      service: serviceCpuMs,
      postgres: postgresCpuMs,
      total: serviceCpuMs === null ? null : serviceCpuMs + postgresCpuMs,
      ...(system.redis ? { redis: perMessage(redisCpuSeconds) } : {}),
    },
    ...(processes.length > 1 ? { instances: processes, redis } : {}),
    // The whole machine (every process, PostgreSQL, the load generator and anything else
    // running), in % of one core: how crowded the step was.
    machineCpuPercent:
      ((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) *
      os.cpus().length *
      100,
  };
}

const clean = (step) => step.lost === 0 && step.duplicated === 0 && step.outOfOrder === 0;

/** The issue's target for several instances, judged on the run's figures. */
function judgeTarget(steps) {
  const row = steps.find((r) => r.rate === TARGET.rate);
  const base = { ...TARGET };
  if (!row?.service || !row?.twoInstances) {
    const stopped = steps.some((r) => r.twoInstances && r.rate < TARGET.rate);
    return {
      ...base,
      met: stopped && !row?.twoInstances ? false : null,
      verdict: `not measured (${!row?.twoInstances ? (stopped ? 'two instances stopped below this rate' : 'two instances not run at this rate') : 'single instance stopped below this rate'})`,
    };
  }
  if (!row.twoInstances.received || !row.service.received) {
    return {
      ...base,
      p50Ratio: null,
      p99Ms: null,
      met: false,
      verdict: 'not met (nothing received)',
    };
  }
  const p50Ratio = row.twoInstances.latencyMs.p50 / row.service.latencyMs.p50;
  const p99Ms = row.twoInstances.latencyMs.p99;
  const failures = [];
  if (!(p50Ratio <= TARGET.p50Factor)) failures.push(`p50 over ${TARGET.p50Factor}x`);
  if (!(p99Ms < TARGET.p99LimitMs)) failures.push(`p99 not under ${TARGET.p99LimitMs} ms`);
  if (!clean(row.twoInstances) || row.twoInstances.failed > 0) {
    failures.push('messages lost, refused, duplicated or out of order');
  }
  return {
    ...base,
    p50Ratio,
    p99Ms,
    met: failures.length === 0,
    verdict: failures.length === 0 ? 'met' : `not met (${failures.join('; ')})`,
  };
}

/** The issue's CPU target, judged on the run's figures at CPU_TARGET.rate. */
function judgeCpuTarget(steps) {
  const row = steps.find((r) => r.rate === CPU_TARGET.rate);
  const service = row?.service?.cpuMsPerMessage?.total ?? null;
  const floor = row?.floor?.cpuMsPerMessage?.total ?? null;
  if (service === null || floor === null) {
    return {
      ...CPU_TARGET,
      service,
      floor,
      ratio: null,
      met: null,
      verdict: `not measured (${row ? 'nothing received' : `${CPU_TARGET.rate}/s not in BENCH_RATES`})`,
    };
  }
  const ratio = service / floor;
  const met = ratio <= CPU_TARGET.factor;
  return {
    ...CPU_TARGET,
    service,
    floor,
    ratio,
    met,
    verdict: met ? 'met' : `not met (x${ratio.toFixed(2)} over ${CPU_TARGET.factor}x)`,
  };
}

const held = (step) =>
  step.lost === 0 &&
  step.failed === 0 &&
  step.latencyMs.p99 !== null &&
  step.latencyMs.p99 <= KNEE_P99_MS;
const fixed = (value) => (value === null ? '–' : value.toFixed(2));

/**
 * RSS growth per idle subscription: `count` subscriptions over 100 connections, doing nothing.
 * Read three times: right after the last subscription was sent (no GC, no settling: what a burst
 * of clients costs at once), at its highest while the server works through them (sampled), and
 * in steady state (the server idle again, after full GCs).
 */
async function idleSubscriptions(server, conversations, count) {
  const before = await server.stats({ gc: true });
  const perConnection = Math.ceil(count / 100);
  let peakRss = server.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 100);
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
  const afterBurst = server.rss();
  // Subscribing 10,000 times at once queues their access checks on the database: measure
  // once every subscription is in place and the server is idle again.
  await server.settle();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, afterBurst);
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
    rssAfterBurstMb: afterBurst / 2 ** 20,
    kbPerSubscriptionAfterBurst: (afterBurst - before.rss) / 1024 / (perConnection * 100),
    rssPeakMb: peakRss / 2 ** 20,
    kbPerSubscriptionAtPeak: (peakRss - before.rss) / 1024 / (perConnection * 100),
  };
}

async function main() {
  const database = await scratchDatabase();
  postgres.monitor = new pg.Client({ connectionString: env.DATABASE_URL });
  await postgres.monitor.connect();
  postgres.database = database.name;
  const loadBefore = os.loadavg();
  log(
    `scratch database on PostgreSQL ${database.version}; N=${N}, rates ${RATES.join(', ')}, ` +
      `two instances at ${TWO_INSTANCE_RATES.join(', ') || 'none'}, ${STEP_SECONDS}s per step`,
  );
  if (ONLY === 'webhooks') {
    try {
      await onlyWebhooks(database);
    } finally {
      await postgres.monitor.end().catch(() => undefined);
      await database.drop();
    }
    return;
  }
  if (ONLY === 'embedded') {
    try {
      await postgres.monitor.end();
      logEmbedded(await embedded());
    } finally {
      await database.drop();
    }
    return;
  }
  let service = await startService(database.url);
  let floor = await startFloor(database.url);
  let two = null;
  try {
    const conversations = await setUp(service);
    if (TWO_INSTANCE_RATES.length > 0) {
      // Started once every member and request exists, so no instance caches a state older than
      // the set-up.
      two = await startTwoInstances(database.url);
      log(`two instances on ${two.redis.url}`);
    }
    const systems = {
      service: single(service),
      floor: single(floor, APPLICATION_NAME.floor),
      ...(two ? { twoInstances: pair(two) } : {}),
    };
    // The service is warm from the set-up; the floor and the instances have not served yet.
    // One short step each, not recorded, so that no server's first figures measure its JIT.
    for (const name of Object.keys(systems)) {
      log(`warming up ${name}`);
      await runStep(systems[name], conversations, WARM_UP.rate, `warmup-${name}`, WARM_UP.seconds);
    }
    const ratesOf = { service: RATES, floor: RATES, twoInstances: two ? TWO_INSTANCE_RATES : [] };
    const holds = { service: true, floor: true, twoInstances: true };
    const allRates = [...new Set([...RATES, ...ratesOf.twoInstances])].sort((a, b) => a - b);
    const steps = [];
    for (const [index, rate] of allRates.entries()) {
      const due = SERVERS.filter((name) => holds[name] && ratesOf[name].includes(rate));
      if (due.length === 0) continue;
      const row = { rate };
      // Rotate which runs first, so drift of the machine falls on all alike.
      const order = due.map((_, i) => due[(i + index) % due.length]);
      for (const name of order) {
        log(`${name} at ${rate}/s`);
        const result = await runStep(systems[name], conversations, rate, `${name}${rate}`);
        const perProcess = result.instances
          ? ` (${result.instances.map((p) => p.cpuPercent.toFixed(0)).join(' + ')}, redis ${result.redis.cpuPercent.toFixed(0)})`
          : '';
        const perMessage = result.cpuMsPerMessage;
        log(
          `  p50 ${fixed(result.latencyMs.p50)} ms, p99 ${fixed(result.latencyMs.p99)} ms, lost ${result.lost}, failed ${result.failed}, dup ${result.duplicated}, out of order ${result.outOfOrder}, cpu ${result.cpuPercent.toFixed(0)}%${perProcess}, postgres ${result.postgresCpuPercent.toFixed(0)}% (${result.postgresBackends} backends), ms CPU/msg ${fixed(perMessage.service)} + ${fixed(perMessage.postgres)} = ${fixed(perMessage.total)}`,
        );
        row[name] = result;
        // Past its knee a server stops stepping, but not below its targets' rates: the targets
        // are judged on every run, however noisy the machine.
        const lowest = name === 'twoInstances' ? TARGET.rate : CPU_TARGET.rate;
        if (!held(result) && rate >= lowest) holds[name] = false;
      }
      if (row.twoInstances?.received && row.service?.received) {
        // What crossing Redis adds, against the single instance at the same rate.
        row.twoInstances.redisExtraMs = {
          p50: row.twoInstances.latencyMs.p50 - row.service.latencyMs.p50,
          p99: row.twoInstances.latencyMs.p99 - row.service.latencyMs.p99,
        };
      }
      steps.push(row);
    }
    if (two) {
      await Promise.all([...two.instances.map((instance) => instance.stop())]);
      await two.redis.stop();
      two = null;
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
    await Promise.all([service.stop(), floor.stop()]);
    const embeddedResult = EMBEDDED_SECONDS > 0 ? await embedded() : null;
    if (embeddedResult) {
      logEmbedded(embeddedResult);
    }
    const knee = (name) => {
      let last = null;
      for (const row of steps) {
        if (!ratesOf[name].includes(row.rate)) continue;
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
        loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
        ...(env.BENCH_NOTE ? { note: env.BENCH_NOTE } : {}),
      },
      parameters: {
        liveConversations: N,
        stepSeconds: STEP_SECONDS,
        rates: RATES,
        twoInstanceRates: ratesOf.twoInstances,
        kneeP99Ms: KNEE_P99_MS,
        embedded: { senders: EMBEDDED_SENDERS, seconds: EMBEDDED_SECONDS },
      },
      steps,
      knee: {
        service: knee('service'),
        floor: knee('floor'),
        ...(ratesOf.twoInstances.length ? { twoInstances: knee('twoInstances') } : {}),
      },
      ...(ratesOf.twoInstances.length ? { target: judgeTarget(steps) } : {}),
      cpuTarget: judgeCpuTarget(steps),
      idle,
      ...(embeddedResult ? { embedded: embeddedResult } : {}),
      // Written just before by the other runs of `npm run bench` (each dated).
      ...companionResults(),
    };
    mkdirSync(root('bench/results'), { recursive: true });
    writeFileSync(root('bench/results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(root('bench/RESULTS.md'), renderMarkdown(report));
    console.log(`\n${renderConsole(report)}`);
    log('wrote bench/RESULTS.md and bench/results/latest.json');
  } finally {
    await Promise.allSettled([
      service.stop(),
      floor.stop(),
      ...(two ? two.instances.map((instance) => instance.stop()) : []),
    ]);
    if (two) await two.redis.stop().catch(() => undefined);
    await postgres.monitor?.end().catch(() => undefined);
    await database.drop();
  }
}

/** The support-status and webhook runs' figures, when `npm run bench` has just written them. */
function companionResults() {
  const read = (name) => {
    try {
      return JSON.parse(readFileSync(root(`bench/results/${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const supportStatus = read('support-status');
  const webhooks = read('webhooks');
  return { ...(supportStatus ? { supportStatus } : {}), ...(webhooks ? { webhooks } : {}) };
}

/** The embedded-database run (BENCH_EMBEDDED_SECONDS; alone with BENCH_ONLY=embedded). */
async function embedded() {
  return embeddedRun({
    script: root('dist/src/main.js'),
    port: await freePort(),
    env: SERVICE_ENV,
    senders: EMBEDDED_SENDERS,
    seconds: EMBEDDED_SECONDS,
    log,
  });
}

function logEmbedded(result) {
  log(
    `  ${result.messagesPerSecond.toFixed(0)} msg/s, p50 ${fixed(result.latencyMs.p50)} ms, p99 ${fixed(result.latencyMs.p99)} ms, failed ${result.failed}, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
  );
}

/** BENCH_ONLY=webhooks: the single service, without and with 10 webhooks; nothing else. */
async function onlyWebhooks(database) {
  // Production mode, as every run: https receivers on 127.0.0.1, a private address.
  const tls = receiverCertificate();
  const service = await startService(database.url, {
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', ...tls.env },
  });
  try {
    const conversations = await setUp(service);
    const system = single(service);
    log('warming up the service');
    await runStep(system, conversations, WARM_UP.rate, 'warmup-webhooks', WARM_UP.seconds);
    const result = await webhooksRun({
      service,
      tls,
      setup: { conversations, botId: conversations.botId, adminToken: conversations.adminToken },
      system,
      runStep,
      rate: WEBHOOK_RATE,
      seconds: STEP_SECONDS,
      rounds: WEBHOOK_ROUNDS,
      log,
    });
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        postgres: database.version,
        loadAverage: os.loadavg()[0],
        ...(env.BENCH_NOTE ? { note: env.BENCH_NOTE } : {}),
      },
      liveConversations: N,
      ...result,
    };
    mkdirSync(root('bench/results'), { recursive: true });
    writeFileSync(root('bench/results/webhooks.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(
      `webhooks: p50 ${fixed(result.latencyMs.without.p50)} -> ${fixed(result.latencyMs.with.p50)} ms (x${result.ratio.p50.toFixed(2)}), p99 ${fixed(result.latencyMs.without.p99)} -> ${fixed(result.latencyMs.with.p99)} ms (x${result.ratio.p99.toFixed(2)}); target x${result.target} on p50: ${result.met ? 'met' : 'missed'}`,
    );
    log('wrote bench/results/webhooks.json');
  } finally {
    await service.stop();
    tls.remove();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
