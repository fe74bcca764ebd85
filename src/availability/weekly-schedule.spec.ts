import {
  computeSupportStatus,
  ComputedSupportStatus,
  DatedOverride,
  endOfLocalDay,
  findOverlap,
  findRangeOverlap,
  formatLocalDate,
  localDateOf,
  parseLocalDate,
  formatClockTime,
  isInSlot,
  minutesLeftInLocalDay,
  nextScheduleFlip,
  parseClockTime,
  Schedule,
  sortSlots,
  Weekday,
  WEEKDAYS,
  WeeklySlot,
} from './weekly-schedule';

const { MONDAY, TUESDAY, WEDNESDAY, SATURDAY, SUNDAY } = Weekday;

const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
const KOLKATA = 'Asia/Kolkata';
const AUCKLAND = 'Pacific/Auckland';
const SANTIAGO = 'America/Santiago';

/** Fixture helper with its own parsing, so the fixtures do not depend on parseClockTime. */
function slot(weekday: Weekday, start: string, end: string): WeeklySlot {
  const minute = (text: string): number => {
    const [hours, minutes] = text.split(':').map(Number);
    return hours * 60 + minutes;
  };
  return { weekday, startMinute: minute(start), endMinute: minute(end) };
}

const WHOLE_WEEK = WEEKDAYS.map((weekday) => slot(weekday, '00:00', '24:00'));
const WHOLE_WEEK_IN_HALVES = WEEKDAYS.flatMap((weekday) => [
  slot(weekday, '00:00', '12:00'),
  slot(weekday, '12:00', '24:00'),
]);
const PARIS_MIDNIGHT_SHIFT = [slot(MONDAY, '22:00', '24:00'), slot(TUESDAY, '00:00', '02:00')];
const WEEK_WRAP = [slot(MONDAY, '00:00', '06:00'), slot(SUNDAY, '22:00', '24:00')];
const OFFICE_MONDAY = [slot(MONDAY, '09:00', '17:00')];
/** Twenty slots: three a working day, a night shift from Saturday 22:00 to Sunday 02:00. */
const TWENTY_SLOTS = [
  ...WEEKDAYS.slice(0, 5).flatMap((weekday) => [
    slot(weekday, '08:00', '12:00'),
    slot(weekday, '13:00', '17:00'),
    slot(weekday, '18:00', '20:00'),
  ]),
  slot(SATURDAY, '10:00', '12:00'),
  slot(SATURDAY, '22:00', '24:00'),
  slot(SUNDAY, '00:00', '02:00'),
  slot(SUNDAY, '14:00', '16:00'),
  slot(SUNDAY, '23:00', '24:00'),
];

describe('parseClockTime', () => {
  it.each<[string, boolean, number | null]>([
    ['09:00', false, 540],
    ['00:00', false, 0],
    ['00:00', true, 0],
    ['23:59', false, 1439],
    ['12:30', true, 750],
    ['24:00', true, 1440],
    ['24:00', false, null],
    ['24:01', true, null],
    ['24:01', false, null],
    ['9:00', false, null],
    ['09:0', false, null],
    ['25:00', true, null],
    ['12:60', false, null],
    [' 09:00', false, null],
    ['09:00 ', false, null],
    ['09:00\n', false, null],
    ['09:00:00', false, null],
    ['0900', false, null],
    ['09h00', false, null],
    ['-1:00', false, null],
    ['', true, null],
    ['１２:００', false, null],
  ])('parses %p (allowEndOfDay %p) as %p', (text, allowEndOfDay, expected) => {
    expect(parseClockTime(text, allowEndOfDay)).toBe(expected);
  });
});

describe('formatClockTime', () => {
  it.each([
    [0, '00:00'],
    [61, '01:01'],
    [540, '09:00'],
    [1439, '23:59'],
    [1440, '24:00'],
  ])('formats %p as %p', (minute, expected) => {
    expect(formatClockTime(minute)).toBe(expected);
  });

  it.each([-1, 1441, 1.5, NaN])('refuses %p', (minute) => {
    expect(() => formatClockTime(minute)).toThrow(RangeError);
  });

  it.each([0, 59, 540, 1439])('round-trips %p through parseClockTime', (minute) => {
    expect(parseClockTime(formatClockTime(minute), false)).toBe(minute);
  });
});

describe('findOverlap', () => {
  const existing = [
    { id: 'a', ...slot(MONDAY, '09:00', '12:00') },
    { id: 'b', ...slot(MONDAY, '13:00', '17:00') },
    { id: 'c', ...slot(TUESDAY, '09:00', '17:00') },
  ];

  it.each<[string, WeeklySlot, string | undefined]>([
    ['overlaps the end of one slot and the start of the next', slot(MONDAY, '11:00', '14:00'), 'a'],
    ['lies inside a slot', slot(MONDAY, '10:00', '11:00'), 'a'],
    ['contains a slot', slot(MONDAY, '12:30', '18:00'), 'b'],
    ['equals a slot', slot(TUESDAY, '09:00', '17:00'), 'c'],
    ['overlaps by one minute', slot(MONDAY, '16:59', '18:00'), 'b'],
    ['touches slots on both sides', slot(MONDAY, '12:00', '13:00'), undefined],
    ['touches the start of a slot', slot(MONDAY, '00:00', '09:00'), undefined],
    ['touches the end of a slot', slot(MONDAY, '17:00', '24:00'), undefined],
    ['is on a weekday without slots', slot(WEDNESDAY, '09:00', '17:00'), undefined],
    ['is at the same time on another weekday', slot(SUNDAY, '10:00', '11:00'), undefined],
  ])('when the candidate %s, returns %p', (_label, candidate, expectedId) => {
    expect(findOverlap(existing, candidate)?.id).toBe(expectedId);
  });

  it('finds nothing among no slots', () => {
    expect(findOverlap([], slot(MONDAY, '00:00', '24:00'))).toBeUndefined();
  });
});

describe('sortSlots', () => {
  it('orders by weekday, Monday first, then by start, without mutating its input', () => {
    const slots = [
      slot(SUNDAY, '00:00', '01:00'),
      slot(TUESDAY, '13:00', '14:00'),
      slot(MONDAY, '22:00', '24:00'),
      slot(TUESDAY, '08:00', '09:00'),
      slot(MONDAY, '09:00', '12:00'),
      slot(SATURDAY, '10:00', '11:00'),
    ];
    const before = [...slots];
    expect(sortSlots(slots).map(({ weekday, startMinute }) => `${weekday} ${startMinute}`)).toEqual(
      ['MONDAY 540', 'MONDAY 1320', 'TUESDAY 480', 'TUESDAY 780', 'SATURDAY 600', 'SUNDAY 0'],
    );
    expect(slots).toEqual(before);
  });

  it('keeps extra fields', () => {
    const sorted = sortSlots([
      { id: 2, ...slot(TUESDAY, '09:00', '10:00') },
      { id: 1, ...slot(MONDAY, '09:00', '10:00') },
    ]);
    expect(sorted.map(({ id }) => id)).toEqual([1, 2]);
  });
});

