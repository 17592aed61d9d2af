import type { OpeningRange } from '@parley/contracts';
import { type Hours, instantOf, nextBoundary, nextOpening, withinHours } from './hours';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const weekdays = (start: string, end: string): OpeningRange[] => (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, start, end }));
const berlin = (weekly: OpeningRange[], closedDates: string[] = []): Hours => ({ timeZone: 'Europe/Berlin', weekly, closedDates });

describe('opening hours (fixed clocks)', () => {
  describe('Europe/Berlin across the change to summer time (last Sunday of March)', () => {
    const hours = berlin(weekdays('09:00', '17:00'));

    it('is open by the wall clock on either side of the change', () => {
      expect(withinHours(hours, at('2026-03-27T08:30:00Z'))).toEqual({ within: true }); // Fri 09:30 CET
      expect(withinHours(hours, at('2026-03-27T07:30:00Z'))).toEqual({ within: false, reason: 'outside_hours' }); // Fri 08:30 CET
      expect(withinHours(hours, at('2026-03-30T07:30:00Z'))).toEqual({ within: true }); // Mon 09:30 CEST
      expect(withinHours(hours, at('2026-03-30T15:00:00Z'))).toEqual({ within: false, reason: 'outside_hours' }); // Mon 17:00 CEST
    });

    it('opens next on Monday 09:00 summer time after a Friday evening in winter time (over the week end)', () => {
      expect(iso(nextOpening(hours, at('2026-03-27T17:00:00Z')))).toBe('2026-03-30T07:00:00.000Z');
      expect(iso(nextOpening(hours, at('2026-03-27T07:30:00Z')))).toBe('2026-03-27T08:00:00.000Z');
    });

    it('opens at the end of the skipped hour when a range starts inside it', () => {
      const night = berlin([{ day: 'sun', start: '02:30', end: '04:00' }]);
      expect(iso(nextOpening(night, at('2026-03-29T00:00:00Z')))).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
      expect(withinHours(night, at('2026-03-29T01:30:00Z'))).toEqual({ within: true }); // 03:30 CEST
      expect(iso(instantOf('Europe/Berlin', '2026-03-29', 150))).toBe('2026-03-29T01:00:00.000Z');
    });
  });

  describe('Europe/Berlin across the change back to winter time (last Sunday of October)', () => {
    it('opens next on Monday 09:00 winter time after a Friday evening in summer time', () => {
      expect(iso(nextOpening(berlin(weekdays('09:00', '17:00')), at('2026-10-23T16:00:00Z')))).toBe('2026-10-26T08:00:00.000Z');
    });

    it('opens at the first of the two 02:30s of the repeated hour', () => {
      const night = berlin([{ day: 'sun', start: '02:30', end: '05:00' }]);
      expect(iso(nextOpening(night, at('2026-10-24T22:00:00Z')))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
      expect(withinHours(night, at('2026-10-25T01:15:00Z'))).toEqual({ within: false, reason: 'outside_hours' }); // 02:15 CET: the wall clock went back
    });
  });

  describe('zones with half-hour offsets', () => {
    it('Asia/Kolkata (+05:30) opens at 09:00 local', () => {
      const kolkata: Hours = { timeZone: 'Asia/Kolkata', weekly: weekdays('09:00', '18:00'), closedDates: [] };
      expect(iso(nextOpening(kolkata, at('2026-06-01T00:00:00Z')))).toBe('2026-06-01T03:30:00.000Z');
      expect(withinHours(kolkata, at('2026-06-01T03:29:00Z'))).toEqual({ within: false, reason: 'outside_hours' });
      expect(withinHours(kolkata, at('2026-06-01T03:30:00Z'))).toEqual({ within: true });
    });

    it('Australia/Adelaide (+09:30, then +10:30 from the first Sunday of October) opens on Sunday at 09:00 summer time', () => {
      const everyDay = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((day) => ({ day, start: '09:00', end: '17:00' }));
      const adelaide: Hours = { timeZone: 'Australia/Adelaide', weekly: everyDay, closedDates: [] };
      // Saturday 17:30 ACST (+09:30).
      expect(iso(nextOpening(adelaide, at('2026-10-03T08:00:00Z')))).toBe('2026-10-03T22:30:00.000Z');
    });
  });

  describe('midnight, closed dates and no hours', () => {
    const late = berlin([
      { day: 'mon', start: '20:00', end: '24:00' },
      { day: 'tue', start: '00:00', end: '01:00' },
    ]);

    it('keeps a range that ends at 24:00 open until midnight and the next day open from 00:00', () => {
      expect(withinHours(late, at('2026-06-01T21:59:00Z'))).toEqual({ within: true }); // Mon 23:59 CEST
      expect(withinHours(late, at('2026-06-01T22:30:00Z'))).toEqual({ within: true }); // Tue 00:30
      expect(withinHours(late, at('2026-06-01T23:00:00Z'))).toEqual({ within: false, reason: 'outside_hours' }); // Tue 01:00
    });

    it('is closed all day on a closed date and opens next on the first day that is not one', () => {
      const closed = berlin(late.weekly as OpeningRange[], ['2026-06-02']);
      expect(withinHours(closed, at('2026-06-01T22:30:00Z'))).toEqual({ within: false, reason: 'closed_date' });
      expect(iso(nextOpening(closed, at('2026-06-01T22:30:00Z')))).toBe('2026-06-08T18:00:00.000Z');
      const wednesdays = berlin([{ day: 'wed', start: '08:00', end: '12:00' }], ['2026-06-03']);
      expect(iso(nextOpening(wednesdays, at('2026-06-01T21:00:00Z')))).toBe('2026-06-10T06:00:00.000Z');
    });

    it('has no next opening without ranges, or when every day ahead is closed', () => {
      expect(nextOpening(berlin([]), at('2026-06-01T12:00:00Z'))).toBeNull();
    });

    it('names the next boundary: the end of the current range, else the next start or midnight', () => {
      const hours = berlin(weekdays('09:00', '17:00'));
      expect(iso(nextBoundary(hours, at('2026-06-01T08:00:00Z')))).toBe('2026-06-01T15:00:00.000Z'); // Mon 10:00 → 17:00
      expect(iso(nextBoundary(hours, at('2026-06-01T16:00:00Z')))).toBe('2026-06-01T22:00:00.000Z'); // Mon 18:00 → midnight
    });
  });
});
