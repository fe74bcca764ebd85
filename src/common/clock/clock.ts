/** Cancels a timer armed by `Clock.setTimer`; calling it twice is harmless. */
export type CancelTimer = () => void;

/**
 * The one source of "now" in the service, and of timers that fire at an instant. Production
 * uses `SystemClock`; tests inject a clock they set and advance, so DST weeks and expiries are
 * tested without sleeping, and timers fire when the test moves time past them.
 */
export abstract class Clock {
  abstract now(): Date;

  /** Calls `callback` once, as soon as `now()` reaches `at` (at once if it already has). */
  abstract setTimer(at: Date, callback: () => void): CancelTimer;
}

/** Node timers can wait at most 2^31-1 ms (about 24.8 days); longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  setTimer(at: Date, callback: () => void): CancelTimer {
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const delay = at.getTime() - Date.now();
      if (delay <= 0) {
        callback();
        return;
      }
      handle = setTimeout(delay > MAX_TIMEOUT_MS ? arm : callback, Math.min(delay, MAX_TIMEOUT_MS));
      handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
  }
}