describe('isInSlot', () => {
  it.each<[string, readonly WeeklySlot[], string, string, boolean]>([
    ['Paris, a minute before the start', OFFICE_MONDAY, PARIS, '2026-03-16T07:59:59.999Z', false],
    ['Paris, at the start (inclusive)', OFFICE_MONDAY, PARIS, '2026-03-16T08:00:00.000Z', true],
    ['Paris, just before the end', OFFICE_MONDAY, PARIS, '2026-03-16T15:59:59.999Z', true],
    ['Paris, at the end (exclusive)', OFFICE_MONDAY, PARIS, '2026-03-16T16:00:00.000Z', false],
    ['Paris, same hours on Tuesday', OFFICE_MONDAY, PARIS, '2026-03-17T10:00:00.000Z', false],
    [
      'Paris spring forward, 01:59:59 local before a 02:30 slot',
      [slot(SUNDAY, '02:30', '04:00')],
      PARIS,
      '2026-03-29T00:59:59.999Z',
      false,
    ],
    [
      'Paris spring forward, 03:00 local after the jump',
      [slot(SUNDAY, '02:30', '04:00')],
      PARIS,
      '2026-03-29T01:00:00.000Z',
      true,
    ],
    [
      'Paris fall back, first 02:45',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T00:45:00.000Z',
      true,
    ],
    [
      'Paris fall back, second 02:15',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T01:15:00.000Z',
      false,
    ],
    [
      'Paris fall back, second 02:45',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T01:45:00.000Z',
      true,
    ],
    [
      'Kolkata, 08:59 local',
      [slot(MONDAY, '09:00', '18:00')],
      KOLKATA,
      '2026-03-09T03:29:59.999Z',
      false,
    ],
    [
      'Kolkata, 09:00 local',
      [slot(MONDAY, '09:00', '18:00')],
      KOLKATA,
      '2026-03-09T03:30:00.000Z',
      true,
    ],
    [
      'Auckland Monday 08:00 while it is still Sunday in UTC',
      [slot(MONDAY, '08:00', '17:00')],
      AUCKLAND,
      '2026-04-05T20:00:00.000Z',
      true,
    ],
    ['Paris Sunday 23:59, week wrap', WEEK_WRAP, PARIS, '2026-03-22T22:59:00.000Z', true],
    ['Paris Monday 00:00, week wrap', WEEK_WRAP, PARIS, '2026-03-22T23:00:00.000Z', true],
    ['no slots', [], PARIS, '2026-03-16T10:00:00.000Z', false],
    ['whole week', WHOLE_WEEK, PARIS, '2026-03-29T01:00:00.000Z', true],
  ])('%s', (_label, slots, timeZone, at, expected) => {
    expect(isInSlot(slots, timeZone, new Date(at))).toBe(expected);
  });

  it('refuses an unknown time zone', () => {
    expect(() => isInSlot(OFFICE_MONDAY, 'Mars/Olympus', new Date())).toThrow(RangeError);
  });
});

