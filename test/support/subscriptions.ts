import { PubSubPort } from '../../src/common/pubsub/pubsub';
import { TestApp } from './test-app';
import { Client } from 'graphql-ws';

/** What a graphql-ws subscription delivered, read one event at a time. */
export class Subscription<T = Record<string, any>> {
  private readonly received: { data?: T | null; errors?: unknown[] }[] = [];
  private waiting?: () => void;
  private completed = false;
  readonly dispose: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown>) {
    this.dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => this.push(value as { data?: T | null; errors?: unknown[] }),
        error: (error) => this.push({ errors: Array.isArray(error) ? error : [error] }),
        complete: () => {
          this.completed = true;
          this.waiting?.();
        },
      },
    );
  }

  /** The next event, or a failure after `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<{ data?: T | null; errors?: any[] }> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (this.completed) {
        throw new Error('The subscription completed without another event');
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`No subscription event within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, left);
      });
    }
    return this.received.shift() as { data?: T | null; errors?: any[] };
  }

  /** Drops what has arrived so far, and answers it (events a test is not about). */
  discard(): { data?: T | null; errors?: any[] }[] {
    return this.received.splice(0);
  }

  /** Asserts nothing arrives within `ms`. */
  async expectSilence(ms = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.received.length > 0) {
      throw new Error(`Unexpected subscription event: ${JSON.stringify(this.received[0])}`);
    }
  }

  private push(value: { data?: T | null; errors?: unknown[] }): void {
    this.received.push(value);
    this.waiting?.();
  }
}

/** Polls `condition` until it holds (for server-side effects with no client-visible signal). */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('Condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Waits until `count` subscriptions listen on `topic` in the service, so a test publishes only
 * once its subscribers are in place (graphql-ws does not acknowledge a subscription).
 */
export async function waitForSubscribers(app: TestApp, topic: string, count = 1): Promise<void> {
  const pubsub = app.app.get(PubSubPort);
  await waitFor(() => pubsub.subscriberCount(topic) >= count);
}
