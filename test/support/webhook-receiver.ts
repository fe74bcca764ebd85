import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: {
    id: string;
    type: string;
    botId: string;
    occurredAt: string;
    data: Record<string, any>;
  };
  /** When it arrived (real time, ms). */
  at: number;
}

/** What the receiver answers: a status, after `delayMs` if given; `hang` never answers. */
export type Answer = number | { status: number; delayMs: number } | 'hang';

/**
 * A real HTTP receiver of webhooks on a free loopback port. It records every POST and answers
 * what `answer` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  answer: (delivery: ReceivedDelivery) => Answer = () => 200;

  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const delivery: ReceivedDelivery = {
          path: request.url ?? '/',
          headers: request.headers,
          rawBody,
          body: JSON.parse(rawBody) as ReceivedDelivery['body'],
          at: Date.now(),
        };
        this.received.push(delivery);
        const answer = this.answer(delivery);
        if (answer === 'hang') {
          return;
        }
        const { status, delayMs } =
          typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
        setTimeout(() => {
          if (!response.destroyed) {
            response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
          }
        }, delayMs);
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(path = '/hook'): string {
    return `${this.baseUrl}${path}`;
  }

  /** The deliveries received on `path`. */
  on(path: string): ReceivedDelivery[] {
    return this.received.filter((delivery) => delivery.path === path);
  }

  /** Waits until `count` deliveries matching `match` arrived; returns them. */
  async waitFor(
    count: number,
    match: (delivery: ReceivedDelivery) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter(match);
      if (found.length >= count) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Expected ${count} webhook deliveries, received ${found.length} in ${timeoutMs} ms: ${JSON.stringify(
            this.received.map((d) => [
              d.path,
              d.body.type,
              d.headers['switchboard-delivery-attempt'],
            ]),
          )}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
