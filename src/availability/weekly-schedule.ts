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
  const weekMinute = weekMinuteOf(at.getTime() + offsetAt(timeZone, at.getTime()));
  const weekday = WEEKDAYS[Math.floor(weekMinute / MINUTES_PER_DAY)];
  const minuteOfDay = weekMinute % MINUTES_PER_DAY;
  return slots.some(
    (slot) =>
      slot.weekday === weekday && slot.startMinute <= minuteOfDay && minuteOfDay < slot.endMinute,
  );
}

/**
 * A week plus a day of margin: the wall clock visits every minute of the week within it (so a
 * template whose only slot falls in a skipped hour waits exactly a week).
 */
const FLIP_HORIZON_MS = 8 * MS_PER_DAY;

/**
 * The first instant strictly after `after` at which isInSlot's value differs from its value at
 * `after`; null when it never changes (no slots, or the whole week covered).
 *
 * Between two changes of the zone's UTC offset the wall clock runs with time, so the flip is
 * where it reaches the next edge of the week's coverage (touching slots, the midnight seam and
 * the week wrap are merged: they are no edges), unless the offset changes first; the wall clock
 * then jumps, which flips the value at that very instant or not, and the walk goes on from
 * there. So on DST days a slot keeps its wall-clock edges: an edge inside a skipped hour takes
 * effect at the jump, an edge inside a repeated hour is reached twice. O(slots) per step, and a
 * step per offset change (at most a couple within the horizon).
 */
export function nextScheduleFlip(
  slots: readonly WeeklySlot[],
  timeZone: string,
  after: Date,
): Date | null {
  if (slots.length === 0) {
    return null;
  }
  const coverage = weekCoverage(slots);
  if (coverage.edges.length === 0) {
    return null;
  }
  const until = after.getTime() + FLIP_HORIZON_MS;
  let instant = after.getTime();
  let offset = offsetAt(timeZone, instant);
  const initial = covers(coverage, weekMinuteOf(instant + offset));
  for (;;) {
    const reached = nextEdgeAfter(coverage, instant + offset) - offset;
    const transition = nextOffsetTransition(timeZone, instant, until);
    if (transition === null || reached < transition) {
      return reached <= until ? new Date(reached) : null;
    }
    instant = transition;
    offset = offsetAt(timeZone, instant);
    if (covers(coverage, weekMinuteOf(instant + offset)) !== initial) {
      return new Date(instant);
    }
  }
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
  const wall = new Date(at.getTime() + offsetAt(timeZone, at.getTime()));
  return {
    weekday: WEEKDAYS[(wall.getUTCDay() + 6) % 7],
    minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    date: wall.toISOString().slice(0, 10),
  };
}

/** A wall time given as UTC fields of `wallAsUtc`, as "yyyy-MM-ddTHH:mm:ss" for fromZonedTime. */
function wallTimeString(wallAsUtc: number): string {
  return new Date(wallAsUtc).toISOString().slice(0, 19);
}

const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MS_PER_WEEK = 7 * MS_PER_DAY;
/** 1970-01-01, day 0 of the epoch, was a Thursday: ISO weekday index 3. */
const EPOCH_WEEKDAY_INDEX = 3;

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

/** A wall time (its fields read as UTC, in ms) as minutes since Monday 00:00 of its week. */
function weekMinuteOf(wall: number): number {
  return modulo(
    Math.floor(wall / MS_PER_MINUTE) + EPOCH_WEEKDAY_INDEX * MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
  );
}

/** The week a template covers, in minutes since Monday 00:00. */
interface WeekCoverage {
  /** Covered [start, end) intervals, sorted, merged where they overlap or touch. */
  intervals: readonly (readonly [number, number])[];
  /**
   * The minutes (0..10079) at which coverage changes, sorted: no seam between touching slots,
   * at midnight or at the week wrap. Empty when nothing or everything is covered.
   */
  edges: readonly number[];
}

function weekCoverage(slots: readonly WeeklySlot[]): WeekCoverage {
  const sorted = slots
    .map((slot): [number, number] => {
      const dayStart = WEEKDAYS.indexOf(slot.weekday) * MINUTES_PER_DAY;
      return [dayStart + slot.startMinute, dayStart + slot.endMinute];
    })
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  const intervals: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = intervals[intervals.length - 1];
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      intervals.push([start, end]);
    }
  }
  const coverage = { intervals, edges: [] as number[] };
  const edges = new Set<number>();
  for (const [start, end] of intervals) {
    for (const minute of [start, end % MINUTES_PER_WEEK]) {
      const before = modulo(minute - 1, MINUTES_PER_WEEK);
      if (covers(coverage, minute) !== covers(coverage, before)) {
        edges.add(minute);
      }
    }
  }
  coverage.edges = [...edges].sort((a, b) => a - b);
  return coverage;
}