describe('nextScheduleFlip', () => {
  it.each<[string, readonly WeeklySlot[], string, string, string | null]>([
    // Europe/Paris, spring forward on Sunday 2026-03-29 at 01:00Z (02:00 CET -> 03:00 CEST).
    [
      'Paris, slot at 02:30 on the spring-forward day starts at 03:00 local (from local midnight)',
      [slot(SUNDAY, '02:30', '04:00')],
      PARIS,
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'Paris, slot at 02:30 on the spring-forward day starts at 03:00 local (from 01:59:59.999)',
      [slot(SUNDAY, '02:30', '04:00')],
      PARIS,
      '2026-03-29T00:59:59.999Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'Paris, slot at 02:30 on the spring-forward day ends at 04:00 CEST',
      [slot(SUNDAY, '02:30', '04:00')],
      PARIS,
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ],
    [
      'Paris, slot ending at 02:30 on the spring-forward day ends at the jump',
      [slot(SUNDAY, '01:00', '02:30')],
      PARIS,
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'Paris, Saturday slot next week, across the change to CEST',
      [slot(SATURDAY, '09:00', '17:00')],
      PARIS,
      '2026-03-28T17:00:00.000Z',
      '2026-04-04T07:00:00.000Z',
    ],
    // Europe/Paris, fall back on Sunday 2026-10-25 at 01:00Z (03:00 CEST -> 02:00 CET).
    [
      'Paris fall back, first 02:30 (CEST)',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'Paris fall back, the clock going back to 02:00 leaves the slot',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
    ],
    [
      'Paris fall back, second 02:30 (CET)',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'Paris fall back, 03:00 CET',
      [slot(SUNDAY, '02:30', '03:00')],
      PARIS,
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ],
    [
      'Paris fall back, slot ending at 02:30 ends first at 02:30 CEST',
      [slot(SUNDAY, '01:00', '02:30')],
      PARIS,
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'Paris fall back, slot ending at 02:30 resumes when the clock goes back',
      [slot(SUNDAY, '01:00', '02:30')],
      PARIS,
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
    ],
    [
      'Paris fall back, slot ending at 02:30 ends again at 02:30 CET',
      [slot(SUNDAY, '01:00', '02:30')],
      PARIS,
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'Paris fall back, then next Sunday 01:00 CET',
      [slot(SUNDAY, '01:00', '02:30')],
      PARIS,
      '2026-10-25T01:30:00.000Z',
      '2026-11-01T00:00:00.000Z',
    ],
    // America/New_York: EST -5 -> EDT -4 on 2026-03-08 at 07:00Z; back on 2026-11-01 at 06:00Z.
    [
      'New York, Friday evening to Monday 09:00 EDT',
      OFFICE_MONDAY,
      NEW_YORK,
      '2026-03-06T22:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ],
    [
      'New York, Monday 17:00 EDT',
      OFFICE_MONDAY,
      NEW_YORK,
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T21:00:00.000Z',
    ],
    [
      'New York, slot inside the skipped hour waits a week',
      [slot(SUNDAY, '02:00', '03:00')],
      NEW_YORK,
      '2026-03-08T06:00:00.000Z',
      '2026-03-15T06:00:00.000Z',
    ],
    [
      'New York fall back, first 01:00 (EDT)',
      [slot(SUNDAY, '01:00', '01:30')],
      NEW_YORK,
      '2026-11-01T04:00:00.000Z',
      '2026-11-01T05:00:00.000Z',
    ],
    [
      'New York fall back, first 01:30 (EDT)',
      [slot(SUNDAY, '01:00', '01:30')],
      NEW_YORK,
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
    ],
    [
      'New York fall back, second 01:00 (EST)',
      [slot(SUNDAY, '01:00', '01:30')],
      NEW_YORK,
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z',
    ],
    [
      'New York fall back, second 01:30 (EST)',
      [slot(SUNDAY, '01:00', '01:30')],
      NEW_YORK,
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ],
    // Asia/Kolkata: +05:30, no DST.
    [
      'Kolkata, 09:00 IST',
      [slot(MONDAY, '09:00', '18:00')],
      KOLKATA,
      '2026-03-09T00:00:00.000Z',
      '2026-03-09T03:30:00.000Z',
    ],
    [
      'Kolkata, 18:00 IST',
      [slot(MONDAY, '09:00', '18:00')],
      KOLKATA,
      '2026-03-09T03:30:00.000Z',
      '2026-03-09T12:30:00.000Z',
    ],
    [
      'Kolkata, midnight-crossing shift ends Tuesday 02:00 IST',
      PARIS_MIDNIGHT_SHIFT,
      KOLKATA,
      '2026-03-09T17:00:00.000Z',
      '2026-03-09T20:30:00.000Z',
    ],
    // Pacific/Auckland: NZDT +13 -> NZST +12 on 2026-04-05 at 03:00 local (2026-04-04T14:00Z);
    // back to +13 on 2026-09-27 at 02:00 local (2026-09-26T14:00Z).
    [
      'Auckland fall back, first 02:00 (NZDT)',
      [slot(SUNDAY, '02:00', '02:30')],
      AUCKLAND,
      '2026-04-04T12:00:00.000Z',
      '2026-04-04T13:00:00.000Z',
    ],
    [
      'Auckland fall back, first 02:30 (NZDT)',
      [slot(SUNDAY, '02:00', '02:30')],
      AUCKLAND,
      '2026-04-04T13:00:00.000Z',
      '2026-04-04T13:30:00.000Z',
    ],
    [
      'Auckland fall back, the clock going back to 02:00 re-enters the slot',
      [slot(SUNDAY, '02:00', '02:30')],
      AUCKLAND,
      '2026-04-04T13:30:00.000Z',
      '2026-04-04T14:00:00.000Z',
    ],
    [
      'Auckland fall back, second 02:30 (NZST)',
      [slot(SUNDAY, '02:00', '02:30')],
      AUCKLAND,
      '2026-04-04T14:00:00.000Z',
      '2026-04-04T14:30:00.000Z',
    ],
    [
      'Auckland, Monday 08:00 NZST is Sunday in UTC',
      [slot(MONDAY, '08:00', '17:00')],
      AUCKLAND,
      '2026-04-05T19:00:00.000Z',
      '2026-04-05T20:00:00.000Z',
    ],
    [
      'Auckland, Monday 17:00 NZST',
      [slot(MONDAY, '08:00', '17:00')],
      AUCKLAND,
      '2026-04-05T20:00:00.000Z',
      '2026-04-06T05:00:00.000Z',
    ],
    [
      'Auckland spring forward, slot inside the skipped hour waits a week',
      [slot(SUNDAY, '02:00', '03:00')],
      AUCKLAND,
      '2026-09-26T13:00:00.000Z',
      '2026-10-03T13:00:00.000Z',
    ],
    [
      'Auckland spring forward, slot at 02:30 starts at 03:00 NZDT',
      [slot(SUNDAY, '02:30', '04:00')],
      AUCKLAND,
      '2026-09-26T13:00:00.000Z',
      '2026-09-26T14:00:00.000Z',
    ],
    [
      'Auckland spring forward, slot at 02:30 ends at 04:00 NZDT',
      [slot(SUNDAY, '02:30', '04:00')],
      AUCKLAND,
      '2026-09-26T14:00:00.000Z',
      '2026-09-26T15:00:00.000Z',
    ],
    // America/Santiago: -04 -> -03 at Saturday 2026-09-05 24:00, so Sunday 00:00 never occurs.
    [
      'Santiago, shift across a skipped midnight starts at Saturday 22:00',
      [slot(SATURDAY, '22:00', '24:00'), slot(SUNDAY, '00:00', '02:00')],
      SANTIAGO,
      '2026-09-06T01:00:00.000Z',
      '2026-09-06T02:00:00.000Z',
    ],
    [
      'Santiago, shift across a skipped midnight is one period',
      [slot(SATURDAY, '22:00', '24:00'), slot(SUNDAY, '00:00', '02:00')],
      SANTIAGO,
      '2026-09-06T03:00:00.000Z',
      '2026-09-06T05:00:00.000Z',
    ],
    // Seams, in Paris (CET) the week of Monday 2026-03-16.
    [
      'midnight-crossing shift, starts Monday 22:00',
      PARIS_MIDNIGHT_SHIFT,
      PARIS,
      '2026-03-16T20:00:00.000Z',
      '2026-03-16T21:00:00.000Z',
    ],
    [
      'midnight-crossing shift, no flip at midnight',
      PARIS_MIDNIGHT_SHIFT,
      PARIS,
      '2026-03-16T21:30:00.000Z',
      '2026-03-17T01:00:00.000Z',
    ],
    [
      'midnight-crossing shift, from the seam itself',
      PARIS_MIDNIGHT_SHIFT,
      PARIS,
      '2026-03-16T23:00:00.000Z',
      '2026-03-17T01:00:00.000Z',
    ],
    [
      'midnight-crossing shift, from just before the seam',
      PARIS_MIDNIGHT_SHIFT,
      PARIS,
      '2026-03-16T22:59:59.999Z',
      '2026-03-17T01:00:00.000Z',
    ],
    [
      'week wrap, no flip between Sunday 24:00 and Monday 00:00',
      WEEK_WRAP,
      PARIS,
      '2026-03-22T22:00:00.000Z',
      '2026-03-23T05:00:00.000Z',
    ],
    [
      'week wrap, next Sunday 22:00 is in CEST',
      WEEK_WRAP,
      PARIS,
      '2026-03-23T05:00:00.000Z',
      '2026-03-29T20:00:00.000Z',
    ],
    [
      'touching slots on one day, no flip at 12:00',
      [slot(MONDAY, '09:00', '12:00'), slot(MONDAY, '12:00', '17:00')],
      PARIS,
      '2026-03-16T08:00:00.000Z',
      '2026-03-16T16:00:00.000Z',
    ],
    [
      'touching slots on one day, from the seam itself',
      [slot(MONDAY, '12:00', '17:00'), slot(MONDAY, '09:00', '12:00')],
      PARIS,
      '2026-03-16T11:00:00.000Z',
      '2026-03-16T16:00:00.000Z',
    ],
    [
      'touching slots on one day, before they start',
      [slot(MONDAY, '09:00', '12:00'), slot(MONDAY, '12:00', '17:00')],
      PARIS,
      '2026-03-16T07:00:00.000Z',
      '2026-03-16T08:00:00.000Z',
    ],
    // Seams elsewhere: Auckland (NZST, +12) and Kolkata (+05:30).
    [
      'Auckland, midnight-crossing shift ends Tuesday 02:00 NZST',
      PARIS_MIDNIGHT_SHIFT,
      AUCKLAND,
      '2026-04-13T10:30:00.000Z',
      '2026-04-13T14:00:00.000Z',
    ],
    [
      'Kolkata, week wrap, no flip between Sunday 24:00 and Monday 00:00',
      WEEK_WRAP,
      KOLKATA,
      '2026-03-15T17:00:00.000Z',
      '2026-03-16T00:30:00.000Z',
    ],
    [
      'Kolkata, week wrap, from Monday 06:00 to next Sunday 22:00',
      WEEK_WRAP,
      KOLKATA,
      '2026-03-16T00:30:00.000Z',
      '2026-03-22T16:30:00.000Z',
    ],
    // Twenty slots, in Paris.
    [
      'twenty slots, Friday 20:00 to Saturday 10:00',
      TWENTY_SLOTS,
      PARIS,
      '2026-03-20T19:00:00.000Z',
      '2026-03-21T09:00:00.000Z',
    ],
    [
      'twenty slots, the Saturday night shift runs through midnight',
      TWENTY_SLOTS,
      PARIS,
      '2026-03-21T21:30:00.000Z',
      '2026-03-22T01:00:00.000Z',
    ],
    [
      'twenty slots, Sunday 23:00 ends at the week wrap',
      TWENTY_SLOTS,
      PARIS,
      '2026-03-22T22:30:00.000Z',
      '2026-03-22T23:00:00.000Z',
    ],
    [
      'twenty slots, the night shift ends at 02:00 CET, the instant the clock jumps to 03:00',
      TWENTY_SLOTS,
      PARIS,
      '2026-03-28T21:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'twenty slots, Sunday 02:00 to 14:00 CEST',
      TWENTY_SLOTS,
      PARIS,
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T12:00:00.000Z',
    ],
    // Never changes.
    ['no slots', [], PARIS, '2026-03-16T10:00:00.000Z', null],
    ['no slots, across DST', [], AUCKLAND, '2026-09-26T13:00:00.000Z', null],
    ['whole week covered', WHOLE_WEEK, PARIS, '2026-03-16T10:00:00.000Z', null],
    ['whole week covered, across DST', WHOLE_WEEK, PARIS, '2026-03-29T00:30:00.000Z', null],
    [
      'whole week covered in halves',
      WHOLE_WEEK_IN_HALVES,
      AUCKLAND,
      '2026-04-04T13:00:00.000Z',
      null,
    ],
    [
      'whole week covered, one slot a day, in Kolkata',
      WHOLE_WEEK,
      KOLKATA,
      '2026-03-15T18:30:00.000Z',
      null,
    ],
    [
      'whole week covered in halves and listed in disorder',
      [...WHOLE_WEEK_IN_HALVES].reverse(),
      SANTIAGO,
      '2026-09-05T12:00:00.000Z',
      null,
    ],
  ])('%s', (_label, slots, timeZone, after, expected) => {
    expect(nextScheduleFlip(slots, timeZone, new Date(after))?.toISOString() ?? null).toBe(
      expected,
    );
  });
});

describe('nextScheduleFlip agrees with a minute-by-minute scan of isInSlot', () => {
  /** Edges in and around the hours DST moves, on every day of the week. */
  const BUSY = WEEKDAYS.flatMap((weekday) => [
    slot(weekday, '00:00', '01:30'),
    slot(weekday, '02:15', '02:45'),
    slot(weekday, '03:00', '09:00'),
    slot(weekday, '09:00', '10:00'),
    slot(weekday, '22:00', '24:00'),
  ]);
  const MINUTE = 60_000;

  function scannedFlips(slots: readonly WeeklySlot[], timeZone: string, from: number, to: number) {
    const flips: string[] = [];
    let previous = isInSlot(slots, timeZone, new Date(from));
    for (let instant = from + MINUTE; instant <= to; instant += MINUTE) {
      const current = isInSlot(slots, timeZone, new Date(instant));
      if (current !== previous) {
        flips.push(new Date(instant).toISOString());
      }
      previous = current;
    }
    return flips;
  }

  function chainedFlips(slots: readonly WeeklySlot[], timeZone: string, from: number, to: number) {
    const flips: string[] = [];
    for (
      let flip = nextScheduleFlip(slots, timeZone, new Date(from));
      flip !== null && flip.getTime() <= to;
      flip = nextScheduleFlip(slots, timeZone, flip)
    ) {
      flips.push(flip.toISOString());
    }
    return flips;
  }

  it.each([
    [PARIS, '2026-03-28T12:00:00.000Z'],
    [PARIS, '2026-10-24T12:00:00.000Z'],
    [NEW_YORK, '2026-03-07T12:00:00.000Z'],
    [NEW_YORK, '2026-10-31T12:00:00.000Z'],
    [AUCKLAND, '2026-04-04T00:00:00.000Z'],
    [AUCKLAND, '2026-09-26T00:00:00.000Z'],
    [KOLKATA, '2026-03-08T00:00:00.000Z'],
    [SANTIAGO, '2026-09-05T12:00:00.000Z'],
    [SANTIAGO, '2026-04-04T12:00:00.000Z'],
  ])('in %s for two days from %s', (timeZone, start) => {
    const from = Date.parse(start);
    const to = from + 2 * 24 * 60 * MINUTE;
    const expected = scannedFlips(BUSY, timeZone, from, to);
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(chainedFlips(BUSY, timeZone, from, to)).toEqual(expected);
  });
});

describe('nextScheduleFlip agrees with the wall clock read through Intl, minute by minute', () => {
  const MINUTE = 60_000;
  /** isInSlot's definition, on the zone's wall clock as Intl shows it, independently of it. */
  function inSlotPerIntl(slots: readonly WeeklySlot[], timeZone: string, at: number): boolean {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    }).formatToParts(at);
    const part = (type: Intl.DateTimeFormatPartTypes): string =>
      parts.find((candidate) => candidate.type === type)?.value ?? '';
    const weekday = part('weekday').toUpperCase() as Weekday;
    const minuteOfDay = Number(part('hour')) * 60 + Number(part('minute'));
    return slots.some(
      (candidate) =>
        candidate.weekday === weekday &&
        candidate.startMinute <= minuteOfDay &&
        minuteOfDay < candidate.endMinute,
    );
  }

  it.each([
    [PARIS, '2026-03-28T12:00:00.000Z'],
    [PARIS, '2026-10-24T12:00:00.000Z'],
    [AUCKLAND, '2026-04-04T00:00:00.000Z'],
    [AUCKLAND, '2026-09-26T00:00:00.000Z'],
    [KOLKATA, '2026-03-21T00:00:00.000Z'],
    [SANTIAGO, '2026-09-05T00:00:00.000Z'],
    // Lord Howe Island moves its clocks by 30 minutes.
    ['Australia/Lord_Howe', '2026-04-04T00:00:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-03T00:00:00.000Z'],
  ])('twenty slots in %s for two days from %s', (timeZone, start) => {
    const from = Date.parse(start);
    const to = from + 2 * 24 * 60 * MINUTE;
    const expected: string[] = [];
    let previous = inSlotPerIntl(TWENTY_SLOTS, timeZone, from);
    for (let instant = from + MINUTE; instant <= to; instant += MINUTE) {
      const current = inSlotPerIntl(TWENTY_SLOTS, timeZone, instant);
      if (current !== previous) {
        expected.push(new Date(instant).toISOString());
      }
      previous = current;
    }
    const flips: string[] = [];
    for (
      let flip = nextScheduleFlip(TWENTY_SLOTS, timeZone, new Date(from));
      flip !== null && flip.getTime() <= to;
      flip = nextScheduleFlip(TWENTY_SLOTS, timeZone, flip)
    ) {
      flips.push(flip.toISOString());
    }
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(flips).toEqual(expected);
  });
});

