import { formatRemaining } from './time';

describe('formatRemaining', () => {
  it('shows hours, minutes and seconds', () => {
    expect(formatRemaining(3909)).toBe('1:05:09');
    expect(formatRemaining(59)).toBe('0:00:59');
    expect(formatRemaining(0)).toBe('0:00:00');
  });

  it('never shows a negative time', () => {
    expect(formatRemaining(-5)).toBe('0:00:00');
  });
});
