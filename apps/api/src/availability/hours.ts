import { minutesOf, type OpeningRange, WEEKDAYS, type Weekday } from '@parley/contracts';

/** The part of the settings that decides the hours. */
export interface Hours {
  timeZone: string;
  weekly: readonly OpeningRange[];
  closedDates: readonly string[];
}

/** A wall-clock moment in a time zone. */
interface Wall {
  date: string;
  weekday: Weekday;
  minute: number;
}

/** How far ahead the next opening is looked for (closed dates may cover months). */
const LOOKAHEAD_DAYS = 400;
const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `t` as fields. */
function fields(timeZone: string, t: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of formatOf(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts['year'], mo: parts['month'], d: parts['day'], h: parts['hour'] % 24, mi: parts['minute'], s: parts['second'] };
}

/** The zone's offset from UTC at `t`, in ms (Berlin in summer: +7 200 000). */
function offsetAt(timeZone: string, t: number): number {
  const f = fields(timeZone, t);
  const wall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  return wall - Math.floor(t / 1000) * 1000;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function wallAt(timeZone: string, t: number): Wall {
  const f = fields(timeZone, t);
  const date = `${f.y}-${pad(f.mo)}-${pad(f.d)}`;
  return { date, weekday: weekdayOf(date), minute: f.h * 60 + f.mi };
}

/** Monday-first weekday of a `YYYY-MM-DD` day. */
function weekdayOf(date: string): Weekday {
  const sundayFirst = new Date(`${date}T00:00:00Z`).getUTCDay();
  return WEEKDAYS[(sundayFirst + 6) % 7];
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first instant at which the wall clock of `timeZone` shows `minute` of `date` or later: the
 * earlier of the two when a fall-back hour repeats it, the end of the gap when a spring-forward
 * skips it (an opening at 02:30 on such a day opens at 03:00).
 */
export function instantOf(timeZone: string, date: string, minute: number): number {
  const guess = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const shows = (t: number) => {
    const w = wallAt(timeZone, t);
    return w.date === date && w.minute === minute;
  };
  const candidates = [guess - offsetAt(timeZone, guess - DAY_MS), guess - offsetAt(timeZone, guess), guess - offsetAt(timeZone, guess + DAY_MS)].filter(shows);
  if (candidates.length > 0) return Math.min(...candidates);
  // In a gap: between "before" (the wall clock short of it) and "after" (past it), find the jump.
  let lo = guess - Math.max(offsetAt(timeZone, guess - DAY_MS), offsetAt(timeZone, guess + DAY_MS));
  let hi = guess - Math.min(offsetAt(timeZone, guess - DAY_MS), offsetAt(timeZone, guess + DAY_MS));
  const reached = (t: number) => {
    const w = wallAt(timeZone, t);
    return w.date > date || (w.date === date && w.minute >= minute);
  };
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function rangesOn(hours: Hours, weekday: Weekday): OpeningRange[] {
  return hours.weekly.filter((r) => r.day === weekday).sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
}

/** Whether `now` is within the opening hours, and if not, why (a closed date, or outside the ranges). */
export function withinHours(hours: Hours, now: number): { within: true } | { within: false; reason: 'closed_date' | 'outside_hours' } {
  const wall = wallAt(hours.timeZone, now);
  if (hours.closedDates.includes(wall.date)) return { within: false, reason: 'closed_date' };
  const open = rangesOn(hours, wall.weekday).some((r) => minutesOf(r.start) <= wall.minute && wall.minute < minutesOf(r.end));
  return open ? { within: true } : { within: false, reason: 'outside_hours' };
}

/** The next instant after `now` at which an opening range starts on a day that is not closed; null when none within about a year. */
export function nextOpening(hours: Hours, now: number): number | null {
  const today = wallAt(hours.timeZone, now);
  for (let i = 0; i <= LOOKAHEAD_DAYS; i += 1) {
    const date = addDays(today.date, i);
    if (hours.closedDates.includes(date)) continue;
    for (const r of rangesOn(hours, weekdayOf(date))) {
      const at = instantOf(hours.timeZone, date, minutesOf(r.start));
      if (at > now) return at;
    }
  }
  return null;
}

/**
 * The next instant after `now` at which being within the hours may change: a range's start or end,
 * or a midnight (a closed date begins or ends). A recheck then is all it is for; a spurious one is harmless.
 */
export function nextBoundary(hours: Hours, now: number): number | null {
  const today = wallAt(hours.timeZone, now);
  let best: number | null = null;
  for (let i = 0; i <= 1 && best === null; i += 1) {
    const date = addDays(today.date, i);
    const minutes = [0, ...rangesOn(hours, weekdayOf(date)).flatMap((r) => [minutesOf(r.start), minutesOf(r.end)])].filter((m) => m < 1440);
    for (const m of minutes.sort((a, b) => a - b)) {
      const at = instantOf(hours.timeZone, date, m);
      if (at > now) {
        best = at;
        break;
      }
    }
  }
  return best;
}
