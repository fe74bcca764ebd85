/** An event stream that its owner can end from outside, even while a reader waits on it. */
export interface ClosableStream<T> extends AsyncIterableIterator<T> {
  /** Bound: may be passed around as a function. */
  readonly close: () => Promise<void>;
}

const DONE: IteratorResult<never> = { done: true, value: undefined };

/**
 * Wraps `events` so that `close()` ends it; `onClosed` runs once, however it ends. A waiting
 * reader is woken through the one pending call's resolver, so a long-lived stream keeps no
 * reaction per event it delivered.
 */
export function closable<T>(
  events: AsyncIterableIterator<T>,
  onClosed: () => void,
): ClosableStream<T> {
  let closed = false;
  let wakeReader: (() => void) | undefined;
  const close = async (): Promise<void> => {
    if (closed) {
      return;
    }
    closed = true;
    wakeReader?.();
    wakeReader = undefined;
    onClosed();
    await events.return?.();
  };
  const stream: ClosableStream<T> = {
    next(): Promise<IteratorResult<T>> {
      if (closed) {
        return Promise.resolve(DONE);
      }
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        wakeReader = () => resolve(DONE);
        events.next().then(
          (result) => {
            wakeReader = undefined;
            if (result.done) {
              void close();
            }
            resolve(result);
          },
          (error: unknown) => {
            wakeReader = undefined;
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    async return(): Promise<IteratorResult<T>> {
      await close();
      return DONE;
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      await close();
      throw error instanceof Error ? error : new Error(String(error));
    },
    close,
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
