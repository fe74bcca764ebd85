import { EventEmitter } from 'node:events';

/**
 * The port every module publishes through, after commit, and subscriptions listen on. Topics are
 * built per resource by the module that owns them (`supportStatusTopic(botId)`), never one global
 * topic filtered per subscriber. In-process here; a Redis adapter serves several instances.
 *
 * `subscribe` listens from the moment it is called (not from the first `next()`), so a stream
 * that replays history before reading live events loses nothing published meanwhile.
 */
export abstract class PubSubPort {
  abstract publish<T>(topic: string, payload: T): Promise<void>;
  abstract subscribe<T>(topic: string): AsyncIterableIterator<T>;
}

export class InProcessPubSub extends PubSubPort {
  // One listener per live subscription: no listener cap.
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** Subscriptions listening on a topic now (operations' gauges, tests waiting for a subscriber). */
  subscriberCount(topic: string): number {
    return this.emitter.listenerCount(topic);
  }

  publish<T>(topic: string, payload: T): Promise<void> {
    this.emitter.emit(topic, payload);
    return Promise.resolve();
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    const buffered: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | undefined;
    let closed = false;
    const listener = (payload: T): void => {
      if (waiting) {
        const wake = waiting;
        waiting = undefined;
        wake({ done: false, value: payload });
      } else {
        buffered.push(payload);
      }
    };
    const close = (): IteratorResult<T> => {
      if (!closed) {
        closed = true;
        this.emitter.off(topic, listener);
        buffered.length = 0;
        waiting?.({ done: true, value: undefined });
        waiting = undefined;
      }
      return { done: true, value: undefined };
    };
    this.emitter.on(topic, listener);
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (buffered.length > 0) {
          return Promise.resolve({ done: false, value: buffered.shift() as T });
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
}
