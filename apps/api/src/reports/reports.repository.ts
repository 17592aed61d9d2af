import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Whole days `from`..`to` (both included) in an IANA zone that both the runtime and the database know. */
export interface ReportRange {
  from: string;
  to: string;
  timeZone: string;
}

export interface FiguresRow {
  agent_id: string | null;
  agent_name: string | null;
  overall: number;
  conversations: number;
  closed: number;
  wait_median: number | null;
  wait_p90: number | null;
  frt_median: number | null;
  frt_p90: number | null;
  resolution_median: number | null;
  resolution_p90: number | null;
  messages_avg: number | null;
  csat_avg: number | null;
  csat_responses: number;
}

export interface CsvRow {
  k: string;
  id: string;
  created_at: string;
  status: string;
  visitor_name: string;
  visitor_email: string;
  agent_id: string | null;
  agent_name: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  closed_at: string | null;
  wait_seconds: number | null;
  first_response_seconds: number | null;
  resolution_seconds: number | null;
  messages: number;
  rating: number | null;
  rating_comment: string | null;
  /** Tag names, `; `-separated, alphabetical. */
  tags: string;
}

/** The range's bounds as timestamptz: local midnight of `from` and of the day after `to`, in the zone ($1, $2, $3). */
const IN_RANGE = `t.created_at >= ($1::date)::timestamp AT TIME ZONE $3 AND t.created_at < ($2::date + 1)::timestamp AT TIME ZONE $3`;

/**
 * One row per conversation started in the range, with its durations in seconds. The first visitor
 * message is read on the (thread_id, seq) index; the first response is the denormalised
 * `first_response_at`, counted only when it came after that message (an agent who wrote first has
 * not answered anything yet).
 */
const PER_THREAD = `
  SELECT t.id, t.assigned_agent_id AS agent_id, t.status, t.created_at, t.rating,
         EXTRACT(EPOCH FROM t.assigned_at - t.created_at)::float8 AS wait,
         CASE WHEN t.first_response_at >= fv.created_at THEN EXTRACT(EPOCH FROM t.first_response_at - fv.created_at)::float8 END AS frt,
         EXTRACT(EPOCH FROM t.closed_at - t.created_at)::float8 AS resolution,
         (SELECT count(*) FROM messages m WHERE m.thread_id = t.id AND m.author_type <> 'system')::int AS messages
    FROM threads t
    LEFT JOIN LATERAL (
      SELECT m.created_at FROM messages m WHERE m.thread_id = t.id AND m.author_type = 'visitor' ORDER BY m.seq LIMIT 1) fv ON true
   WHERE ${IN_RANGE}`;

const LOCAL = (column: string) => `to_char(${column} AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS')`;

/** The report queries: read-only, over the threads started in a range (the `threads_created_idx` index). */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Figures per assigned agent and overall (the row with `overall` = 1), in one pass with GROUPING SETS. */
  figures(r: ReportRange): Promise<FiguresRow[]> {
    return this.db.query(
      `WITH r AS MATERIALIZED (${PER_THREAD})
       SELECT r.agent_id, a.name AS agent_name, GROUPING(r.agent_id)::int AS overall,
              count(*)::int AS conversations, count(*) FILTER (WHERE r.status = 'closed')::int AS closed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY r.wait) AS wait_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY r.wait) AS wait_p90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY r.frt) AS frt_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY r.frt) AS frt_p90,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY r.resolution) AS resolution_median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY r.resolution) AS resolution_p90,
              avg(r.messages)::float8 AS messages_avg,
              avg(r.rating) FILTER (WHERE r.status = 'closed')::float8 AS csat_avg,
              count(r.rating) FILTER (WHERE r.status = 'closed')::int AS csat_responses
         FROM r LEFT JOIN agents a ON a.id = r.agent_id
        GROUP BY GROUPING SETS ((r.agent_id, a.name), ())
        ORDER BY overall DESC, a.name, r.agent_id`,
      [r.from, r.to, r.timeZone],
    );
  }

  /** Conversations started per (ISO weekday 1-7, hour 0-23) in the zone. */
  hours(r: ReportRange): Promise<{ dow: number; hour: number; n: number }[]> {
    return this.db.query(
      `SELECT EXTRACT(ISODOW FROM t.created_at AT TIME ZONE $3)::int AS dow, EXTRACT(HOUR FROM t.created_at AT TIME ZONE $3)::int AS hour,
              count(*)::int AS n
         FROM threads t WHERE ${IN_RANGE} GROUP BY 1, 2`,
      [r.from, r.to, r.timeZone],
    );
  }

  /** A page of the CSV's rows in (created_at, id) order after the key `after` (keyset paging: no offset, nothing held). */
  csvPage(r: ReportRange, after: { k: string; id: string } | null, limit: number): Promise<CsvRow[]> {
    return this.db.query(
      `SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k, t.id,
              ${LOCAL('t.created_at')} AS created_at, t.status, v.name AS visitor_name, v.email AS visitor_email,
              t.assigned_agent_id AS agent_id, a.name AS agent_name,
              ${LOCAL('t.assigned_at')} AS assigned_at, ${LOCAL('t.first_response_at')} AS first_response_at, ${LOCAL('t.closed_at')} AS closed_at,
              p.wait AS wait_seconds, p.frt AS first_response_seconds, p.resolution AS resolution_seconds, p.messages, t.rating, t.rating_comment,
              COALESCE((SELECT string_agg(g.name, '; ' ORDER BY lower(g.name)) FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.thread_id = t.id), '') AS tags
         FROM (${PER_THREAD}
                 AND ($4::timestamptz IS NULL OR (t.created_at, t.id) > ($4::timestamptz, $5::uuid))
               ORDER BY t.created_at, t.id LIMIT $6) p
         JOIN threads t ON t.id = p.id
         JOIN visitors v ON v.id = t.visitor_id
         LEFT JOIN agents a ON a.id = t.assigned_agent_id
        ORDER BY t.created_at, t.id`,
      [r.from, r.to, r.timeZone, after?.k ?? null, after?.id ?? null, limit],
    );
  }
}
