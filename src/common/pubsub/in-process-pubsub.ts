import { LocalFanout } from './local-fanout';
import { PubSubPort, Resync } from './pubsub';

/** Pub/sub within this process: right for a single instance (no `REDIS_URL`); never loses an event. */
export class InProcessPubSub extends PubSubPort {
  private readonly fanout = new LocalFanout();

  /** Never disconnected. */
  onReconnect(): void {}

  subscriberCount(topic: string): number {
    return this.fanout.count(topic);
  }

  publish<T>(topic: string, payload: T): Promise<void> {
    this.fanout.deliver(topic, payload);
    return Promise.resolve();
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return this.fanout.subscribe<T>(topic, false) as AsyncIterableIterator<T>;
  }

  /** Nothing is ever lost in process: `RESYNC` never comes. */
  subscribeWithResync<T>(topic: string): AsyncIterableIterator<T | Resync> {
    return this.fanout.subscribe<T>(topic, true);
  }
}
