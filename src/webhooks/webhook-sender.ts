import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** One POST to make: the sending thread builds its headers and signs it. */
export interface SendRequest {
  url: string;
  /**
   * The raw body. The deliveries of one event share the string: it crosses to the thread once
   * per batch of jobs, not once per webhook.
   */
  body: string;
  secret: string;
  /** When it is signed, in unix seconds (by the service clock). */
  signedAt: number;
  eventId: string;
  eventType: string;
  attempt: number;
}

/** How an attempt ended: the receiver's status, or why there was none. */
export type SendResult =
  { statusCode: number } | { statusCode: null; name?: string; code?: string; message: string };

/** A request as it crosses to the thread: its body is an index into the batch's bodies. */
interface Job extends Omit<SendRequest, 'body'> {
  id: number;
  body: number;
}

type Reply = SendResult & { id: number };

/** The sending thread's nice value on Linux: it gets the CPU the API's thread leaves. */
export const SENDER_NICENESS = 10;

/**
 * The sending thread. Kept as source evaluated by the worker (rather than a module file) so it
 * runs the same from `dist/` and under Jest's TypeScript transform. It lowers its own CPU
 * priority (Linux schedules threads one by one: `/proc/thread-self` names this one), signs each
 * request (the header of `signature.ts`: HMAC-SHA256 over "<t>.<raw body>"), keeps connections
 * to the receivers alive, and answers each batch of jobs with batches of results.
 */
const SENDER_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { readlinkSync } = require('node:fs');
const { setPriority } = require('node:os');
const { Agent, request } = require(workerData.undici);
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), workerData.niceness);
} catch {}
const agent = new Agent({ keepAliveTimeout: 4000, connect: { timeout: workerData.timeoutMs } });
// Every attempt has the same time in all, so deadlines fall in the order the attempts started:
// one queue and one timer end them, rather than a timer and a combined signal per attempt.
let deadlines = [];
let stopped = false;
const sweep = (all) => {
  const now = performance.now();
  let ended = 0;
  for (const entry of deadlines) {
    if (!all && entry.at > now) break;
    if (!entry.done) {
      entry.done = true;
      entry.controller.abort(all
        ? new DOMException('the instance is stopping', 'AbortError')
        : new DOMException('the attempt timed out', 'TimeoutError'));
    }
    ended += 1;
  }
  if (ended > 0) deadlines = deadlines.slice(ended);
};
setInterval(() => sweep(false), 50).unref();
let replies = [];
const flush = () => {
  const batch = replies;
  replies = [];
  parentPort.postMessage(batch);
};
const reply = (message) => {
  if (replies.push(message) === 1) setImmediate(flush);
};
parentPort.on('message', (message) => {
  if (message === 'stop') {
    stopped = true;
    sweep(true);
    return;
  }
  const { bodies, jobs } = message;
  for (const job of jobs) {
    const body = bodies[job.body];
    const signature = createHmac('sha256', job.secret)
      .update(job.signedAt + '.' + body)
      .digest('hex');
    const deadline = { at: performance.now() + workerData.timeoutMs, controller: new AbortController(), done: stopped };
    if (stopped) deadline.controller.abort(new DOMException('the instance is stopping', 'AbortError'));
    else deadlines.push(deadline);
    request(job.url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'switchboard-event-id': job.eventId,
        'switchboard-event-type': job.eventType,
        'switchboard-delivery-attempt': String(job.attempt),
        'switchboard-signature': 't=' + job.signedAt + ',v1=' + signature,
      },
      body,
      signal: deadline.controller.signal,
    }).then(
      async (response) => {
        await response.body.dump().catch(() => undefined);
        deadline.done = true;
        reply({ id: job.id, statusCode: response.statusCode });
      },
      (error) => {
        deadline.done = true;
        const code = typeof error?.code === 'string' ? error.code : error?.cause?.code;
        reply({ id: job.id, statusCode: null, name: error?.name, code, message: String(error?.message ?? error) });
      },
    );
  }
});
`;

/**
 * Sends webhook POSTs from a worker thread of lower CPU priority, so that TLS and HTTP work for
 * thousands of deliveries a second never competes on equal terms with the thread that answers
 * API calls and carries messages: on a busy machine, deliveries take the CPU that is left.
 *
 * Redirects are not followed (a redirect could lead anywhere, a private address included); each
 * attempt has `timeoutMs` in all. Jobs sent in the same turn of the event loop cross to the
 * thread together, and results come back together. The thread starts with the first attempt (an
 * instance without webhooks runs none), and again after it died.
 */
export class WebhookSender {
  private readonly logger = new Logger('Webhooks');
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, (result: SendResult) => void>();
  private queued: (SendRequest & { id: number })[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly timeoutMs: number) {}

  /** Starts the thread; `send` does when none runs (an instance without webhooks has none). */
  private start(): void {
    const worker = new Worker(SENDER_THREAD, {
      eval: true,
      workerData: {
        undici: require.resolve('undici'),
        niceness: SENDER_NICENESS,
        timeoutMs: this.timeoutMs,
      },
    });
    worker.unref();
    worker.on('message', (replies: Reply[]) => {
      for (const { id, ...result } of replies) {
        const done = this.waiting.get(id);
        this.waiting.delete(id);
        done?.(result);
      }
    });
    worker.on('error', (error) => this.logger.error(`The webhook sending thread failed: ${error}`));
    worker.on('exit', () => {
      if (this.worker !== worker) {
        return;
      }
      this.worker = undefined;
      // Whatever it had not answered has no answer: those attempts count as failed (and are
      // retried on the schedule). The next attempt starts a new thread.
      this.abandon([...this.waiting.keys()]);
    });
    this.worker = worker;
  }

  send(request: SendRequest): Promise<SendResult> {
    if (!this.worker && !this.closed) {
      this.start();
    }
    if (!this.worker) {
      return Promise.resolve({ statusCode: null, message: 'the sending thread stopped' });
    }
    const id = this.nextId++;
    const result = new Promise<SendResult>((resolve) => this.waiting.set(id, resolve));
    if (this.queued.push({ id, ...request }) === 1) {
      setImmediate(() => this.flush());
    }
    return result;
  }

  /** Sends the jobs queued in this turn of the event loop, each distinct body once. */
  private flush(): void {
    const queued = this.queued;
    this.queued = [];
    if (!this.worker) {
      this.abandon(queued.map((job) => job.id));
      return;
    }
    const bodies: string[] = [];
    const indexes = new Map<string, number>();
    const jobs: Job[] = queued.map(({ body, ...job }) => {
      let index = indexes.get(body);
      if (index === undefined) {
        index = bodies.push(body) - 1;
        indexes.set(body, index);
      }
      return { ...job, body: index };
    });
    this.worker.postMessage({ bodies, jobs });
  }

  /** Aborts the attempts in flight: each answers at once, as interrupted (AbortError). */
  interrupt(): void {
    this.worker?.postMessage('stop');
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
    this.abandon([...this.waiting.keys()]);
  }

  private abandon(ids: number[]): void {
    for (const id of ids) {
      const done = this.waiting.get(id);
      this.waiting.delete(id);
      done?.({ statusCode: null, message: 'the sending thread stopped' });
    }
  }
}
