import { z } from 'zod';
import { RATING_COMMENT_MAX, REPORT_MAX_DAYS, reportDays } from './constants';
import { userText } from './text';

/** How a visitor rates a closed conversation: 1-5 and an optional comment. Sent again within 24 h, it replaces the rating. */
export const RateThreadRequestSchema = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: userText({ max: RATING_COMMENT_MAX, multiline: true }).optional(),
});
export type RateThreadRequest = z.infer<typeof RateThreadRequestSchema>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30). */
export const ReportDaySchema = z
  .string()
  .regex(DAY, 'a day as YYYY-MM-DD')
  .refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
  }, 'no such day');

/** An IANA time zone name (`Europe/Paris`, `UTC`), in the spelling the runtime's time zone database gives it. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .transform((zone, ctx) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: `unknown time zone ${JSON.stringify(zone)}` });
      return z.NEVER;
    }
  });

/**
 * A report's range: whole days `from` to `to` (both included) in `timeZone`. Without them: the last
 * 7 days up to today, in UTC.
 */
export const ReportQuerySchema = z
  .strictObject({
    from: ReportDaySchema.optional(),
    to: ReportDaySchema.optional(),
    timeZone: TimeZoneSchema.optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.from || !q.to) return;
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from is after to' });
    else if (reportDays(q.from, q.to) > REPORT_MAX_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${REPORT_MAX_DAYS} days` });
  });
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

const Seconds = z.number().nonnegative().nullable();
/** The median and the 90th percentile of a duration, in seconds; null when no conversation had it. */
export const DurationFiguresSchema = z.object({ median: Seconds, p90: Seconds });

export const ReportFiguresSchema = z.object({
  /** Conversations started in the range. */
  conversations: z.number().int().nonnegative(),
  closed: z.number().int().nonnegative(),
  /** Started → first assignment (claim or assign). */
  waitSeconds: DurationFiguresSchema,
  /** The visitor's first message → the first agent message. */
  firstResponseSeconds: DurationFiguresSchema,
  /** Started → closed, closed conversations only. */
  resolutionSeconds: DurationFiguresSchema,
  /** Messages of people and integrations (no system notes), per conversation; null without conversations. */
  messagesPerConversation: z.number().nonnegative().nullable(),
  csat: z.object({
    /** Mean score 1-5 of the rated conversations; null when none was rated. */
    average: z.number().min(1).max(5).nullable(),
    responses: z.number().int().nonnegative(),
    /** Rated conversations / closed conversations (0-1); null when none closed. */
    responseRate: z.number().min(0).max(1).nullable(),
  }),
});
export type ReportFigures = z.infer<typeof ReportFiguresSchema>;

export const AgentReportSchema = ReportFiguresSchema.extend({ agent: z.object({ id: z.uuid(), name: z.string() }) });
export type AgentReport = z.infer<typeof AgentReportSchema>;

export const ReportSchema = z.object({
  from: ReportDaySchema,
  to: ReportDaySchema,
  timeZone: z.string(),
  overall: ReportFiguresSchema,
  /** Per agent: the conversations assigned to the agent (at close, for closed ones). Teams do not exist yet. */
  agents: z.array(AgentReportSchema),
  /** Conversations started per hour of the week in the time zone: 7 rows (Monday first) of 24 hours. */
  busiestHours: z.array(z.array(z.number().int().nonnegative()).length(24)).length(7),
});
export type Report = z.infer<typeof ReportSchema>;

