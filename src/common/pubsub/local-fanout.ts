import { RESYNC, Resync } from './pubsub';

interface LocalSubscriber {
  deliver(payload: unknown): void;
  resync: boolean;
}

/**
 * The subscriptions of this instance, by topic: every pub/sub adapter fans an event out to them
 * here, and learns when a topic gains its first subscriber or loses its last one.
 */
export class LocalFanout {
  private readonly topics = new Map<string, Set<LocalSubscriber>>();

  /**
   * A subscription to `topic` that buffers from now on. `onFirst`/`onLast` run when the topic
   * gains its first local subscriber and loses its last one (to (un)subscribe upstream).
   */
  subscribe<T>(
    topic: string,
    resync: boolean,
    hooks: { onFirst?: (topic: string) => void; onLast?: (topic: string) => void } = {},
  ): AsyncIterableIterator<T | Resync> {
    const buffered: (T | Resync)[] = [];
    let waiting: ((result: IteratorResult<T | Resync>) => void) | undefined;
    let closed = false;
    const subscriber: LocalSubscriber = {
      resync,
      deliver: (payload) => {
        if (waiting) {
          const wake = waiting;
          waiting = undefined;
          wake({ done: false, value: payload as T | Resync });
        } else {
          buffered.push(payload as T | Resync);
        }
      },
    };
    const close = (): IteratorResult<T | Resync> => {
      if (!closed) {
        closed = true;
        buffered.length = 0;
        waiting?.({ done: true, value: undefined });
        waiting = undefined;
        const subscribers = this.topics.get(topic);
        if (subscribers?.delete(subscriber) && subscribers.size === 0) {
          this.topics.delete(topic);
          hooks.onLast?.(topic);
        }
      }
      return { done: true, value: undefined };
    };
    const subscribers = this.topics.get(topic) ?? new Set<LocalSubscriber>();
    subscribers.add(subscriber);
    if (subscribers.size === 1) {
      this.topics.set(topic, subscribers);
      hooks.onFirst?.(topic);
    }
    const iterator: AsyncIterableIterator<T | Resync> = {
      next: () => {
        if (buffered.length > 0) {
          return Promise.resolve({ done: false, value: buffered.shift() as T | Resync });
        }
        if (closed) {
          return Promise.resolve({ done: true, value: undefined });
        }
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => Promise.resolve(close()),
      throw: (error?: unknown) => {
        close();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Hands an event to every local subscriber of its topic. */
  deliver(topic: string, payload: unknown): void {
    const subscribers = this.topics.get(topic);
    if (subscribers) {
      for (const subscriber of [...subscribers]) {
        subscriber.deliver(payload);
      }
    }
  }

  /** Tells every subscription that asked for it that events may have been lost. */
  resyncAll(): void {
    for (const subscribers of this.topics.values()) {
      for (const subscriber of subscribers) {
        if (subscriber.resync) {
          subscriber.deliver(RESYNC);
        }
      }
    }
  }

  count(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** The topics with at least one local subscriber. */
  activeTopics(): string[] {
    return [...this.topics.keys()];
  }
}
