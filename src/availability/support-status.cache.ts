/** What a cached status must carry to know how long it holds. */
export interface CacheableStatus {
  /** When it next changes by itself (a slot edge, the end of an unavailability); null: never. */
  nextChangeAt: Date | null;
}

interface Entry<S> {
  status: S;
  timeZone: string;
  computedAt: number;
  validUntil: number;
}

/**
 * Each bot's computed support status, until it changes by itself or an edit of its schedule,
 * time zone or unavailability evicts it. Bounded in size (past it the oldest entries go) and in
 * age: an eviction announced by another instance can be lost (a failed publish is logged, not
 * retried), and the age bounds what that costs, as for the role cache.
 *
 * Times are the domain clock's, so that tests moving the clock see a status expire at its edge;
 * an entry never serves an instant before the one it was computed for.
 */
export class SupportStatusCache<S extends CacheableStatus> {
  private readonly entries = new Map<string, Entry<S>>();
  private evictions = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
  ) {}

  /** The status of the bot at `now`, if cached and still valid (and for `timeZone`, if given). */
  get(botId: string, now: Date, timeZone?: string): S | undefined {
    const entry = this.entries.get(botId);
    if (entry === undefined) {
      return undefined;
    }
    const at = now.getTime();
    if (
      at < entry.computedAt ||
      at >= entry.validUntil ||
      (timeZone !== undefined && timeZone !== entry.timeZone)
    ) {
      return undefined;
    }
    return entry.status;
  }

  /**
   * Taken before reading what a status is computed from; `set` with it stores nothing when an
   * eviction happened meanwhile, as the read may predate the edit it announced.
   */
  ticket(): number {
    return this.evictions;
  }

  set(botId: string, timeZone: string, computedAt: Date, status: S, ticket: number): void {
    if (ticket !== this.evictions) {
      return;
    }
    const at = computedAt.getTime();
    const validUntil = Math.min(
      at + this.maxAgeMs,
      status.nextChangeAt?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    this.entries.delete(botId);
    if (this.entries.size >= this.capacity) {
      // Maps iterate in insertion order: the first key is the oldest.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(botId, { status, timeZone, computedAt: at, validUntil });
  }

  delete(botId: string): void {
    this.evictions += 1;
    this.entries.delete(botId);
  }

  clear(): void {
    this.evictions += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
