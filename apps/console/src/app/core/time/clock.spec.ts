import { formatElapsed } from './clock';

describe('formatElapsed', () => {
  const start = Date.parse('2026-01-01T10:00:00Z');
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [65_000, '1m 05s'],
    [3_600_000 + 4 * 60_000, '1h 04m'],
    [26 * 3_600_000, '1d 2h'],
  ])('after %i ms says %s', (ms, text) => {
    expect(formatElapsed(new Date(start).toISOString(), start + ms)).toBe(text);
  });

  it('never goes negative when the clocks disagree', () => {
    expect(formatElapsed(new Date(start).toISOString(), start - 5000)).toBe('0s');
  });
});
