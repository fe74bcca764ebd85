import { CancelTimer, Clock } from '../../src/common/clock/clock';

interface PendingTimer {
  at: number;
  callback: () => void;
}

/**
 * A clock the test sets and advances; starts at the real time unless told otherwise. Timers
 * fire, in order, when the test moves time to or past them.
 */
export class TestClock extends Clock {
  private current: number;
  private readonly timers = new Set<PendingTimer>();

  constructor(start: Date | string = new Date()) {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, callback: () => void): CancelTimer {
    const timer = { at: at.getTime(), callback };
    this.timers.add(timer);
    queueMicrotask(() => this.fireDue());
    return () => this.timers.delete(timer);
  }

  /** Moves to `instant`; it may not go back in time. */
  set(instant: Date | string): void {
    const target = new Date(instant).getTime();
    if (target < this.current) {
      throw new Error('TestClock cannot go back in time');
    }
    this.current = target;
    this.fireDue();
  }

  advance(milliseconds: number): void {
    this.set(new Date(this.current + milliseconds));
  }

  /** Timers armed and not yet fired, for tests that check they are cleaned up. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  private fireDue(): void {
    for (;;) {
      const due = [...this.timers]
        .filter((timer) => timer.at <= this.current)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) {
        return;
      }
      this.timers.delete(due);
      due.callback();
    }
  }
}
