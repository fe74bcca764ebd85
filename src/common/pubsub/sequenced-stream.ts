import { RESYNC, Resync } from './pubsub';

export interface SequencedSource<T> {
  /** The live subscription, opened BEFORE anything is read, so nothing published meanwhile is lost. */
  live: AsyncIterableIterator<T | Resync>;
  /** Where the reader stands: replay what follows it; null to start after the log's end now. */
  afterSeq: number | null;
  /** The last sequence number in the log now (the starting point without `afterSeq`). */
  currentSeq: () => Promise<number>;
  /** Every event of the log after `seq`, ascending: the source of truth for what was missed. */
  readAfter: (seq: number) => Promise<T[]>;
  /** An event's place in the log; null for events outside it (presence), passed through as they come. */
  sequenceOf: (event: T) => number | null;
}

/**
 * A stream of logged events that never skips one and never repeats one. It knows the last
 * sequence number it delivered; it reads the log first for a replay (`afterSeq`), again when a
 * live event arrives with a sequence number past the next one (its predecessors were published
 * late or lost), and again at a `RESYNC` (the pub/sub was away). Events already delivered are
 * dropped. Closing it (`return`) closes the live subscription at once, even while it waits.
 */
export function sequencedStream<T>(source: SequencedSource<T>): AsyncIterableIterator<T> {
  const { live, readAfter, sequenceOf } = source;
  let lastSeq: number | undefined;
  let queue: T[] = [];
  let closed = false;
  /**
   * Set while a stream without `afterSeq` has heard nothing sequenced yet. Its live subscription
   * opened before it read the log's end, so a message committed in between is both in that read
   * and on its way live: it follows the subscription's start and is delivered.
   */
  let startedAtLogEnd = false;

  /** Whether an event is new; moves the position past it when it is. */
  const fresh = (event: T): boolean => {
    const seq = sequenceOf(event);
    if (seq === null) {
      return true;
    }
    if (seq <= (lastSeq as number)) {
      return false;
    }
    lastSeq = seq;
    return true;
  };

  const start = async (): Promise<void> => {
    if (source.afterSeq === null) {
      lastSeq = await source.currentSeq();
      startedAtLogEnd = true;
      return;
    }
    lastSeq = source.afterSeq;
    queue = (await readAfter(lastSeq)).filter(fresh);
  };

  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      if (lastSeq === undefined) {
        await start();
      }
      for (;;) {
        if (closed) {
          return { done: true, value: undefined };
        }
        const queued = queue.shift();
        if (queued !== undefined) {
          return { done: false, value: queued };
        }
        const result = await live.next();
        if (result.done) {
          return { done: true, value: undefined };
        }
        const event = result.value;
        if (event === RESYNC) {
          startedAtLogEnd = false;
          queue = (await readAfter(lastSeq as number)).filter(fresh);
          continue;
        }
        const seq = sequenceOf(event);
        if (seq !== null && startedAtLogEnd) {
          startedAtLogEnd = false;
          lastSeq = Math.min(lastSeq as number, seq - 1);
        }
        if (seq !== null && seq > (lastSeq as number) + 1) {
          // A gap: its predecessors come from the log (and this one too if it is there by now).
          const missed = (await readAfter(lastSeq as number)).filter(
            (logged) => (sequenceOf(logged) ?? 0) < seq,
          );
          queue = [...missed, event].filter(fresh);
          continue;
        }
        if (fresh(event)) {
          return { done: false, value: event };
        }
      }
    },
    async return(): Promise<IteratorResult<T>> {
      closed = true;
      queue = [];
      await live.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      closed = true;
      await live.return?.();
      throw error instanceof Error ? error : new Error(String(error));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
