/**
 * An event stream that first replays what a reader missed, then continues live, with no gap and
 * no duplicate. The live subscription is opened BEFORE the replay is read, so anything published
 * while the replay query runs is buffered; ordered events (those with a sequence number) already
 * delivered by the replay are then skipped. Unordered events pass through as they come.
 *
 * Closing the stream (`return`) closes the live subscription at once, even while it waits.
 */
export function replayThenLive<T>(
  live: AsyncIterableIterator<T>,
  replay: () => Promise<T[]>,
  sequenceOf: (event: T) => number | null,
): AsyncIterableIterator<T> {
  let pending: Promise<T[]> | undefined = replay();
  let queue: T[] = [];
  let lastSeq = Number.NEGATIVE_INFINITY;
  let closed = false;

  const deliver = (event: T): boolean => {
    const seq = sequenceOf(event);
    if (seq === null) {
      return true;
    }
    if (seq <= lastSeq) {
      return false;
    }
    lastSeq = seq;
    return true;
  };

  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      if (pending) {
        queue = (await pending).filter(deliver);
        pending = undefined;
      }
      const buffered = queue.shift();
      if (buffered !== undefined) {
        return { done: false, value: buffered };
      }
      while (!closed) {
        const result = await live.next();
        if (result.done) {
          return result;
        }
        if (deliver(result.value)) {
          return result;
        }
      }
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<T>> {
      closed = true;
      pending = undefined;
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
