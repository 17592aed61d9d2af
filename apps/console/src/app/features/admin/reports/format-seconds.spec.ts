import { formatSeconds } from './reports.page';

describe('formatSeconds', () => {
  it('reads as people say durations', () => {
    expect(formatSeconds(null)).toBe('–');
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(44.6)).toBe('45 s');
    expect(formatSeconds(60)).toBe('1 min');
    expect(formatSeconds(200)).toBe('3 min 20 s');
    expect(formatSeconds(7200)).toBe('2 h');
    expect(formatSeconds(7500)).toBe('2 h 5 min');
  });
});
