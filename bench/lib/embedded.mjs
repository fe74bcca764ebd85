// The embedded-database run: the service as it starts with no DATABASE_URL (PGlite, in process,
// in a fresh DATA_DIR), end users sending as fast as their answers come back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import hdr from 'hdr-histogram-js';
import { HttpClient, inParallel } from './clients.mjs';
import { ServerProcess } from './processes.mjs';

/** The targets for the embedded database. */
export const EMBEDDED_TARGET = { messagesPerSecond: 700, p99LimitMs: 60, rssLimitMb: 400 };
const WARM_UP_SECONDS = 2;

const SEND = `mutation ($id: ID!, $text: String!, $cid: String) {
  sendUserMessage(requestId: $id, text: $text, clientMessageId: $cid) { seq }
}`;

/** Peak resident memory of a process since it started (VmHWM), in bytes. */
function peakRssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * `senders` end users, each with its own request, each sending `sendUserMessage` in a closed
 * loop (the next as soon as the answer to the last one came) for `seconds`, after a warm-up of
 * WARM_UP_SECONDS that is not recorded. Latency is request → answer.
 */
export async function embeddedRun({ script, port, env, senders, seconds, log }) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'switchboard-bench-embedded-'));
  const server = await ServerProcess.start(
    'embedded',
    script,
    {
      ...env,
      // No DATABASE_URL: the embedded PGlite default, in a directory of its own.
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: String(port),
    },
    { readyAtPort: port },
  );
  try {
    const http = new HttpClient(server.url, senders);
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
    const { createBot: bot } = await http.ok(
      `mutation { createBot(input: { name: "Bench", timeZone: "UTC" }) { widgetKey } }`,
      {},
      register.accessToken,
    );
    const endUsers = await inParallel(Array.from({ length: senders }), 4, async (_, i) => {
      const { startEndUserSession } = await http.ok(
        `mutation ($key: String!, $id: String) { startEndUserSession(widgetKey: $key, input: { externalId: $id }) { token } }`,
        { key: bot.widgetKey, id: `embedded-${i}` },
      );
      const { openRequest } = await http.ok(
        `mutation { openRequest { id } }`,
        {},
        startEndUserSession.token,
      );
      return { token: startEndUserSession.token, requestId: openRequest.id };
    });
    log(`embedded: ${senders} senders, ${WARM_UP_SECONDS} s warm-up, ${seconds} s measured`);
    const histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 120_000_000,
      numberOfSignificantValueDigits: 3,
    });
    const counts = { sent: 0, answered: 0, failed: 0 };
    const warmUpEnd = performance.now() + WARM_UP_SECONDS * 1000;
    const end = warmUpEnd + seconds * 1000;
    let cpuBefore;
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, server.rss())), 250);
    const measuring = new Promise((resolve) =>
      setTimeout(() => {
        cpuBefore = server.cpuSeconds();
        resolve();
      }, WARM_UP_SECONDS * 1000),
    );
    await Promise.all(
      endUsers.map(async (endUser, u) => {
        for (let k = 0; performance.now() < end; k += 1) {
          const at = performance.now();
          const recorded = at >= warmUpEnd;
          let ok;
          try {
            const body = await http.request(
              SEND,
              { id: endUser.requestId, text: `message ${k}`, cid: `embedded-${u}-${k}` },
              endUser.token,
            );
            ok = !body.errors;
          } catch {
            ok = false;
          }
          if (!recorded) continue;
          counts.sent += 1;
          if (ok) {
            counts.answered += 1;
            histogram.recordValue(Math.max(1, Math.round((performance.now() - at) * 1000)));
          } else {
            counts.failed += 1;
          }
        }
      }),
    );
    await measuring;
    const elapsed = (performance.now() - warmUpEnd) / 1000;
    const cpuSeconds = server.cpuSeconds() - cpuBefore;
    clearInterval(rssTimer);
    const rssNow = server.rss();
    const peakRss = peakRssOf(server.child.pid);
    await http.close();
    const ms = (percentile) =>
      counts.answered > 0 ? histogram.getValueAtPercentile(percentile) / 1000 : null;
    const result = {
      senders,
      seconds: elapsed,
      ...counts,
      messagesPerSecond: counts.answered / elapsed,
      latencyMs: { p50: ms(50), p90: ms(90), p99: ms(99), max: histogram.maxValue / 1000 },
      cpuPercent: (cpuSeconds / elapsed) * 100,
      cpuMsPerMessage: counts.answered > 0 ? (cpuSeconds * 1000) / counts.answered : null,
      // The process's peak since it started (set-up included), and the highest RSS sampled
      // during the sends; PGlite runs inside the service's process, so both include it.
      peakRssMb: Math.max(peakRss, rssMax, rssNow) / 2 ** 20,
      rssDuringSendsMb: Math.max(rssMax, rssNow) / 2 ** 20,
    };
    return { ...result, target: judgeEmbedded(result) };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function judgeEmbedded(result) {
  const t = EMBEDDED_TARGET;
  const checks = {
    throughput: result.messagesPerSecond >= t.messagesPerSecond,
    p99: result.latencyMs.p99 !== null && result.latencyMs.p99 <= t.p99LimitMs,
    rss: result.peakRssMb <= t.rssLimitMb,
    noFailures: result.failed === 0,
  };
  return { ...t, checks, met: Object.values(checks).every(Boolean) };
}
