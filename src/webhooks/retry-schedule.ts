/**
 * How long to wait after each failed attempt before the next one (OPERATIONS.md): about 10 s,
 * 1 min, 5 min, 30 min, 2 h, 6 h and 24 h. After the eighth attempt fails, the delivery is FAILED.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  10_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
  24 * 3_600_000,
];

/** Attempts in one schedule: the first one and one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * When a delivery is next attempted after its `attemptInSchedule`-th attempt (1-based, counted
 * from the start of its schedule) failed at `failedAt`; null when the schedule is spent.
 */
export function nextAttemptAfterFailure(attemptInSchedule: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attemptInSchedule - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay);
}
