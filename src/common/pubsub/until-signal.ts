/**
 * Ends `events` (closing it) as soon as `signal` yields anything, even while a reader waits.
 * Closing the result closes both.
 */
export function untilSignal<T>(
  events: AsyncIterableIterator<T>,
  signal: AsyncIterableIterator<unknown>,
): AsyncIterableIterator<T> {
  let stopped = false;
  const stop = async (): Promise<IteratorResult<T>> => {
    if (!stopped) {
      stopped = true;
      await Promise.all([events.return?.(), signal.return?.()]);
    }
    return { done: true, value: undefined };
  };
  const signalled: Promise<'stop'> = signal.next().then(() => 'stop' as const);
  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      if (stopped) {
        return { done: true, value: undefined };
      }
      const result = await Promise.race([events.next(), signalled]);
      return result === 'stop' ? stop() : result;
    },
    return: () => stop(),
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      await stop();
      throw error instanceof Error ? error : new Error(String(error));
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