describe('endOfLocalDay and minutesLeftInLocalDay', () => {
  it.each([
    ['Paris 23:59:30 CET', PARIS, '2026-03-16T22:59:30.000Z', '2026-03-16T23:00:00.000Z', 0],
    ['Paris 23:00 CET', PARIS, '2026-03-16T22:00:00.000Z', '2026-03-16T23:00:00.000Z', 60],
    ['Paris 00:00 CET', PARIS, '2026-03-16T23:00:00.000Z', '2026-03-17T23:00:00.000Z', 1440],
    [
      'Paris spring-forward day (23 h)',
      PARIS,
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      1380,
    ],
    [
      'Paris fall-back day (25 h)',
      PARIS,
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
      1500,
    ],
    [
      'Paris fall-back day, first 02:30',
      PARIS,
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T23:00:00.000Z',
      1350,
    ],
    ['Kolkata 23:59 IST', KOLKATA, '2026-03-09T18:29:00.000Z', '2026-03-09T18:30:00.000Z', 1],
    ['Kolkata 00:00 IST', KOLKATA, '2026-03-09T18:30:00.000Z', '2026-03-10T18:30:00.000Z', 1440],
    ['Kolkata 17:30 IST', KOLKATA, '2026-03-09T12:00:00.000Z', '2026-03-09T18:30:00.000Z', 390],
    [
      'New York spring-forward day (23 h)',
      NEW_YORK,
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      1380,
    ],
    [
      'New York fall-back day (25 h)',
      NEW_YORK,
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      1500,
    ],
    [
      'Auckland fall-back day (25 h)',
      AUCKLAND,
      '2026-04-04T11:00:00.000Z',
      '2026-04-05T12:00:00.000Z',
      1500,
    ],
    [
      'Auckland spring-forward day (23 h)',
      AUCKLAND,
      '2026-09-26T12:00:00.000Z',
      '2026-09-27T11:00:00.000Z',
      1380,
    ],
    [
      'Auckland 23:59:59.999 NZDT',
      AUCKLAND,
      '2026-11-21T10:59:59.999Z',
      '2026-11-21T11:00:00.000Z',
      0,
    ],
    [
      'Santiago, skipped midnight: day ends at 01:00',
      SANTIAGO,
      '2026-09-05T16:00:00.000Z',
      '2026-09-06T04:00:00.000Z',
      720,
    ],
    [
      'Santiago, repeated 23:00 hour, first 23:30',
      SANTIAGO,
      '2026-04-05T02:30:00.000Z',
      '2026-04-05T04:00:00.000Z',
      90,
    ],
    [
      'Santiago, repeated 23:00 hour, second 23:30',
      SANTIAGO,
      '2026-04-05T03:30:00.000Z',
      '2026-04-05T04:00:00.000Z',
      30,
    ],
  ])('%s', (_label, timeZone, at, expectedEnd, expectedMinutes) => {
    expect(endOfLocalDay(timeZone, new Date(at)).toISOString()).toBe(expectedEnd);
    expect(minutesLeftInLocalDay(timeZone, new Date(at))).toBe(expectedMinutes);
  });
});