function covers(coverage: WeekCoverage, weekMinute: number): boolean {
  // At most a few dozen intervals: a scan is as fast as a bisection.
  for (const [start, end] of coverage.intervals) {
    if (weekMinute < start) {
      return false;
    }
    if (weekMinute < end) {
      return true;
    }
  }
  return false;
}

/** The wall time (ms, fields as UTC) of the first coverage edge strictly after `wall`. */
function nextEdgeAfter(coverage: WeekCoverage, wall: number): number {
  const weekStart =
    Math.floor(wall / MS_PER_MINUTE) * MS_PER_MINUTE - weekMinuteOf(wall) * MS_PER_MINUTE;
  for (const edge of coverage.edges) {
    const edgeWall = weekStart + edge * MS_PER_MINUTE;
    if (edgeWall > wall) {
      return edgeWall;
    }
  }
  return weekStart + MS_PER_WEEK + coverage.edges[0] * MS_PER_MINUTE;
}

/**
 * A zone's UTC offsets over one UTC day: the offset at its first instant and every change
 * within it. Offsets of a day never change, so each is computed once, on first use, and kept
 * in a bounded cache (a few hundred zones times the days around now in practice).
 */
interface OffsetDay {
  startOffset: number;
  /** Computed when first asked for (it needs the next day's start). */
  transitions?: readonly OffsetTransition[];
}

interface OffsetTransition {
  at: number;
  offset: number;
}

const OFFSET_DAYS_CAPACITY = 20_000;
const offsetDays = new Map<string, OffsetDay>();

function offsetDay(timeZone: string, day: number): OffsetDay {
  const key = `${timeZone}\u0000${day}`;
  let record = offsetDays.get(key);
  if (record === undefined) {
    record = { startOffset: utcOffsetMs(timeZone, day * MS_PER_DAY) };
    if (offsetDays.size >= OFFSET_DAYS_CAPACITY) {
      // Maps iterate in insertion order: the first key is the oldest.
      offsetDays.delete(offsetDays.keys().next().value as string);
    }
    offsetDays.set(key, record);
  }
  return record;
}

/** The exact instants (ms) within the UTC day at which the zone's offset changes. */
function transitionsOn(timeZone: string, day: number): readonly OffsetTransition[] {
  const record = offsetDay(timeZone, day);
  if (record.transitions === undefined) {
    const endOffset = offsetDay(timeZone, day + 1).startOffset;
    const dayEnd = (day + 1) * MS_PER_DAY;
    const transitions: OffsetTransition[] = [];
    let from = day * MS_PER_DAY;
    let fromOffset = record.startOffset;
    while (fromOffset !== endOffset) {
      const previous = fromOffset;
      const at = firstInstantWhere(
        from,
        dayEnd,
        (instant) => utcOffsetMs(timeZone, instant) !== previous,
      );
      fromOffset = utcOffsetMs(timeZone, at);
      from = at;
      transitions.push({ at, offset: fromOffset });
    }
    record.transitions = transitions;
  }
  return record.transitions;
}

/** The zone's UTC offset at the instant, in ms. Throws a RangeError for an unknown time zone. */
function offsetAt(timeZone: string, instant: number): number {
  const day = Math.floor(instant / MS_PER_DAY);
  let offset = offsetDay(timeZone, day).startOffset;
  for (const transition of transitionsOn(timeZone, day)) {
    if (transition.at > instant) {
      break;
    }
    offset = transition.offset;
  }
  return offset;
}

/** The first instant in (after, until] at which the zone's offset changes, or null. */
function nextOffsetTransition(timeZone: string, after: number, until: number): number | null {
  for (let day = Math.floor(after / MS_PER_DAY); day * MS_PER_DAY <= until; day++) {
    for (const transition of transitionsOn(timeZone, day)) {
      if (transition.at > after) {
        return transition.at <= until ? transition.at : null;
      }
    }
  }
  return null;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Asks Intl; only through the cache of offsetDay and transitionsOn. */
function utcOffsetMs(timeZone: string, instant: number): number {
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
  const parts = formatter.formatToParts(instant);
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
  const truncated = Math.floor(instant / 1000) * 1000;
  return wallAsUtc - truncated;
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
