// `node bench/support-status.mjs`: what `bots { supportStatus }` costs an account with many bots,
// each with a full weekly schedule. Runs against the built service (`dist/src/main.js`, so run
// `npm run build` first) on a scratch database beside DATABASE_URL, dropped at the end.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/support-status.mjs
//
// Prints the latency of the query (p50, p99, max over STATUS_BENCH_CALLS sequential calls, after
// a warm-up) and the longest event-loop delay the service saw meanwhile (bench/probe.cjs): the
// time every other request in flight waited behind it; beside it, the longest delay of the idle
// service over a few seconds just before, the noise floor of the machine. Each bot also has
// STATUS_BENCH_OVERRIDES dated overrides (holidays and special hours, default 30).
//
// First, without the service: the CPU one status computation costs (template + overrides +
// unavailability, `computeSupportStatus` of the built code) for a bot of 20 slots and 30
// overrides, over STATUS_BENCH_CPU_STATUSES instants spread over the coming months, against the
// target of 0.5 ms per status.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { HttpClient, inParallel } from './lib/clients.mjs';
import { ServerProcess } from './lib/processes.mjs';

const env = process.env;
const BOTS = Number(env.STATUS_BENCH_BOTS ?? 50);
const CALLS = Number(env.STATUS_BENCH_CALLS ?? 200);
const WARM_UP_CALLS = Number(env.STATUS_BENCH_WARM_UP ?? 20);
const IDLE_BASELINE_MS = Number(env.STATUS_BENCH_IDLE_MS ?? 3000);
const OVERRIDES = Number(env.STATUS_BENCH_OVERRIDES ?? 30);
const CPU_STATUSES = Number(env.STATUS_BENCH_CPU_STATUSES ?? 20000);
/** CPU per status the computation must stay under (issue 13). */
const STATUS_CPU_TARGET_MS = 0.5;
/** The sampling interval of bench/probe.cjs's event-loop delay histogram. */
const PROBE_RESOLUTION_MS = 10;
// Time zones on both hemispheres, with and without DST, and a half-hour offset.
const TIME_ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Asia/Kolkata',
  'Pacific/Auckland',
  'America/Santiago',
  'UTC',
];
const QUERY = 'query { bots { id supportStatus { state changesAt override { date } } } }';
const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const log = (...args) =>
  console.log(`[status-bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

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
  const name = `switchboard_status_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const clock = (minute) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Twenty slots: three a day Monday to Friday, two on Saturday, three on Sunday (one of them
 * touching Monday across the week wrap, one touching the next across midnight), shifted by a few
 * minutes per bot so that no two bots share a schedule.
 */
function weekOf(bot) {
  const shift = (bot * 7) % 45;
  const slot = (weekday, start, end) => ({
    weekday,
    startTime: clock(start === 0 ? 0 : start + shift),
    endTime: clock(end === 1440 ? 1440 : end + shift),
  });
  const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].flatMap((day) => [
    slot(day, 8 * 60, 12 * 60),
    slot(day, 13 * 60, 17 * 60),
    slot(day, 18 * 60, 20 * 60),
  ]);
  return [
    ...weekdays,
    slot('SATURDAY', 10 * 60, 12 * 60),
    slot('SATURDAY', 22 * 60, 1440),
    slot('SUNDAY', 0, 2 * 60),
    slot('SUNDAY', 14 * 60, 16 * 60),
    slot('SUNDAY', 23 * 60, 1440),
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `OVERRIDES` dated overrides from two days after `fromDay` (a UTC day number, so that every
 * zone's today is before them), one every third day: holidays, special hours on one range, and
 * split special hours (touching ranges, one running to 24:00), shifted per bot.
 */
function overridesOf(bot, fromDay) {
  const shift = (bot * 7) % 45;
  return Array.from({ length: OVERRIDES }, (_, i) => {
    const date = new Date((fromDay + 2 + i * 3) * DAY_MS).toISOString().slice(0, 10);
    switch (i % 3) {
      case 0:
        return { date, label: `Holiday ${i}`, ranges: [] };
      case 1:
        return { date, ranges: [{ startTime: clock(10 * 60 + shift), endTime: clock(14 * 60) }] };
      default:
        return {
          date,
          label: 'Late opening',
          ranges: [
            { startTime: clock(12 * 60 + shift), endTime: clock(18 * 60) },
            { startTime: clock(18 * 60), endTime: '24:00' },
          ],
        };
    }
  });
}

const minuteOf = (text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/**
 * The CPU of one status computation, in the built code, for bots of 20 slots and `OVERRIDES`
 * overrides in the benchmark's zones, at instants spread over the next 100 days (the zone offset
 * cache warmed as in a running service).
 */
async function statusComputationCpu() {
  const schedule = await import(
    pathToFileURL(root('dist/src/availability/weekly-schedule.js')).href
  );
  const computeSupportStatus =
    schedule.computeSupportStatus ?? schedule.default.computeSupportStatus;
  const today = Math.floor(Date.now() / DAY_MS);
  const bots = Array.from({ length: BOTS }, (_, i) => ({
    timeZone: TIME_ZONES[i % TIME_ZONES.length],
    schedule: {
      slots: weekOf(i).map((slot) => ({
        weekday: slot.weekday,
        startMinute: minuteOf(slot.startTime),
        endMinute: minuteOf(slot.endTime),
      })),
      overrides: overridesOf(i, today).map((override) => ({
        date: override.date,
        ranges: override.ranges.map((range) => ({
          startMinute: minuteOf(range.startTime),
          endMinute: minuteOf(range.endTime),
        })),
      })),
    },
  }));
  const instant = (i) => new Date(today * DAY_MS + ((i * 7_919_113) % (100 * DAY_MS)));
  let checksum = 0;
  const run = (count) => {
    for (let i = 0; i < count; i += 1) {
      const bot = bots[i % bots.length];
      // Every tenth status under a temporary unavailability of an hour.
      const at = instant(i);
      const until = i % 10 === 0 ? new Date(at.getTime() + 60 * 60 * 1000) : null;
      const status = computeSupportStatus(bot.schedule, bot.timeZone, at, until);
      checksum += status.changesAt === null ? 0 : 1;
    }
  };
  run(Math.min(CPU_STATUSES, 5000));
  const before = process.cpuUsage();
  run(CPU_STATUSES);
  const { user, system } = process.cpuUsage(before);
  if (checksum === 0) {
    throw new Error('no status ever changes: the schedules are wrong');
  }
  return (user + system) / 1000 / CPU_STATUSES;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const statusCpuMs = await statusComputationCpu();
  log(
    `computeSupportStatus, 20 slots + ${OVERRIDES} overrides: ${round(statusCpuMs * 1000)} µs CPU per status` +
      ` over ${CPU_STATUSES} (target < ${STATUS_CPU_TARGET_MS * 1000} µs: ${statusCpuMs < STATUS_CPU_TARGET_MS ? 'met' : 'MISSED'})`,
  );
  const database = await scratchDatabase();
  let service;
  try {
    const port = await freePort();
    service = await ServerProcess.start(
      'service',
      env.STATUS_BENCH_MAIN ?? root('dist/src/main.js'),
      {
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        AUTH_SECRET: randomBytes(32).toString('hex'),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_POOL_SIZE: '10',
        // One load generator on 127.0.0.1: the per-client rate limits would only measure themselves.
        RATE_LIMIT_MESSAGES: 'off',
        RATE_LIMIT_REQUESTS: 'off',
        RATE_LIMIT_LOGIN: 'off',
        RATE_LIMIT_SESSIONS: 'off',
      },
      { readyAtPort: port },
    );
    const http = new HttpClient(service.url, 8);
    const { register } = await http.ok(
      `mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }`,
      {
        input: {
          email: `admin-${randomBytes(6).toString('hex')}@bench.test`,
          name: 'admin',
          password: 'benchmark password',
        },
      },
    );
    const token = register.accessToken;
    log(`creating ${BOTS} bots with 20 slots and ${OVERRIDES} overrides each`);
    const today = Math.floor(Date.now() / DAY_MS);
    await inParallel(Array.from({ length: BOTS }), 8, async (_, i) => {
      const { createBot } = await http.ok(
        `mutation ($input: CreateBotInput!) { createBot(input: $input) { id } }`,
        { input: { name: `Bench ${i}`, timeZone: TIME_ZONES[i % TIME_ZONES.length] } },
        token,
      );
      await http.ok(
        `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) { replaceWeeklySchedule(botId: $botId, slots: $slots) { id } }`,
        { botId: createBot.id, slots: weekOf(i) },
        token,
      );
      for (const input of overridesOf(i, today)) {
        await http.ok(
          `mutation ($botId: ID!, $input: AvailabilityOverrideInput!) { setAvailabilityOverride(botId: $botId, input: $input) { id } }`,
          { botId: createBot.id, input },
          token,
        );
      }
    });

    const call = async () => {
      const started = performance.now();
      const data = await http.ok(QUERY, {}, token);
      const elapsed = performance.now() - started;
      if (data.bots.length !== BOTS || data.bots.some((bot) => !bot.supportStatus.state)) {
        throw new Error(`unexpected answer: ${JSON.stringify(data).slice(0, 200)}`);
      }
      return elapsed;
    };
    const first = await call();
    for (let i = 0; i < WARM_UP_CALLS; i += 1) {
      await call();
    }
    await service.settle();
    // The machine's noise floor: the longest delay of the idle service over as long a time (what
    // else runs on the machine, and preemption, show there too).
    const idleStarted = performance.now();
    await service.resetDelay();
    await new Promise((resolve) => setTimeout(resolve, IDLE_BASELINE_MS));
    const idle = (await service.stats()).eventLoopDelayMs;
    log(`idle for ${Math.round(performance.now() - idleStarted)} ms`);
    await service.resetDelay();
    const cpuBefore = service.cpuSeconds();
    const times = [];
    for (let i = 0; i < CALLS; i += 1) {
      times.push(await call());
    }
    const cpu = service.cpuSeconds() - cpuBefore;
    const { eventLoopDelayMs } = await service.stats();
    await http.close();
    times.sort((a, b) => a - b);
    const figures = {
      bots: BOTS,
      slotsPerBot: 20,
      overridesPerBot: OVERRIDES,
      statusComputationCpuMs: round(statusCpuMs * 1000) / 1000,
      statusComputationTargetMs: STATUS_CPU_TARGET_MS,
      calls: CALLS,
      firstCallMs: round(first),
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(times[times.length - 1]),
      serviceCpuMsPerCall: round((cpu * 1000) / CALLS),
      // The probe's histogram records the interval between its 10 ms timer ticks: a block is what
      // exceeds the tick.
      longestEventLoopBlockMs: round(Math.max(0, eventLoopDelayMs.max - PROBE_RESOLUTION_MS)),
      longestEventLoopIntervalMs: round(eventLoopDelayMs.max),
      eventLoopDelayP99Ms: round(eventLoopDelayMs.p99),
      idleLongestEventLoopDelayMs: round(Math.max(0, idle.max - PROBE_RESOLUTION_MS)),
      loadAverage: os.loadavg().map(round),
    };
    log(
      `bots { supportStatus }, ${BOTS} bots x 20 slots x ${OVERRIDES} overrides, ${CALLS} sequential calls`,
    );
    console.log(
      [
        `  status computation CPU   ${round(statusCpuMs * 1000)} µs per status (target < ${STATUS_CPU_TARGET_MS * 1000} µs)`,
        `  first call (cold)        ${figures.firstCallMs} ms`,
        `  p50                      ${figures.p50Ms} ms`,
        `  p99                      ${figures.p99Ms} ms`,
        `  max                      ${figures.maxMs} ms`,
        `  service CPU per call     ${figures.serviceCpuMsPerCall} ms`,
        `  longest event-loop block ${figures.longestEventLoopBlockMs} ms`,
        `  event-loop delay p99     ${figures.eventLoopDelayP99Ms} ms`,
        `  idle, longest delay      ${figures.idleLongestEventLoopDelayMs} ms (noise floor, ${IDLE_BASELINE_MS} ms idle)`,
        `  load average             ${figures.loadAverage.join(', ')} on ${os.availableParallelism()} cores`,
      ].join('\n'),
    );
    console.log(JSON.stringify(figures));
    // `npm run bench` puts these figures in bench/RESULTS.md.
    mkdirSync(root('bench/results'), { recursive: true });
    writeFileSync(
      root('bench/results/support-status.json'),
      `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`,
    );
  } finally {
    await service?.stop();
    await database.drop();
  }
}

function round(value) {
  return Math.round(value * 100) / 100;
}

await main();