describe('computeSupportStatus', () => {
  const status = (
    state: ComputedSupportStatus['state'],
    reason: ComputedSupportStatus['reason'],
    changesAt: string | null,
  ) => ({ state, reason, changesAt });

  it.each<[string, readonly WeeklySlot[], string, string | null, ReturnType<typeof status>]>([
    // Paris, Monday 2026-03-16 (CET): the office slot is 08:00Z-16:00Z.
    [
      'in a slot',
      OFFICE_MONDAY,
      '2026-03-16T09:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-16T16:00:00.000Z'),
    ],
    [
      'outside slots',
      OFFICE_MONDAY,
      '2026-03-16T17:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'unavailable until an instant inside the slot',
      OFFICE_MONDAY,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T12:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-16T12:00:00.000Z'),
    ],
    [
      'unavailable until an instant outside any slot',
      OFFICE_MONDAY,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T18:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'unavailable until exactly the slot end',
      OFFICE_MONDAY,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T16:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'unavailable, before the slot, until exactly the slot start',
      OFFICE_MONDAY,
      '2026-03-16T06:00:00.000Z',
      '2026-03-16T08:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-16T08:00:00.000Z'),
    ],
    [
      'an unavailability ending now is over',
      OFFICE_MONDAY,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-16T16:00:00.000Z'),
    ],
    [
      'a past unavailability is ignored',
      OFFICE_MONDAY,
      '2026-03-16T17:00:00.000Z',
      '2026-03-16T12:00:00.000Z',
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'unavailable until the middle of a midnight-crossing shift',
      PARIS_MIDNIGHT_SHIFT,
      '2026-03-16T21:30:00.000Z',
      '2026-03-16T23:30:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-16T23:30:00.000Z'),
    ],
    [
      'unavailable until 01:30 CET, before a 02:30 slot on the spring-forward day',
      [slot(SUNDAY, '02:30', '04:00')],
      '2026-03-28T22:00:00.000Z',
      '2026-03-29T00:30:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-29T01:00:00.000Z'),
    ],
    [
      'no slots',
      [],
      '2026-03-16T09:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', null),
    ],
    [
      'no slots, unavailable',
      [],
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T12:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', null),
    ],
    [
      'whole week',
      WHOLE_WEEK,
      '2026-03-16T09:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', null),
    ],
    [
      'whole week, unavailable',
      WHOLE_WEEK,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T12:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-16T12:00:00.000Z'),
    ],
  ])('%s', (_label, slots, at, unavailableUntil, expected) => {
    const computed = computeSupportStatus(
      slots,
      PARIS,
      new Date(at),
      unavailableUntil === null ? null : new Date(unavailableUntil),
    );
    expect({
      state: computed.state,
      reason: computed.reason,
      changesAt: computed.changesAt?.toISOString() ?? null,
    }).toEqual(expected);
  });
});

