// The webhook run of the benchmark: message latency of the single service with 10 webhooks
// subscribed to MESSAGE_POSTED (one receiver never answers) against the same service without
// them, in alternating steps at one rate.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from './clients.mjs';

const CREATE = `mutation ($botId: ID!, $input: WebhookInput!) { createWebhook(botId: $botId, input: $input) { webhook { id } } }`;
const UPDATE = `mutation ($id: ID!, $input: WebhookInput!) { updateWebhook(id: $id, input: $input) { id } }`;
const WEBHOOKS = 10;

/**
 * A self-signed certificate for 127.0.0.1: production requires https webhooks, so the service
 * trusts it through NODE_EXTRA_CA_CERTS (pass `env` to the service). `remove` deletes it.
 */
export function receiverCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(key),
    cert: readFileSync(cert),
    keyPath: key,
    certPath: cert,
    env: { NODE_EXTRA_CA_CERTS: cert },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Nine paths answer 204 at once; `/hook-hang` never answers (the dispatcher times it out). The
 * receivers run in a child process (webhook-receivers.mjs), as an integrator's servers would.
 */
async function startReceivers(tls) {
  const child = fork(new URL('./webhook-receivers.mjs', import.meta.url), [], {
    env: { ...process.env, RECEIVER_KEY: tls.keyPath, RECEIVER_CERT: tls.certPath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // They stand for other machines: at a lower priority they take only the CPU left over.
  setPriority(child.pid, 10);
  const { port } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the webhook receivers exited (${code})`)));
  });
  const counts = () =>
    new Promise((resolve) => {
      child.once('message', (message) => resolve(new Map(Object.entries(message.counts))));
      child.send('counts');
    });
  return {
    urls: Array.from({ length: WEBHOOKS }, (_, i) =>
      i === WEBHOOKS - 1
        ? `https://127.0.0.1:${port}/hook-hang`
        : `https://127.0.0.1:${port}/hook-${i}`,
    ),
    delivered: async () =>
      [...(await counts()).entries()]
        .filter(([path]) => path !== '/hook-hang')
        .reduce((n, [, c]) => n + c, 0),
    attemptsOnHanging: async () => (await counts()).get('/hook-hang') ?? 0,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/**
 * `rounds` pairs of steps at `rate`: without webhooks, then with them (the webhooks are disabled
 * between, so nothing is recorded for them). Latency per step from `runStep`, p50 and p99 ratios
 * of the medians of the rounds.
 */
export async function webhooksRun({
  service,
  tls,
  setup,
  system,
  runStep,
  rate,
  seconds,
  rounds,
  log,
}) {
  const receivers = await startReceivers(tls);
  const http = new HttpClient(service.url, 8);
  const webhooks = [];
  for (const url of receivers.urls) {
    const { createWebhook } = await http.ok(
      CREATE,
      { botId: setup.botId, input: { url, events: ['MESSAGE_POSTED'], enabled: false } },
      setup.adminToken,
    );
    webhooks.push({ id: createWebhook.webhook.id, url });
  }
  const enable = (enabled) =>
    Promise.all(
      webhooks.map((webhook) =>
        http.ok(
          UPDATE,
          { id: webhook.id, input: { url: webhook.url, events: ['MESSAGE_POSTED'], enabled } },
          setup.adminToken,
        ),
      ),
    );
  const steps = { without: [], with: [] };
  let hanging;
  try {
    // The delivery path warms up first (its code compiled, its thread started, the receivers'
    // connections open), as the service's own path did before: the rounds compare steady states.
    await enable(true);
    log(`webhooks: warming up the deliveries at ${rate}/s`);
    await runStep(system, setup.conversations, rate, 'whwarmup', Math.min(seconds, 5));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (let round = 0; round < rounds; round += 1) {
      for (const mode of ['without', 'with']) {
        await enable(mode === 'with');
        const before = await receivers.delivered();
        log(`webhooks: ${mode} 10 webhooks at ${rate}/s (round ${round + 1})`);
        const result = await runStep(
          system,
          setup.conversations,
          rate,
          `wh${mode}${round}`,
          seconds,
        );
        // Deliveries keep arriving after the step: give the healthy receivers a moment.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const delivered = (await receivers.delivered()) - before;
        log(
          `  p50 ${result.latencyMs.p50?.toFixed(1)} ms, p99 ${result.latencyMs.p99?.toFixed(1)} ms, lost ${result.lost}, failed ${result.failed}, webhook deliveries to the 9 answering receivers ${delivered}`,
        );
        steps[mode].push({ ...result, webhookDeliveries: delivered });
      }
    }
    await enable(false);
    hanging = await receivers.attemptsOnHanging();
  } finally {
    await http.close();
    await receivers.close();
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const summary = (mode, p) => median(steps[mode].map((step) => step.latencyMs[p]));
  const ratio = (p) => summary('with', p) / summary('without', p);
  return {
    rate,
    seconds,
    rounds,
    webhooks: WEBHOOKS,
    latencyMs: {
      without: { p50: summary('without', 'p50'), p99: summary('without', 'p99') },
      with: { p50: summary('with', 'p50'), p99: summary('with', 'p99') },
    },
    ratio: { p50: ratio('p50'), p99: ratio('p99') },
    target: 1.2,
    met: ratio('p50') <= 1.2,
    attemptsOnTheReceiverThatNeverAnswers: hanging,
    steps,
  };
}
