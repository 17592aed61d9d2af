import { z } from 'zod';
import { TimeZoneSchema } from './reports';
import { userText } from './text';

/** Days of the week, Monday first, as the opening ranges name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What the widget does while the site is closed: take a message (`form`), or show no button unless a conversation is going (`hide`). */
export const WHEN_CLOSED = ['form', 'hide'] as const;
export type WhenClosed = (typeof WHEN_CLOSED)[number];

/** Why the site is open or closed. `unrestricted`: opening hours are off, the widget takes chats at any time (the default). */
export const AVAILABILITY_REASONS = ['open', 'unrestricted', 'outside_hours', 'closed_date', 'no_agent_online'] as const;
export type AvailabilityReason = (typeof AVAILABILITY_REASONS)[number];

export const AVAILABILITY_LIMITS = { ranges: 28, closedDates: 366, closedMessage: 500 } as const;

const Timestamp = z.iso.datetime({ offset: true });

/** `HH:MM` on a 24-hour clock; `24:00` only as the end of a range (the end of the day). */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const TimeOfDaySchema = z.string().regex(TIME, 'a time like 09:00 (24:00 for the end of the day)');

/** Minutes since midnight of `HH:MM`. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** A real calendar day `YYYY-MM-DD`. */
export const CalendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-24')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'not a day of the calendar');

/** One weekly opening range: on `day`, from `start` to `end` in the site's time zone (end after start; no range past midnight). */
export const OpeningRangeSchema = z.strictObject({
  day: z.enum(WEEKDAYS),
  start: TimeOfDaySchema.refine((t) => t !== '24:00', 'a range starts before 24:00'),
  end: TimeOfDaySchema,
});
export type OpeningRange = z.infer<typeof OpeningRangeSchema>;

/** The availability settings an admin edits (Admin → Widget → Availability). */
export const UpdateAvailabilitySettingsRequestSchema = z
  .strictObject({
    /** Off: the widget takes chats at any time, as before opening hours existed. */
    enabled: z.boolean(),
    timeZone: TimeZoneSchema,
    weekly: z.array(OpeningRangeSchema).max(AVAILABILITY_LIMITS.ranges, `at most ${AVAILABILITY_LIMITS.ranges} ranges`),
    closedDates: z.array(CalendarDateSchema).max(AVAILABILITY_LIMITS.closedDates),
    whenClosed: z.enum(WHEN_CLOSED),
    /** Shown by the widget while closed (the site's default text; a per-language override comes first when there is one). */
    closedMessage: userText({ max: AVAILABILITY_LIMITS.closedMessage, multiline: true }),
  })
  .superRefine((s, ctx) => {
    s.weekly.forEach((r, i) => {
      if (!TIME.test(r.start) || !TIME.test(r.end)) return;
      if (minutesOf(r.end) <= minutesOf(r.start)) ctx.addIssue({ code: 'custom', path: ['weekly', i, 'end'], message: 'must be after start' });
    });
    s.weekly.forEach((r, i) => {
      const clash = s.weekly.findIndex((o, j) => j < i && o.day === r.day && minutesOf(o.start) < minutesOf(r.end) && minutesOf(r.start) < minutesOf(o.end));
      if (clash >= 0) ctx.addIssue({ code: 'custom', path: ['weekly', i], message: `overlaps range ${clash} (${r.day})` });
    });
  });
export type UpdateAvailabilitySettingsRequest = z.infer<typeof UpdateAvailabilitySettingsRequestSchema>;

export const AvailabilitySettingsSchema = z.object({
  enabled: z.boolean(),
  timeZone: z.string(),
  weekly: z.array(OpeningRangeSchema),
  closedDates: z.array(z.string()),
  whenClosed: z.enum(WHEN_CLOSED),
  closedMessage: z.string(),
  updatedAt: Timestamp,
});
export type AvailabilitySettings = z.infer<typeof AvailabilitySettingsSchema>;

/**
 * `GET /widget/availability` and the `availability.updated` socket event: whether the site is open
 * (within its hours and an agent online), why, and when it opens next (null when open, unknown, or
 * not within a year), with what the widget does meanwhile.
 */
export const AvailabilitySchema = z.object({
  open: z.boolean(),
  reason: z.enum(AVAILABILITY_REASONS),
  nextOpenAt: Timestamp.nullable(),
  whenClosed: z.enum(WHEN_CLOSED),
  closedMessage: z.string(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;