/** Fixture helper: an override of `date` with "HH:MM-HH:MM" ranges (none: closed all day). */
function override(date: string, ...ranges: string[]): DatedOverride {
  const minute = (text: string): number => {
    const [hours, minutes] = text.split(':').map(Number);
    return hours * 60 + minutes;
  };
  return {
    date,
    ranges: ranges.map((range) => {
      const [start, end] = range.split('-');
      return { startMinute: minute(start), endMinute: minute(end) };
    }),
  };
}

describe('parseLocalDate and formatLocalDate', () => {
  it.each([
    ['2026-12-25', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2026-04-31', false],
    ['1969-12-31', true],
    ['0000-01-01', false],
    ['2027-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-1-05', false],
    ['26-01-05', false],
    ['2026-01-05T00:00', false],
    ['', false],
  ])('%s is a real calendar date: %s', (text, valid) => {
    const day = parseLocalDate(text);
    expect(day !== null).toBe(valid);
    if (day !== null) {
      expect(formatLocalDate(day)).toBe(text);
    }
  });

  it('agrees with Date on every day of several years', () => {
    for (let day = parseLocalDate('1999-12-01')!; day < parseLocalDate('2030-03-01')!; day += 1) {
      const text = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(parseLocalDate(text)).toBe(day);
    }
  });

  it('counts days across a DST change as calendar days', () => {
    expect(parseLocalDate('2026-03-30')! - parseLocalDate('2026-03-28')!).toBe(2);
  });
});

describe('localDateOf', () => {
  it('reads the date in the zone, not in UTC', () => {
    expect(localDateOf(PARIS, new Date('2026-12-24T23:30:00.000Z'))).toBe('2026-12-25');
    expect(localDateOf(NEW_YORK, new Date('2026-12-25T03:00:00.000Z'))).toBe('2026-12-24');
  });
});

describe('findRangeOverlap', () => {
  const range = (startMinute: number, endMinute: number) => ({ startMinute, endMinute });
  it('finds an overlap and lets ranges touch', () => {
    const ranges = [range(540, 600), range(720, 780)];
    expect(findRangeOverlap(ranges, range(600, 660))).toBeUndefined();
    expect(findRangeOverlap(ranges, range(480, 540))).toBeUndefined();
    expect(findRangeOverlap(ranges, range(590, 700))).toBe(ranges[0]);
    expect(findRangeOverlap(ranges, range(700, 1440))).toBe(ranges[1]);
  });
});

describe('computeSupportStatus with dated overrides', () => {
  const status = (
    state: ComputedSupportStatus['state'],
    reason: ComputedSupportStatus['reason'],
    changesAt: string | null,
  ) => ({ state, reason, changesAt });
  const compute = (
    schedule: Schedule,
    timeZone: string,
    at: string,
    unavailableUntil: string | null = null,
  ) => {
    const computed = computeSupportStatus(
      schedule,
      timeZone,
      new Date(at),
      unavailableUntil === null ? null : new Date(unavailableUntil),
    );
    return {
      state: computed.state,
      reason: computed.reason,
      changesAt: computed.changesAt?.toISOString() ?? null,
    };
  };

  it.each<[string, Schedule, string, string, string | null, ReturnType<typeof status>]>([
    // Paris, Monday 2026-03-16 (CET): the office slot is 08:00Z-16:00Z.
    [
      'a holiday closes a slot day all day',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-16')] },
      PARIS,
      '2026-03-16T09:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'a closed date between now and the next slot is skipped',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-16')] },
      PARIS,
      '2026-03-14T12:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'several closed weeks in a row are skipped',
      {
        slots: OFFICE_MONDAY,
        overrides: [override('2026-03-16'), override('2026-03-23'), override('2026-03-30')],
      },
      PARIS,
      '2026-03-14T12:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-04-06T07:00:00.000Z'),
    ],
    [
      'a closed date that is not a slot day changes nothing',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-17')] },
      PARIS,
      '2026-03-16T09:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-16T16:00:00.000Z'),
    ],
    [
      'special hours on a date without slots: before them',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-21', '10:00-14:00')] },
      PARIS,
      '2026-03-21T08:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-21T09:00:00.000Z'),
    ],
    [
      'special hours on a date without slots: inside them',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-21', '10:00-14:00')] },
      PARIS,
      '2026-03-21T10:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-21T13:00:00.000Z'),
    ],
    [
      'special hours on a date without slots: from the evening before',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-21', '10:00-14:00')] },
      PARIS,
      '2026-03-20T20:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-21T09:00:00.000Z'),
    ],
    [
      'special hours shorten a slot day',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-16', '10:00-12:00')] },
      PARIS,
      '2026-03-16T08:30:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-16T09:00:00.000Z'),
    ],
    [
      'touching ranges of an override are one stretch',
      { slots: [], overrides: [override('2026-03-18', '09:00-12:00', '12:00-14:00')] },
      PARIS,
      '2026-03-18T09:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-18T13:00:00.000Z'),
    ],
    [
      "an override running to 24:00 joins the next date's slot across midnight",
      {
        slots: [slot(TUESDAY, '00:00', '02:00')],
        overrides: [override('2026-03-16', '20:00-24:00')],
      },
      PARIS,
      '2026-03-16T20:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-17T01:00:00.000Z'),
    ],
    [
      "a slot to 24:00 joins the next date's override from 00:00 across midnight",
      {
        slots: [slot(MONDAY, '22:00', '24:00')],
        overrides: [override('2026-03-17', '00:00-03:00')],
      },
      PARIS,
      '2026-03-16T21:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-17T02:00:00.000Z'),
    ],
    [
      'a closed next date cuts a midnight-crossing shift at midnight',
      { slots: PARIS_MIDNIGHT_SHIFT, overrides: [override('2026-03-17')] },
      PARIS,
      '2026-03-16T21:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-16T23:00:00.000Z'),
    ],
    [
      'an override at the week wrap: Monday special hours after a Sunday night slot',
      { slots: WEEK_WRAP, overrides: [override('2026-03-23', '00:00-02:00')] },
      PARIS,
      '2026-03-22T21:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-23T01:00:00.000Z'),
    ],
    [
      "an override at the week wrap: Sunday special hours run into Monday's slot",
      { slots: WEEK_WRAP, overrides: [override('2026-03-22', '18:00-24:00')] },
      PARIS,
      '2026-03-22T17:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-23T05:00:00.000Z'),
    ],
    [
      'an override at the week wrap: a closed Monday ends the Sunday night at midnight',
      { slots: WEEK_WRAP, overrides: [override('2026-03-23')] },
      PARIS,
      '2026-03-22T21:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-22T23:00:00.000Z'),
    ],
    [
      'a closed date in an always-open template starts at its midnight',
      { slots: WHOLE_WEEK, overrides: [override('2026-12-25')] },
      PARIS,
      '2026-12-20T12:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-12-24T23:00:00.000Z'),
    ],
    [
      'a closed date in an always-open template ends at the next midnight',
      { slots: WHOLE_WEEK, overrides: [override('2026-12-25')] },
      PARIS,
      '2026-12-25T12:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-12-25T23:00:00.000Z'),
    ],
    [
      'special hours far ahead with no template',
      { slots: [], overrides: [override('2027-12-24', '10:00-12:00')] },
      PARIS,
      '2026-03-16T09:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2027-12-24T09:00:00.000Z'),
    ],
    [
      'past overrides are no edges',
      { slots: [], overrides: [override('2026-03-01', '10:00-12:00')] },
      PARIS,
      '2026-03-16T09:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', null),
    ],
    // Europe/Paris, spring forward on Sunday 2026-03-29 at 01:00Z (02:00 CET -> 03:00 CEST).
    [
      'Paris spring: override range ending at 02:30 ends at the jump',
      { slots: [], overrides: [override('2026-03-29', '01:00-02:30')] },
      PARIS,
      '2026-03-29T00:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-29T01:00:00.000Z'),
    ],
    [
      'Paris spring: override range starting at 02:30 starts at the jump',
      { slots: [], overrides: [override('2026-03-29', '02:30-04:00')] },
      PARIS,
      '2026-03-28T23:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-29T01:00:00.000Z'),
    ],
    [
      'Paris spring: override range starting at 02:30 ends at 04:00 CEST',
      { slots: [], overrides: [override('2026-03-29', '02:30-04:00')] },
      PARIS,
      '2026-03-29T01:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-29T02:00:00.000Z'),
    ],
    [
      'Paris spring: a closed DST date skips the Sunday slot',
      {
        slots: [slot(SUNDAY, '10:00', '12:00')],
        overrides: [override('2026-03-29')],
      },
      PARIS,
      '2026-03-28T12:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-04-05T08:00:00.000Z'),
    ],
    // Europe/Paris, fall back on Sunday 2026-10-25 at 01:00Z (03:00 CEST -> 02:00 CET).
    [
      'Paris autumn: first 02:30 (CEST)',
      { slots: [], overrides: [override('2026-10-25', '02:30-03:00')] },
      PARIS,
      '2026-10-25T00:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-10-25T00:30:00.000Z'),
    ],
    [
      'Paris autumn: the clock going back to 02:00 leaves the override range',
      { slots: [], overrides: [override('2026-10-25', '02:30-03:00')] },
      PARIS,
      '2026-10-25T00:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-10-25T01:00:00.000Z'),
    ],
    [
      'Paris autumn: second 02:30 (CET)',
      { slots: [], overrides: [override('2026-10-25', '02:30-03:00')] },
      PARIS,
      '2026-10-25T01:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-10-25T01:30:00.000Z'),
    ],
    [
      'Paris autumn: 03:00 CET ends it for good',
      { slots: [], overrides: [override('2026-10-25', '02:30-03:00')] },
      PARIS,
      '2026-10-25T01:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-10-25T02:00:00.000Z'),
    ],
    [
      'Paris autumn: special hours 10:00-12:00 keep their wall-clock edges (CET)',
      { slots: [], overrides: [override('2026-10-25', '10:00-12:00')] },
      PARIS,
      '2026-10-24T22:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-10-25T09:00:00.000Z'),
    ],
    // America/New_York, spring forward on Sunday 2026-03-08 at 07:00Z (02:00 EST -> 03:00 EDT).
    [
      'New York spring: override range from 01:00 EST',
      { slots: [], overrides: [override('2026-03-08', '01:00-02:30')] },
      NEW_YORK,
      '2026-03-08T05:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-08T06:00:00.000Z'),
    ],
    [
      'New York spring: override range ending at 02:30 ends at the jump',
      { slots: [], overrides: [override('2026-03-08', '01:00-02:30')] },
      NEW_YORK,
      '2026-03-08T06:00:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-03-08T07:00:00.000Z'),
    ],
    [
      'New York spring: special hours 09:00-17:00 EDT on the change date',
      { slots: [], overrides: [override('2026-03-08', '09:00-17:00')] },
      NEW_YORK,
      '2026-03-08T05:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-03-08T13:00:00.000Z'),
    ],
    // America/New_York, fall back on Sunday 2026-11-01 at 06:00Z (02:00 EDT -> 01:00 EST).
    [
      'New York autumn: first 01:30 (EDT)',
      { slots: [], overrides: [override('2026-11-01', '01:30-02:00')] },
      NEW_YORK,
      '2026-11-01T04:30:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-11-01T05:30:00.000Z'),
    ],
    [
      'New York autumn: the clock going back to 01:00 leaves the override range',
      { slots: [], overrides: [override('2026-11-01', '01:30-02:00')] },
      NEW_YORK,
      '2026-11-01T05:30:00.000Z',
      null,
      status('ONLINE', 'IN_AVAILABILITY_SLOT', '2026-11-01T06:00:00.000Z'),
    ],
    [
      'New York autumn: second 01:30 (EST)',
      { slots: [], overrides: [override('2026-11-01', '01:30-02:00')] },
      NEW_YORK,
      '2026-11-01T06:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-11-01T06:30:00.000Z'),
    ],
    [
      'New York autumn: a closed change date skips the weekly Sunday slot',
      {
        slots: [slot(SUNDAY, '09:00', '17:00')],
        overrides: [override('2026-11-01')],
      },
      NEW_YORK,
      '2026-10-31T16:00:00.000Z',
      null,
      status('OFFLINE', 'OUTSIDE_AVAILABILITY_SLOTS', '2026-11-08T14:00:00.000Z'),
    ],
    // A temporary unavailability wins over an override.
    [
      'a temporary unavailability over an override range, ending inside it',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-21', '10:00-14:00')] },
      PARIS,
      '2026-03-21T09:30:00.000Z',
      '2026-03-21T11:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-21T11:00:00.000Z'),
    ],
    [
      'a temporary unavailability over an override range, ending after it',
      { slots: OFFICE_MONDAY, overrides: [override('2026-03-21', '10:00-14:00')] },
      PARIS,
      '2026-03-21T09:30:00.000Z',
      '2026-03-21T13:30:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-23T08:00:00.000Z'),
    ],
    [
      'a temporary unavailability on a holiday: the flip skips the holiday',
      {
        slots: [slot(MONDAY, '09:00', '17:00'), slot(TUESDAY, '09:00', '17:00')],
        overrides: [override('2026-03-17')],
      },
      PARIS,
      '2026-03-16T09:00:00.000Z',
      '2026-03-16T20:00:00.000Z',
      status('OFFLINE', 'TEMPORARILY_UNAVAILABLE', '2026-03-23T08:00:00.000Z'),
    ],
  ])('%s', (_label, schedule, timeZone, at, unavailableUntil, expected) => {
    expect(compute(schedule, timeZone, at, unavailableUntil)).toEqual(expected);
  });

  it("names today's override, and when the date moves to or from an override date", () => {
    const schedule = {
      slots: OFFICE_MONDAY,
      overrides: [override('2026-12-25'), override('2026-12-26', '10:00-12:00')],
    };
    const christmasEve = computeSupportStatus(
      schedule,
      PARIS,
      new Date('2026-12-24T12:00:00.000Z'),
      null,
    );
    expect(christmasEve.overrideDate).toBeNull();
    expect(christmasEve.overrideDateChangesAt?.toISOString()).toBe('2026-12-24T23:00:00.000Z');
    const christmas = computeSupportStatus(
      schedule,
      PARIS,
      new Date('2026-12-24T23:00:00.000Z'),
      null,
    );
    expect(christmas.overrideDate).toBe('2026-12-25');
    expect(christmas.overrideDateChangesAt?.toISOString()).toBe('2026-12-25T23:00:00.000Z');
    const ordinary = computeSupportStatus(
      schedule,
      PARIS,
      new Date('2026-12-20T12:00:00.000Z'),
      null,
    );
    expect(ordinary.overrideDate).toBeNull();
    expect(ordinary.overrideDateChangesAt).toBeNull();
  });

  it.each([
    // Paris springs forward on 2026-03-29: its midnight that night is 22:00Z (CEST).
    [PARIS, '2026-03-28T12:00:00.000Z', '2026-03-28T23:00:00.000Z'],
    [PARIS, '2026-03-29T12:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    [PARIS, '2026-10-25T12:00:00.000Z', '2026-10-25T23:00:00.000Z'],
    [NEW_YORK, '2026-03-08T12:00:00.000Z', '2026-03-09T04:00:00.000Z'],
    [NEW_YORK, '2026-11-01T12:00:00.000Z', '2026-11-02T05:00:00.000Z'],
    // Santiago's clocks change at midnight itself.
    [SANTIAGO, '2026-09-05T12:00:00.000Z', '2026-09-06T04:00:00.000Z'],
    [SANTIAGO, '2026-04-04T12:00:00.000Z', '2026-04-05T04:00:00.000Z'],
  ])('in %s at %s, the override date changes at %s', (timeZone, at, midnight) => {
    const date = localDateOf(timeZone, new Date(at));
    const computed = computeSupportStatus(
      { slots: [], overrides: [override(date)] },
      timeZone,
      new Date(at),
      null,
    );
    expect(computed.overrideDate).toBe(date);
    expect(computed.overrideDateChangesAt?.toISOString()).toBe(midnight);
    expect(computed.overrideDateChangesAt).toEqual(endOfLocalDay(timeZone, new Date(at)));
  });
});

