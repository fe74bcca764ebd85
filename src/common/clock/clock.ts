/**
 * The one source of "now" in the service. Production uses `SystemClock`; tests inject a clock
 * they can set and advance, so DST weeks and expiries are tested without sleeping.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
