/**
 * A support team's weekly availability template, evaluated in the bot's IANA time zone on
 * wall-clock times. Every function here is pure: "now" is always a parameter.
 */
import { fromZonedTime } from 'date-fns-tz';

export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}

/** ISO order: index 0 is Monday, so `WEEKDAYS[isoWeekday - 1]`. */
export const WEEKDAYS: readonly Weekday[] = [
  Weekday.MONDAY,
  Weekday.TUESDAY,
  Weekday.WEDNESDAY,
  Weekday.THURSDAY,
  Weekday.FRIDAY,
  Weekday.SATURDAY,
  Weekday.SUNDAY,
];

export const MINUTES_PER_DAY = 1440;

/** Minutes since local midnight; `endMinute` may be 1440 ("24:00"). */
export interface WeeklySlot {
  weekday: Weekday;
  startMinute: number;
  endMinute: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

const CLOCK_TIME = /^(\d{2}):(\d{2})$/;

/**
 * "HH:MM" strictly two digits each: "09:00" ok; "9:00", "25:00", "12:60", "24:01" -> null.
 * "24:00" -> 1440 only when allowEndOfDay.
 */
export function parseClockTime(text: string, allowEndOfDay: boolean): number | null {
  const match = CLOCK_TIME.exec(text);
  if (match === null) {
    return null;
  }
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours === 24 && minutes === 0) {
    return allowEndOfDay ? MINUTES_PER_DAY : null;
  }
  if (hours > 23 || minutes > 59) {
    return null;
  }
  return hours * 60 + minutes;
}

/** 1440 -> "24:00", 540 -> "09:00". Throws a RangeError outside 0..1440 or for a fraction. */
export function formatClockTime(minute: number): string {
  if (!Number.isInteger(minute) || minute < 0 || minute > MINUTES_PER_DAY) {
    throw new RangeError(`Not a minute of the day: ${minute}`);
  }
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/**
 * The first slot of `slots` (same weekday) that overlaps `candidate` (touching is not
 * overlapping); slots may carry extra fields (e.g. id) which are preserved in the return type.
 */
export function findOverlap<T extends WeeklySlot>(
  slots: readonly T[],
  candidate: WeeklySlot,
): T | undefined {
  return slots.find(
    (slot) =>
      slot.weekday === candidate.weekday &&
      slot.startMinute < candidate.endMinute &&
      candidate.startMinute < slot.endMinute,
  );
}

/** Orders by weekday (Monday first) then start minute. Returns a new array. */
export function sortSlots<T extends WeeklySlot>(slots: readonly T[]): T[] {
  return [...slots].sort(
    (a, b) =>
      WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday) ||
      a.startMinute - b.startMinute ||
      a.endMinute - b.endMinute,
  );
}

/** In slot at instant t per the DEFINITION. */
export function isInSlot(slots: readonly WeeklySlot[], timeZone: string, at: Date): boolean {
  const { weekday, minuteOfDay } = wallClock(timeZone, at);
  return slots.some(
    (slot) =>
      slot.weekday === weekday && slot.startMinute <= minuteOfDay && minuteOfDay < slot.endMinute,
  );
}

/** A week plus a day of margin: the wall clock visits every minute of the week within it. */
const FLIP_HORIZON_MS = 8 * MS_PER_DAY;
/** A repeated wall time: `fromZonedTime` gives one occurrence, DST shifts are 30 or 60 minutes. */
const REPEATED_WALL_TIME_SHIFTS_MS = [-60, -30, 0, 30, 60].map(
  (minutes) => minutes * MS_PER_MINUTE,
);
const OFFSET_SCAN_STEP_MS = 30 * MS_PER_MINUTE;

/**
 * The first instant strictly after `after` at which isInSlot's value differs from its value at
 * `after`; null when it never changes (no slots, or the whole week covered).
 *
 * isInSlot only changes where the wall clock reaches a slot edge or where the clock jumps, so
 * those instants (a superset of them) are tested in order; touching slots, the midnight seam and
 * the week wrap need no special case because a candidate that does not change the value is
 * simply passed over.
 */
export function nextScheduleFlip(
  slots: readonly WeeklySlot[],
  timeZone: string,
  after: Date,
): Date | null {
  if (slots.length === 0) {
    return null;
  }
  const from = after.getTime();
  const until = from + FLIP_HORIZON_MS;
  const initial = isInSlot(slots, timeZone, after);
  const candidates = [
    ...slotEdgeInstants(slots, timeZone, after),
    ...offsetTransitions(timeZone, from, until),
  ].filter((instant) => instant > from && instant <= until);
  const flip = [...new Set(candidates)]
    .sort((a, b) => a - b)
    .find((instant) => isInSlot(slots, timeZone, new Date(instant)) !== initial);
  return flip === undefined ? null : new Date(flip);
}

/** The next local midnight (start of tomorrow) in the zone, as an instant. */
export function endOfLocalDay(timeZone: string, at: Date): Date {
  const today = wallClock(timeZone, at).date;
  const startedTomorrow = (instant: number): boolean =>
    wallClock(timeZone, new Date(instant)).date > today;
  const tomorrowMidnight = wallTimeString(Date.parse(`${today}T00:00:00Z`) + MS_PER_DAY);
  const guess = fromZonedTime(tomorrowMidnight, timeZone).getTime();
  if (startedTomorrow(guess) && !startedTomorrow(guess - 1)) {
    return new Date(guess);
  }
  // Midnight is skipped or repeated by a DST change in this zone: find the first instant of
  // tomorrow by bisection (the local date never goes backwards).
  let later = guess;
  while (!startedTomorrow(later)) {
    later += MS_PER_HOUR;
  }
  return new Date(firstInstantWhere(at.getTime(), later, startedTomorrow));
}

