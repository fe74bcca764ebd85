/** The weekly calendar's arithmetic, in minutes of the day (0..1440), free of any UI. */
export const WEEKDAYS = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DAY = 24 * 60;
/** Clicks and drags land on quarter hours. */
export const STEP = 15;

export interface CalendarSlot {
  /** The service's id, or a local one for a slot not saved yet. */
  id: string;
  weekday: Weekday;
  start: number;
  end: number;
}

/** "09:30" -> 570; "24:00" -> 1440. */
export function toMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** 570 -> "09:30"; 1440 -> "24:00" (end of day, as the API writes it). */
export function toTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export const snapDown = (minutes: number): number =>
  Math.max(0, Math.min(DAY - STEP, Math.floor(minutes / STEP) * STEP));
export const snap = (minutes: number): number => Math.round(minutes / STEP) * STEP;

const others = (slots: readonly CalendarSlot[], weekday: Weekday, exceptId?: string) =>
  slots.filter((slot) => slot.weekday === weekday && slot.id !== exceptId);

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

/**
 * A click at `minute` of `weekday`: a one-hour slot starting at the quarter hour there, clipped at
 * the next slot or midnight; null when the click is on a slot already.
 */
export function slotForClick(
  slots: readonly CalendarSlot[],
  weekday: Weekday,
  minute: number,
  id: string,
): CalendarSlot | null {
  const start = snapDown(minute);
  const day = others(slots, weekday);
  if (day.some((slot) => slot.start <= start && start < slot.end)) {
    return null;
  }
  const next = Math.min(DAY, ...day.filter((slot) => slot.start > start).map((slot) => slot.start));
  return { id, weekday, start, end: Math.min(start + 60, next) };
}

/**
 * The slot `id` moved to `weekday` starting at `start` (snapped, kept inside the day, same
 * length); null when it would overlap another slot.
 */
export function movedSlot(
  slots: readonly CalendarSlot[],
  id: string,
  weekday: Weekday,
  start: number,
): CalendarSlot | null {
  const slot = slots.find((candidate) => candidate.id === id);
  if (!slot) {
    return null;
  }
  const length = slot.end - slot.start;
  const newStart = Math.max(0, Math.min(DAY - length, snap(start)));
  const moved = { ...slot, weekday, start: newStart, end: newStart + length };
  return others(slots, weekday, id).some((other) => overlaps(other, moved)) ? null : moved;
}

/**
 * The slot `id` with its end dragged to `end`: snapped, at least one step long, and stopped at
 * the next slot or midnight.
 */
export function resizedSlot(
  slots: readonly CalendarSlot[],
  id: string,
  end: number,
): CalendarSlot | null {
  const slot = slots.find((candidate) => candidate.id === id);
  if (!slot) {
    return null;
  }
  const next = Math.min(
    DAY,
    ...others(slots, slot.weekday, id)
      .filter((other) => other.start >= slot.end)
      .map((other) => other.start),
  );
  return { ...slot, end: Math.max(slot.start + STEP, Math.min(next, snap(end))) };
}

export const replaced = (slots: readonly CalendarSlot[], slot: CalendarSlot): CalendarSlot[] =>
  slots.map((candidate) => (candidate.id === slot.id ? slot : candidate));
