import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnections } from '../redis/redis-connections';
import { LocalFanout } from './local-fanout';
import { decodePayload, encodePayload } from './payload-codec';
import { PubSubPort, Resync } from './pubsub';

/**
 * Pub/sub across instances through Redis: one publisher and ONE subscriber connection per
 * instance, one channel per topic, subscribed while this instance has at least one local
 * subscription to it, and fanned out here to those subscriptions.
 *
 * The channel set is decided synchronously (first subscriber: SUBSCRIBE; last one gone:
 * UNSUBSCRIBE) and the commands go out in that order on the one connection, so Redis always
 * ends in the state the local count says, however fast subscriptions come and go (the race that
 * leaves a surviving subscriber deaf when a subscribe's acknowledgement is awaited first).
 *
 * When the subscriber connection comes back after an outage, every local channel is subscribed
 * again and then `RESYNC` goes to the subscriptions that asked for it: what was published
 * meanwhile is gone from Redis, and the streams backed by the message log read it from there.
 */
export class RedisPubSub extends PubSubPort implements OnApplicationShutdown {
  private readonly logger = new Logger('PubSub');
  private readonly fanout = new LocalFanout();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private everReady = false;
  private lastPublishErrorLog = 0;
  /** Publications that could not reach Redis. */
  failedPublishes = 0;
  private readonly reconnectListeners: (() => void)[] = [];

  constructor(connections: RedisConnections) {
    super();
    this.prefix = `${connections.prefix}`;
    this.publisher = connections.connect('publisher');
    this.subscriber = connections.connect('subscriber', { autoResubscribe: false });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.resyncChannel) {
        // Another instance could not publish for a while: what it failed to send is lost.
        this.fanout.resyncAll();
        return;
      }
      if (!channel.startsWith(this.prefix)) {
        return;
      }
      let payload: unknown;
      try {
        payload = decodePayload(message);
      } catch {
        this.logger.warn(`Dropped an undecodable event on ${channel}`);
        return;
      }
      this.fanout.deliver(channel.slice(this.prefix.length), payload);
    });
    this.subscriber.on('ready', () => void this.resubscribe());
    let publisherReady = false;
    this.publisher.on('ready', () => {
      if (publisherReady) {
        void this.announceLostPublications();
      }
      publisherReady = true;
    });
  }

  /** Every instance listens here for "some publications were lost": see `resyncChannel`. */
  private get resyncChannel(): string {
    return `${this.prefix}pubsub:resync`;
  }

  /**
   * The publisher connection is back after failing (the subscriber connection may have stayed
   * up, on this instance or others): every instance's streams catch up from the log.
   */
  private async announceLostPublications(): Promise<void> {
    if (this.failedPublishes === this.failedPublishesAnnounced) {
      return;
    }
    this.failedPublishesAnnounced = this.failedPublishes;
    try {
      await this.publisher.publish(this.resyncChannel, '1');
    } catch {
      // Down again: the next reconnection announces it.
      this.failedPublishesAnnounced = -1;
    }
  }

  private failedPublishesAnnounced = 0;

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  subscriberCount(topic: string): number {
    return this.fanout.count(topic);
  }

  async publish<T>(topic: string, payload: T): Promise<void> {
    try {
      await this.publisher.publish(this.prefix + topic, encodePayload(payload));
    } catch (error) {
      this.failedPublishes += 1;
      const now = Date.now();
      if (now - this.lastPublishErrorLog >= 10_000) {
        this.lastPublishErrorLog = now;
        this.logger.warn(
          `Cannot publish to Redis (${(error as Error).message}); live streams catch up from the log when it is back`,
        );
      }
    }
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return this.fanout.subscribe<T>(topic, false, this.channelHooks) as AsyncIterableIterator<T>;
  }

  subscribeWithResync<T>(topic: string): AsyncIterableIterator<T | Resync> {
    return this.fanout.subscribe<T>(topic, true, this.channelHooks);
  }

  onApplicationShutdown(): void {
    this.subscriber.removeAllListeners('message');
  }

  private readonly channelHooks = {
    onFirst: (topic: string) => this.command('subscribe', topic),
    onLast: (topic: string) => this.command('unsubscribe', topic),
  };

  /** Sent in call order; while disconnected it fails at once and `resubscribe` repairs later. */
  private command(verb: 'subscribe' | 'unsubscribe', topic: string): void {
    if (this.subscriber.status !== 'ready') {
      return;
    }
    this.subscriber[verb](this.prefix + topic).catch((error: Error) =>
      this.logger.warn(`Cannot ${verb} ${topic}: ${error.message}`),
    );
  }

  /** On every (re)connection: the channels of the local subscriptions, then RESYNC. */
  private async resubscribe(): Promise<void> {
    const reconnected = this.everReady;
    this.everReady = true;
    const channels = [
      this.resyncChannel,
      ...this.fanout.activeTopics().map((topic) => this.prefix + topic),
    ];
    try {
      await this.subscriber.subscribe(...channels);
    } catch (error) {
      // The connection dropped again: the next 'ready' repeats this.
      this.logger.warn(`Cannot resubscribe: ${(error as Error).message}`);
      return;
    }
    if (reconnected) {
      this.reconnectListeners.forEach((listener) => listener());
    }
    // Also on the first connection: a stream that subscribed while it was being made may
    // have missed what was published before it.
    this.fanout.resyncAll();
  }
}
