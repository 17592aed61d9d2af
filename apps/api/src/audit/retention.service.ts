import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RetentionSettings, UpdateRetentionSettingsRequest } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AuditService, SYSTEM_ACTOR } from './audit.service';

/** Threads deleted per statement: each statement's locks are short, and other work goes on between them. */
const BATCH = 200;
/** A day's run: another node (or this one, later) runs again only after this long. */
const RUN_EVERY_MS = 23 * 3600_000;

interface SettingsRow {
  closed_threads_days: number | null;
  last_run_at: Date | null;
  last_run_deleted: number | null;
  updated_at: Date;
}

function toSettings(r: SettingsRow): RetentionSettings {
  return {
    closedThreadsDays: r.closed_threads_days,
    lastRunAt: r.last_run_at ? r.last_run_at.toISOString() : null,
    lastRunDeleted: r.last_run_deleted,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** What one run deleted. */
export interface RetentionRun {
  ran: boolean;
  threads: number;
  messages: number;
}

/**
 * Data retention: when an admin sets a number of days (at least 30; off by default), conversations
 * closed longer ago than that are deleted once a day with their messages, files (queued for the
 * uploads cleanup by the `uploads` trigger), webhook events and deliveries. Every node checks every
 * RETENTION_CHECK_INTERVAL; the node that finds the day's run due claims it (a row lock and
 * `last_run_at`, in one transaction), so one node runs it. The deletion goes in batches of 200
 * threads, each its own short transaction; the audit log records each run.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.retentionCheckIntervalMs);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.runIfDue()
      .catch((err: unknown) => this.log.warn(`retention run failed: ${String(err)}`))
      .finally(() => (this.running = undefined));
  }

  async get(): Promise<RetentionSettings> {
    const [row] = (await this.db.query(`SELECT closed_threads_days, last_run_at, last_run_deleted, updated_at FROM retention_settings`)) as SettingsRow[];
    return toSettings(row);
  }

  async update(body: UpdateRetentionSettingsRequest): Promise<RetentionSettings> {
    const [[row]] = (await this.db.query(
      `UPDATE retention_settings SET closed_threads_days = $1, updated_at = now()
        RETURNING closed_threads_days, last_run_at, last_run_deleted, updated_at`,
      [body.closedThreadsDays],
    )) as [SettingsRow[], number];
    return toSettings(row);
  }

  /**
   * Runs the day's deletion if retention is on and no node ran it in the last 23 hours. `now` is
   * the clock the cut-off is computed from (tests pass their own).
   */
  async runIfDue(now: Date = new Date()): Promise<RetentionRun> {
    const days = await this.db.transaction(async (m) => {
      const [row] = (await m.query(
        `SELECT closed_threads_days FROM retention_settings
          WHERE closed_threads_days IS NOT NULL AND (last_run_at IS NULL OR last_run_at <= $1::timestamptz - $2::float8 * interval '1 millisecond')
          FOR UPDATE SKIP LOCKED`,
        [now.toISOString(), RUN_EVERY_MS],
      )) as { closed_threads_days: number }[];
      if (!row) return null;
      await m.query(`UPDATE retention_settings SET last_run_at = $1`, [now.toISOString()]);
      return row.closed_threads_days;
    });
    if (days === null) return { ran: false, threads: 0, messages: 0 };
    return this.deleteClosedBefore(new Date(now.getTime() - days * 86_400_000), days);
  }

  private async deleteClosedBefore(cutoff: Date, days: number): Promise<RetentionRun> {
    let threads = 0;
    let messages = 0;
    for (;;) {
      const [rows] = (await this.db.query(
        `WITH doomed AS (
           SELECT id, last_seq FROM threads
            WHERE status = 'closed' AND closed_at < $1
            ORDER BY closed_at LIMIT $2
            FOR UPDATE SKIP LOCKED),
         events AS (DELETE FROM webhook_events WHERE thread_id IN (SELECT id FROM doomed))
         DELETE FROM threads t USING doomed WHERE t.id = doomed.id
         RETURNING t.id, doomed.last_seq`,
        [cutoff.toISOString(), BATCH],
      )) as [{ id: string; last_seq: number }[], number];
      threads += rows.length;
      messages += rows.reduce((n, r) => n + r.last_seq, 0);
      if (rows.length < BATCH) break;
    }
    await this.db.query(`UPDATE retention_settings SET last_run_deleted = $1`, [threads]);
    await this.audit.record({
      actor: SYSTEM_ACTOR,
      action: 'retention.ran',
      target: { type: 'settings', id: null },
      details: { days, closedBefore: cutoff.toISOString(), threads, messages },
    });
    if (threads > 0) this.log.log(`deleted ${threads} conversation(s) closed before ${cutoff.toISOString()} (${messages} message(s))`);
    return { ran: true, threads, messages };
  }
}