describe('nextScheduleFlip with overrides agrees with a minute-by-minute scan', () => {
  const MINUTE = 60_000;
  const BUSY = WEEKDAYS.flatMap((weekday) => [
    slot(weekday, '00:00', '01:30'),
    slot(weekday, '08:00', '12:00'),
    slot(weekday, '22:00', '24:00'),
  ]);
  const stateAt = (schedule: Schedule, timeZone: string, instant: number): string =>
    computeSupportStatus(schedule, timeZone, new Date(instant), null).state;

  it.each([
    [PARIS, '2026-03-27T12:00:00.000Z', ['2026-03-28', '2026-03-29', '2026-03-31']],
    [PARIS, '2026-10-23T12:00:00.000Z', ['2026-10-24', '2026-10-25', '2026-10-26']],
    [NEW_YORK, '2026-03-06T12:00:00.000Z', ['2026-03-07', '2026-03-08', '2026-03-10']],
    [NEW_YORK, '2026-10-30T12:00:00.000Z', ['2026-10-31', '2026-11-01', '2026-11-02']],
  ])('in %s for four days from %s', (timeZone, start, [closed, special, seam]) => {
    const schedule: Schedule = {
      slots: BUSY,
      overrides: [
        override(closed),
        override(special, '01:00-02:30', '02:30-03:00', '10:00-24:00'),
        override(seam, '00:00-00:30', '23:00-24:00'),
      ],
    };
    const from = Date.parse(start);
    const to = from + 4 * 24 * 60 * MINUTE;
    const expected: string[] = [];
    let previous = stateAt(schedule, timeZone, from);
    for (let instant = from + MINUTE; instant <= to; instant += MINUTE) {
      const current = stateAt(schedule, timeZone, instant);
      if (current !== previous) {
        expected.push(new Date(instant).toISOString());
      }
      previous = current;
    }
    const chained: string[] = [];
    for (
      let flip = nextScheduleFlip(schedule, timeZone, new Date(from));
      flip !== null && flip.getTime() <= to;
      flip = nextScheduleFlip(schedule, timeZone, flip)
    ) {
      chained.push(flip.toISOString());
    }
    expect(expected.length).toBeGreaterThanOrEqual(8);
    expect(chained).toEqual(expected);
  });
});