/** Whole minutes from `at` until endOfLocalDay (floor). */
export function minutesLeftInLocalDay(timeZone: string, at: Date): number {
  return Math.floor((endOfLocalDay(timeZone, at).getTime() - at.getTime()) / MS_PER_MINUTE);
}

export type SupportTeamState = 'ONLINE' | 'OFFLINE';
export type SupportStatusReason =
  'IN_AVAILABILITY_SLOT' | 'OUTSIDE_AVAILABILITY_SLOTS' | 'TEMPORARILY_UNAVAILABLE';

export interface ComputedSupportStatus {
  state: SupportTeamState;
  reason: SupportStatusReason;
  /** The next instant the state flips; null when it never does. */
  changesAt: Date | null;
}

/**
 * unavailableUntil: end instant of an active temporary unavailability (active iff
 * at < unavailableUntil), or null.
 */
export function computeSupportStatus(
  slots: readonly WeeklySlot[],
  timeZone: string,
  at: Date,
  unavailableUntil: Date | null,
): ComputedSupportStatus {
  if (unavailableUntil !== null && at.getTime() < unavailableUntil.getTime()) {
    return {
      state: 'OFFLINE',
      reason: 'TEMPORARILY_UNAVAILABLE',
      changesAt: isInSlot(slots, timeZone, unavailableUntil)
        ? new Date(unavailableUntil.getTime())
        : nextScheduleFlip(slots, timeZone, unavailableUntil),
    };
  }
  const online = isInSlot(slots, timeZone, at);
  return {
    state: online ? 'ONLINE' : 'OFFLINE',
    reason: online ? 'IN_AVAILABILITY_SLOT' : 'OUTSIDE_AVAILABILITY_SLOTS',
    changesAt: nextScheduleFlip(slots, timeZone, at),
  };
}

interface WallClock {
  weekday: Weekday;
  minuteOfDay: number;
  /** Local date, "yyyy-MM-dd". */
  date: string;
}

/**
 * Reads the zone's wall clock from the instant's UTC offset. Not date-fns-tz's
 * `formatInTimeZone`, which builds a Date in the process's zone and so is off by an hour when the
 * wall time falls in a DST gap of the *process* zone; nor its `getTimezoneOffset`, which reads
 * the Date's local fields as a wall time of the zone rather than as an instant.
 */
function wallClock(timeZone: string, at: Date): WallClock {
  const wall = new Date(at.getTime() + utcOffsetMs(timeZone, at));
  return {
    weekday: WEEKDAYS[(wall.getUTCDay() + 6) % 7],
    minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    date: wall.toISOString().slice(0, 10),
  };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for an unknown time zone. */
function utcOffsetMs(timeZone: string, at: Date): number {
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((candidate) => candidate.type === type)?.value);
  const wallAsUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  // The formatter has no milliseconds, so compare with the instant truncated to the second.
  const truncated = Math.floor(at.getTime() / 1000) * 1000;
  return wallAsUtc - truncated;
}

/** A wall time given as UTC fields of `wallAsUtc`, as "yyyy-MM-ddTHH:mm:ss" for fromZonedTime. */
function wallTimeString(wallAsUtc: number): string {
  return new Date(wallAsUtc).toISOString().slice(0, 19);
}

/**
 * Instants at which the wall clock shows a slot edge, on each local date from the day before
 * `after` to 9 days after it (the horizon, plus a DST shift), each with its possible repeat.
 */
function slotEdgeInstants(slots: readonly WeeklySlot[], timeZone: string, after: Date): number[] {
  const localMidnight = Date.parse(`${wallClock(timeZone, after).date}T00:00:00Z`);
  const instants: number[] = [];
  for (let day = -1; day <= 9; day++) {
    const dayStart = localMidnight + day * MS_PER_DAY;
    const weekday = WEEKDAYS[(new Date(dayStart).getUTCDay() + 6) % 7];
    for (const slot of slots) {
      if (slot.weekday !== weekday) {
        continue;
      }
      for (const edge of [slot.startMinute, slot.endMinute]) {
        const wallTime = wallTimeString(dayStart + edge * MS_PER_MINUTE);
        const instant = fromZonedTime(wallTime, timeZone).getTime();
        for (const shift of REPEATED_WALL_TIME_SHIFTS_MS) {
          instants.push(instant + shift);
        }
      }
    }
  }
  return instants;
}

/** The exact instants in (from, until] at which the zone's UTC offset changes. */
function offsetTransitions(timeZone: string, from: number, until: number): number[] {
  const offsetAt = (instant: number): number => utcOffsetMs(timeZone, new Date(instant));
  const transitions: number[] = [];
  for (let start = from; start < until; start += OFFSET_SCAN_STEP_MS) {
    const end = Math.min(start + OFFSET_SCAN_STEP_MS, until);
    const startOffset = offsetAt(start);
    if (offsetAt(end) !== startOffset) {
      transitions.push(
        firstInstantWhere(start, end, (instant) => offsetAt(instant) !== startOffset),
      );
    }
  }
  return transitions;
}

/** Bisects (known false at `low`, true at `high`) to the first millisecond where `test` holds. */
function firstInstantWhere(low: number, high: number, test: (instant: number) => boolean): number {
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (test(middle)) {
      high = middle;
    } else {
      low = middle;
    }
  }
  return high;
}
