import { Injectable } from '@nestjs/common';
import { ErrorCode, REPORT_CSV_COLUMNS, REPORT_MAX_DAYS, type Report, type ReportFigures, type ReportQuery, reportDays } from '@parley/contracts';
import { AppError } from '../common/app-error';
import { csvLine } from './csv';
import { type CsvRow, type FiguresRow, type ReportRange, ReportsRepository } from './reports.repository';

/** Rows of the CSV read per query: the export holds one page at a time, whatever the range. */
const CSV_PAGE = 500;
/** Days a report covers when `from` is not given. */
const DEFAULT_DAYS = 7;

const round = (n: number | null, digits: number): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** Today in the zone, as `YYYY-MM-DD`. */
function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function rangeError(path: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, `${path}: ${message}`, [{ path, message }]);
}

/** A zone the runtime knows and the database does not (their time zone databases differ in age): still bad input. */
function unknownZone(err: unknown): never {
  const code = (err as { code?: string; driverError?: { code?: string } }).code ?? (err as { driverError?: { code?: string } }).driverError?.code;
  if (code === '22023' && /time zone/i.test(String((err as Error).message))) throw rangeError('timeZone', 'a time zone the database does not know');
  throw err;
}

function figuresOf(r: FiguresRow | undefined): ReportFigures {
  const closed = r?.closed ?? 0;
  const responses = r?.csat_responses ?? 0;
  return {
    conversations: r?.conversations ?? 0,
    closed,
    waitSeconds: { median: round(r?.wait_median ?? null, 3), p90: round(r?.wait_p90 ?? null, 3) },
    firstResponseSeconds: { median: round(r?.frt_median ?? null, 3), p90: round(r?.frt_p90 ?? null, 3) },
    resolutionSeconds: { median: round(r?.resolution_median ?? null, 3), p90: round(r?.resolution_p90 ?? null, 3) },
    messagesPerConversation: round(r?.messages_avg ?? null, 2),
    csat: { average: round(r?.csat_avg ?? null, 2), responses, responseRate: closed > 0 ? round(responses / closed, 4) : null },
  };
}

function csvCells(r: CsvRow): (string | number | null)[] {
  const secs = (n: number | null) => round(n, 3);
  const byColumn: Record<(typeof REPORT_CSV_COLUMNS)[number], string | number | null> = {
    thread_id: r.id,
    created_at: r.created_at,
    status: r.status,
    visitor_name: r.visitor_name,
    visitor_email: r.visitor_email,
    agent_id: r.agent_id,
    agent_name: r.agent_name,
    assigned_at: r.assigned_at,
    first_response_at: r.first_response_at,
    closed_at: r.closed_at,
    wait_seconds: secs(r.wait_seconds),
    first_response_seconds: secs(r.first_response_seconds),
    resolution_seconds: secs(r.resolution_seconds),
    messages: r.messages,
    rating: r.rating,
    rating_comment: r.rating_comment,
    tags: r.tags,
  };
  return REPORT_CSV_COLUMNS.map((c) => byColumn[c]);
}

/**
 * Reports for admins and `reports:read` keys: figures over the conversations started in a range of
 * whole days in a time zone, per agent (teams do not exist yet) and overall, and the same
 * conversations as CSV rows.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly repo: ReportsRepository) {}

  /** The query's range with its defaults: up to today, 7 days, UTC. Checked again once the defaults are in. */
  range(q: ReportQuery): ReportRange {
    const timeZone = q.timeZone ?? 'UTC';
    const to = q.to ?? (q.from ? addDays(q.from, DEFAULT_DAYS - 1) : today(timeZone));
    const from = q.from ?? addDays(to, -(DEFAULT_DAYS - 1));
    if (from > to) throw rangeError('from', 'from is after to');
    if (reportDays(from, to) > REPORT_MAX_DAYS) throw rangeError('to', `a report covers at most ${REPORT_MAX_DAYS} days`);
    return { from, to, timeZone };
  }

  async report(q: ReportQuery): Promise<Report> {
    const range = this.range(q);
    const [rows, hours] = await Promise.all([this.repo.figures(range), this.repo.hours(range)]).catch(unknownZone);
    const busiestHours = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
    for (const h of hours) busiestHours[h.dow - 1][h.hour] = h.n;
    return {
      ...range,
      overall: figuresOf(rows.find((r) => r.overall === 1)),
      agents: rows
        .filter((r) => r.overall === 0 && r.agent_id !== null)
        .map((r) => ({ agent: { id: r.agent_id as string, name: r.agent_name ?? '' }, ...figuresOf(r) })),
      busiestHours,
    };
  }

  /** The CSV, header first, one page of rows at a time; `write` resolves when the reader wants more. */
  async csv(range: ReportRange, write: (chunk: string) => Promise<boolean>): Promise<void> {
    if (!(await write(csvLine(REPORT_CSV_COLUMNS)))) return;
    let after: { k: string; id: string } | null = null;
    for (;;) {
      const rows: CsvRow[] = await this.repo.csvPage(range, after, CSV_PAGE).catch(unknownZone);
      if (rows.length === 0) return;
      if (!(await write(rows.map((r) => csvLine(csvCells(r))).join('')))) return;
      if (rows.length < CSV_PAGE) return;
      const last = rows[rows.length - 1];
      after = { k: last.k, id: last.id };
    }
  }
}
