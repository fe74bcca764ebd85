/**
 * A support team's weekly availability template and its dated overrides (a local date whose
 * ranges replace the template for that whole date), evaluated in the bot's IANA time zone on
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

/** A wall-clock range of one date, in minutes since local midnight; `endMinute` may be 1440. */
export interface TimeRange {
  startMinute: number;
  endMinute: number;
}

/**
 * A dated override: on `date` ("yyyy-MM-dd", the bot's zone) these ranges replace the weekday's
 * slots for the whole local date; no ranges means closed all day.
 */
export interface DatedOverride {
  date: string;
  ranges: readonly TimeRange[];
}

/** What `nextScheduleFlip` and `computeSupportStatus` evaluate: the template and the overrides. */
export interface Schedule {
  slots: readonly WeeklySlot[];
  overrides?: readonly DatedOverride[];
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * "yyyy-MM-dd" of a real calendar date -> its day number (days since 1970-01-01, as a wall
 * date); "2026-02-30", "2026-2-3" or "26-02-03" -> null.
 */
export function parseLocalDate(text: string): number | null {
  const match = LOCAL_DATE.exec(text);
  if (match === null) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  return daysFromCivil(year, month, day);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, by arithmetic (no Date: statuses parse
 * every override date of a bot each time they are computed).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** A day number (see parseLocalDate) as "yyyy-MM-dd". */
export function formatLocalDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The local date ("yyyy-MM-dd") in the zone at the instant. */
export function localDateOf(timeZone: string, at: Date): string {
  return wallClock(timeZone, at).date;
}

/** The first range of `ranges` that overlaps `candidate` (touching is not overlapping). */
export function findRangeOverlap<T extends TimeRange>(
  ranges: readonly T[],
  candidate: TimeRange,
): T | undefined {
  return ranges.find(
    (range) => range.startMinute < candidate.endMinute && candidate.startMinute < range.endMinute,
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
 * How long after an instant a zone's offset changes are looked for when the schedule itself has
 * no edge ahead: a backwards jump of the wall clock (autumn) can bring an edge back.
 */
const JUMP_HORIZON_MS = 2 * MS_PER_DAY;

/**
 * The first instant strictly after `after` at which the schedule's coverage differs from its
 * value at `after`; null when it never changes (no slots and no override ahead, or everything
 * covered). `schedule` is either the weekly slots alone or the template with its overrides.
 *
 * Between two changes of the zone's UTC offset the wall clock runs with time, so the flip is
 * where it reaches the next edge of the coverage (touching ranges, the midnight seam and the week
 * wrap are no edges; a date with an override takes its ranges instead of its weekday's slots),
 * unless the offset changes first; the wall clock then jumps, which flips the value at that very
 * instant or not, and the walk goes on from there. So on DST days slots and overrides keep their
 * wall-clock edges: an edge inside a skipped hour takes effect at the jump, an edge inside a
 * repeated hour is reached twice. O(slots + overrides) per call.
 */
export function nextScheduleFlip(
  schedule: readonly WeeklySlot[] | Schedule,
  timeZone: string,
  after: Date,
): Date | null {
  return flipAfter(compileSchedule(schedule), timeZone, after.getTime());
}

function flipAfter(compiled: CompiledSchedule, timeZone: string, after: number): Date | null {
  let instant = after;
  let offset = offsetAt(timeZone, instant);
  const initial = coversWall(compiled, instant + offset);
  for (;;) {
    const edge = nextEdgeAfterWall(compiled, instant + offset);
    const reached = edge === null ? null : edge - offset;
    const transition = nextOffsetTransition(
      timeZone,
      instant,
      reached ?? instant + JUMP_HORIZON_MS,
    );
    if (transition === null || (reached !== null && reached < transition)) {
      return reached === null ? null : new Date(reached);
    }
    instant = transition;
    offset = offsetAt(timeZone, instant);
    if (coversWall(compiled, instant + offset) !== initial) {
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

/**
 * endOfLocalDay, from the offset cache when the zone's offset does not change within two days
 * of `now` (the midnight is then plain arithmetic); `wall` is now's wall time.
 */
function nextLocalMidnight(timeZone: string, now: number, wall: number): Date {
  if (nextOffsetTransition(timeZone, now, now + 2 * MS_PER_DAY) === null) {
    const midnightWall = (Math.floor(wall / MS_PER_DAY) + 1) * MS_PER_DAY;
    return new Date(now + (midnightWall - wall));
  }
  return endOfLocalDay(timeZone, new Date(now));
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
  /** The local date at `at` ("yyyy-MM-dd") when an override replaces its template, else null. */
  overrideDate: string | null;
  /**
   * The next local midnight when today or tomorrow has an override (what `overrideDate` says
   * changes then, even when the state does not); null otherwise.
   */
  overrideDateChangesAt: Date | null;
}

/**
 * The support status at `at` from the weekly slots, the dated overrides and a temporary
 * unavailability, which wins over both. unavailableUntil: end instant of an active temporary
 * unavailability (active iff at < unavailableUntil), or null. O(slots + overrides).
 */
export function computeSupportStatus(
  schedule: readonly WeeklySlot[] | Schedule,
  timeZone: string,
  at: Date,
  unavailableUntil: Date | null,
): ComputedSupportStatus {
  const compiled = compileSchedule(schedule);
  const now = at.getTime();
  const wall = now + offsetAt(timeZone, now);
  const today = Math.floor(wall / MS_PER_DAY);
  const dates = {
    overrideDate: compiled.overrides.has(today) ? formatLocalDate(today) : null,
    overrideDateChangesAt:
      compiled.overrides.has(today) || compiled.overrides.has(today + 1)
        ? nextLocalMidnight(timeZone, now, wall)
        : null,
  };
  if (unavailableUntil !== null && now < unavailableUntil.getTime()) {
    const until = unavailableUntil.getTime();
    return {
      state: 'OFFLINE',
      reason: 'TEMPORARILY_UNAVAILABLE',
      changesAt: coversWall(compiled, until + offsetAt(timeZone, until))
        ? new Date(until)
        : flipAfter(compiled, timeZone, until),
      ...dates,
    };
  }
  const online = coversWall(compiled, wall);
  return {
    state: online ? 'ONLINE' : 'OFFLINE',
    reason: online ? 'IN_AVAILABILITY_SLOT' : 'OUTSIDE_AVAILABILITY_SLOTS',
    changesAt: flipAfter(compiled, timeZone, now),
    ...dates,
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

type Interval = readonly [number, number];

/**
 * A schedule made ready for evaluation: each weekday's slots and each override date's ranges,
 * sorted and merged where they overlap or touch, in minutes of their local date. Local dates are
 * day numbers: a wall time (fields read as UTC, in ms) divided by a day.
 */
interface CompiledSchedule {
  /** Index 0 is Monday. */
  weekdays: readonly (readonly Interval[])[];
  overrides: ReadonlyMap<number, readonly Interval[]>;
  /** The override dates, ascending. */
  overrideDays: readonly number[];
  /** Every weekday covered all day, or none at all: the template alone has no edge. */
  uniform: boolean;
}

function mergeIntervals(ranges: readonly TimeRange[]): Interval[] {
  let sorted = true;
  for (let i = 1; i < ranges.length; i += 1) {
    if (ranges[i].startMinute < ranges[i - 1].startMinute) {
      sorted = false;
      break;
    }
  }
  // Stored ranges and slots come sorted: no copy to sort then.
  const ordered = sorted ? ranges : [...ranges].sort((a, b) => a.startMinute - b.startMinute);
  const merged: [number, number][] = [];
  for (const { startMinute: start, endMinute: end } of ordered) {
    if (start >= end) {
      continue;
    }
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

function compileSchedule(schedule: readonly WeeklySlot[] | Schedule): CompiledSchedule {
  const { slots, overrides = [] } = isSlotList(schedule) ? { slots: schedule } : schedule;
  const byWeekday: WeeklySlot[][] = WEEKDAYS.map(() => []);
  for (const slot of slots) {
    byWeekday[WEEKDAYS.indexOf(slot.weekday)].push(slot);
  }
  const weekdays = byWeekday.map(mergeIntervals);
  const compiledOverrides = new Map<number, readonly Interval[]>();
  for (const override of overrides) {
    const day = parseLocalDate(override.date);
    if (day !== null) {
      compiledOverrides.set(day, mergeIntervals(override.ranges));
    }
  }
  const fullDay = (day: readonly Interval[]): boolean =>
    day.length === 1 && day[0][0] === 0 && day[0][1] === MINUTES_PER_DAY;
  return {
    weekdays,
    overrides: compiledOverrides,
    overrideDays: [...compiledOverrides.keys()].sort((a, b) => a - b),
    uniform: weekdays.every((day) => day.length === 0) || weekdays.every(fullDay),
  };
}

function isSlotList(schedule: readonly WeeklySlot[] | Schedule): schedule is readonly WeeklySlot[] {
  return Array.isArray(schedule);
}

/** 1970-01-01, day 0 of the epoch, was a Thursday: ISO weekday index 3. */
const EPOCH_WEEKDAY_INDEX = 3;

function intervalsOf(compiled: CompiledSchedule, day: number): readonly Interval[] {
  return compiled.overrides.get(day) ?? compiled.weekdays[modulo(day + EPOCH_WEEKDAY_INDEX, 7)];
}

function coversWall(compiled: CompiledSchedule, wall: number): boolean {
  const day = Math.floor(wall / MS_PER_DAY);
  const minute = Math.floor((wall - day * MS_PER_DAY) / MS_PER_MINUTE);
  // A day has at most a few dozen intervals: a scan is as fast as a bisection.
  for (const [start, end] of intervalsOf(compiled, day)) {
    if (minute < start) {
      return false;
    }
    if (minute < end) {
      return true;
    }
  }
  return false;
}

/**
 * The wall time (ms, fields as UTC) of the first coverage edge strictly after `wall`, or null
 * when there is none. A date's edges are its merged ranges' starts and ends, where the midnight
 * seam at its start counts only when the dates on either side disagree. Walks date by date; with
 * a template without edges it jumps from one override date to the next, so it visits at most the
 * override dates, the dates after them and a week.
 */
function nextEdgeAfterWall(compiled: CompiledSchedule, wall: number): number | null {
  const { overrideDays } = compiled;
  const lastOverride = overrideDays.length > 0 ? overrideDays[overrideDays.length - 1] : -Infinity;
  let day = Math.floor(wall / MS_PER_DAY);
  const stop = Math.max(day, lastOverride + 1) + 8;
  let next = 0;
  while (day <= stop) {
    while (next < overrideDays.length && overrideDays[next] < day - 1) {
      next += 1;
    }
    if (compiled.uniform && !compiled.overrides.has(day) && !compiled.overrides.has(day - 1)) {
      // Neither this date nor the previous is an override: no edge until the next override date.
      if (next >= overrideDays.length) {
        return null;
      }
      day = Math.max(day + 1, overrideDays[next]);
      continue;
    }
    const dayStart = day * MS_PER_DAY;
    const intervals = intervalsOf(compiled, day);
    const previous = intervalsOf(compiled, day - 1);
    const startsCovered = intervals.length > 0 && intervals[0][0] === 0;
    const previousEndsCovered =
      previous.length > 0 && previous[previous.length - 1][1] === MINUTES_PER_DAY;
    if (startsCovered !== previousEndsCovered && dayStart > wall) {
      return dayStart;
    }
    for (const [start, end] of intervals) {
      if (start > 0 && dayStart + start * MS_PER_MINUTE > wall) {
        return dayStart + start * MS_PER_MINUTE;
      }
      if (end < MINUTES_PER_DAY && dayStart + end * MS_PER_MINUTE > wall) {
        return dayStart + end * MS_PER_MINUTE;
      }
    }
    day += 1;
  }
  return null;
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
