import { MAX_ATTEMPTS, nextAttemptAfterFailure } from './retry-schedule';

describe('the webhook retry schedule', () => {
  const failedAt = new Date('2026-03-01T12:00:00.000Z');
  const waitAfter = (attempt: number): number | null => {
    const next = nextAttemptAfterFailure(attempt, failedAt);
    return next === null ? null : next.getTime() - failedAt.getTime();
  };

  it.each([
    [1, 10_000],
    [2, 60_000],
    [3, 300_000],
    [4, 1_800_000],
    [5, 7_200_000],
    [6, 21_600_000],
    [7, 86_400_000],
  ])('waits after attempt %i for %i ms', (attempt, delay) => {
    expect(waitAfter(attempt)).toBe(delay);
  });

  it('gives up after the eighth attempt', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(waitAfter(8)).toBeNull();
    expect(waitAfter(9)).toBeNull();
  });
});
