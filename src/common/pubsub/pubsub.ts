/**
 * Marks the place in a subscription where events may be missing: the pub/sub lost its connection
 * and is back. Delivered only to subscriptions that asked for it (`subscribeWithResync`); a stream
 * backed by a durable log reads what it missed, a cache drops what it may have kept too long.
 */
export const RESYNC: unique symbol = Symbol('pubsub.resync');
export type Resync = typeof RESYNC;

/**
 * The port every module publishes through, after commit, and subscriptions listen on. Topics are
 * built per resource in `topics.ts`, never one global topic filtered per subscriber. In-process
 * by default; Redis when `REDIS_URL` is set, so that several instances serve the same streams.
 *
 * `subscribe` listens from the moment it is called (not from the first `next()`), so a stream
 * that replays history before reading live events loses nothing published meanwhile.
 *
 * `publish` never throws: the change it reports is already committed, so a failure to announce
 * it is logged and counted by the adapter, and the caller's answer stands.
 */
export abstract class PubSubPort {
  abstract publish<T>(topic: string, payload: T): Promise<void>;
  abstract subscribe<T>(topic: string): AsyncIterableIterator<T>;
  /** Like `subscribe`, and `RESYNC` arrives where events may have been lost. */
  abstract subscribeWithResync<T>(topic: string): AsyncIterableIterator<T | Resync>;
  /** Calls `listener` each time the pub/sub is back after losing its connection (metrics). */
  abstract onReconnect(listener: () => void): void;
  /** Subscriptions of this instance listening on a topic now (gauges, tests). */
  abstract subscriberCount(topic: string): number;
}
