import { EventEmitter } from 'node:events';
import { PubSub } from 'graphql-subscriptions';

/**
 * The port every module publishes through, after commit, and subscriptions listen on. Topics are
 * built per resource by the module that owns them (`supportStatusTopic(botId)`), never one global
 * topic filtered per subscriber. In-process here; a Redis adapter serves several instances.
 */
export abstract class PubSubPort {
  abstract publish<T>(topic: string, payload: T): Promise<void>;
  abstract subscribe<T>(topic: string): AsyncIterableIterator<T>;
}

export class InProcessPubSub extends PubSubPort {
  // One listener per live subscription: no listener cap.
  private readonly pubsub = new PubSub({ eventEmitter: new EventEmitter().setMaxListeners(0) });

  publish<T>(topic: string, payload: T): Promise<void> {
    return this.pubsub.publish(topic, payload);
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return this.pubsub.asyncIterableIterator<T>(topic);
  }
}
