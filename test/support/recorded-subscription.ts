import { Client } from 'graphql-ws';

/**
 * A graphql-ws subscription that records everything it receives, for tests that count events
 * ("exactly once") or wait for one among many while other events keep coming. `events` holds the
 * payloads of `field` (e.g. `conversationEvents`) in arrival order.
 */
export class RecordedSubscription<T = any> {
  readonly events: T[] = [];
  /** Errors delivered to the subscriber: GraphQL errors, or the close event of a dropped socket. */
  readonly errors: any[] = [];
  completed = false;
  readonly dispose: () => void;

  constructor(
    client: Client,
    query: string,
    variables: Record<string, unknown>,
    private readonly field: string,
  ) {
    this.dispose = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors?.length) {
            this.errors.push(...value.errors);
          }
          if (value.data) {
            this.events.push(value.data[this.field]);
          }
        },
        error: (error) => {
          this.errors.push(...(Array.isArray(error) ? error : [error]));
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  /** Whether the server ended it: completed, or an error. */
  get ended(): boolean {
    return this.completed || this.errors.length > 0;
  }

  /** The GraphQL error codes received. */
  get errorCodes(): string[] {
    return this.errors.map((error) => (error?.extensions?.code as string) ?? String(error));
  }

  /** Until `condition` holds over what was received; fails naming `what`, with what came. */
  async until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `Not received within ${timeoutMs} ms: ${what}. Received ${this.events.length} event(s): ${JSON.stringify(this.events.slice(-20))}; errors: ${JSON.stringify(this.errors)}; completed: ${this.completed}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Until `count` events in all have arrived; returns them. */
  async take(count: number, timeoutMs = 5_000): Promise<T[]> {
    await this.until(`${count} event(s)`, () => this.events.length >= count, timeoutMs);
    return this.events.slice(0, count);
  }

  /** The events of one `type` (conversationEvents, requestsChanged, ...). */
  ofType(type: string): T[] {
    return this.events.filter((event) => (event as { type?: string }).type === type);
  }

  /** The seqs of the messages delivered (conversationEvents), in arrival order. */
  get messageSeqs(): number[] {
    return this.ofType('MESSAGE_POSTED').map(
      (event) => (event as { message: { seq: number } }).message.seq,
    );
  }

  /** Waits `ms`, for a test to see that nothing more arrives (compare `events` after). */
  static async quiet(ms = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** 1, 2, ..., n (or from..to), the gap-free seqs a conversation must deliver. */
export const seqRange = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
