import {
  movedSlot,
  resizedSlot,
  slotForClick,
  toMinutes,
  toTime,
  type CalendarSlot,
} from './calendar';

const slot = (
  id: string,
  start: string,
  end: string,
  weekday = 'MONDAY' as const,
): CalendarSlot => ({
  id,
  weekday,
  start: toMinutes(start),
  end: toMinutes(end),
});

describe('weekly calendar', () => {
  it('reads and writes the API times, 24:00 included', () => {
    expect(toMinutes('09:30')).toBe(570);
    expect(toTime(570)).toBe('09:30');
    expect(toTime(1440)).toBe('24:00');
  });

  it('adds a one-hour slot on the quarter hour of a click', () => {
    expect(slotForClick([], 'MONDAY', toMinutes('10:07'), 'n')).toEqual(
      slot('n', '10:00', '11:00'),
    );
  });

  it('clips a new slot at the next slot and at midnight', () => {
    const slots = [slot('a', '10:30', '12:00')];
    expect(slotForClick(slots, 'MONDAY', toMinutes('10:00'), 'n')?.end).toBe(toMinutes('10:30'));
    expect(slotForClick(slots, 'TUESDAY', toMinutes('10:00'), 'n')?.end).toBe(toMinutes('11:00'));
    expect(slotForClick([], 'MONDAY', toMinutes('23:40'), 'n')).toEqual(
      slot('n', '23:30', '24:00'),
    );
  });

  it('adds nothing on a click inside a slot', () => {
    expect(slotForClick([slot('a', '10:00', '12:00')], 'MONDAY', 660, 'n')).toBeNull();
  });

  it('moves a slot keeping its length, within the day, refusing overlaps', () => {
    const slots = [slot('a', '09:00', '10:00'), slot('b', '13:00', '14:00')];
    expect(movedSlot(slots, 'a', 'MONDAY', toMinutes('11:05'))).toEqual(
      slot('a', '11:00', '12:00'),
    );
    expect(movedSlot(slots, 'a', 'MONDAY', toMinutes('23:50'))).toEqual(
      slot('a', '23:00', '24:00'),
    );
    expect(movedSlot(slots, 'a', 'MONDAY', toMinutes('12:30'))).toBeNull();
    expect(movedSlot(slots, 'a', 'FRIDAY', toMinutes('13:00'))).toEqual({
      ...slot('a', '13:00', '14:00'),
      weekday: 'FRIDAY',
    });
  });

  it('extends a slot by its lower edge up to the next slot or midnight', () => {
    const slots = [slot('a', '09:00', '10:00'), slot('b', '13:00', '14:00')];
    expect(resizedSlot(slots, 'a', toMinutes('11:20'))?.end).toBe(toMinutes('11:15'));
    expect(resizedSlot(slots, 'a', toMinutes('15:00'))?.end).toBe(toMinutes('13:00'));
    expect(resizedSlot(slots, 'b', toMinutes('25:00'))?.end).toBe(toMinutes('24:00'));
    expect(resizedSlot(slots, 'a', toMinutes('08:00'))?.end).toBe(toMinutes('09:15'));
  });
});
