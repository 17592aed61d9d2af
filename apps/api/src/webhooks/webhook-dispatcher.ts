import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SecretBox, signatureHeader } from './webhook-crypto';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksService } from './webhooks.service';
import { DomainEvents } from '../common/domain-events';
import { guardedLookup, hostOf } from './webhook-target';
import { webhookAttempts } from '../metrics/instruments';

/** Deliveries one node sends at once. */
const MAX_IN_FLIGHT = 8;
/** The lease outlives the request's timeout by this much: another node takes a delivery only once its sender is surely done or dead. */
const LEASE_MARGIN_MS = 10_000;
const ERROR_MAX = 500;
/** How often a node deletes the delivery log past WEBHOOK_LOG_RETENTION. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

interface Claimed {
  id: string;
  webhook_id: string;
  attempts: number;
  lease_token: string;
}

interface Job {
  url: string;
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_valid: boolean;
  event_id: string;
  type: string;
  data: unknown;
  created_at: Date;
}

interface Outcome {
  status: number | null;
  durationMs: number;
  error: string | null;
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

/**
 * Sends the outbox's deliveries. Every node runs one: it claims due deliveries with
 * `FOR UPDATE SKIP LOCKED` and a lease (one node at a time per delivery; a node that dies
 * mid-request loses its lease and another node sends it again, with the same `Parley-Delivery`:
 * at-least-once). Only the oldest pending delivery of a thread to an endpoint is due, so a thread's
 * events arrive in order even while one of them is failing.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('WebhookDispatcher');
  private readonly box: SecretBox;
  private timer?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private inFlight = 0;
  private pumping = false;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: WebhookOutbox,
    private readonly webhooks: WebhooksService,
    private readonly events: DomainEvents,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  onApplicationBootstrap(): void {
    this.outbox.onWake(() => this.pump());
    this.timer = setInterval(() => this.pump(), this.config.webhooks.pollIntervalMs);
    this.timer.unref();
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn(`sweeping the webhook log: ${String(err)}`));
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.pump();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.sweeper);
  }

  /**
   * Deletes finished deliveries older than WEBHOOK_LOG_RETENTION, then the events no delivery
   * needs any more. Pending deliveries are kept, however old. Returns how many deliveries went.
   */
  async sweep(): Promise<number> {
    const [, deliveries] = (await this.db.query(
      `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - $1::float8 * interval '1 millisecond'`,
      [this.config.webhooks.logRetentionMs],
    )) as [unknown, number];
    await this.db.query(
      `DELETE FROM webhook_events e
        WHERE e.created_at < now() - $1::float8 * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
      [this.config.webhooks.logRetentionMs],
    );
    return deliveries;
  }

  /** Claims and starts as many due deliveries as there is room for; a call while it runs makes it run once more. */
  pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((err: unknown) => this.log.warn(`claiming webhook deliveries: ${String(err)}`))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.inFlight < MAX_IN_FLIGHT) {
      const claimed = await this.claim(MAX_IN_FLIGHT - this.inFlight);
      if (claimed.length === 0) return;
      for (const c of claimed) {
        this.inFlight++;
        void this.deliver(c)
          .catch((err: unknown) => this.log.warn(`webhook delivery ${c.id}: ${String(err)}`))
          .finally(() => {
            this.inFlight--;
            this.pump();
          });
      }
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const leaseMs = this.config.webhooks.timeoutMs + LEASE_MARGIN_MS;
    return rowsOf<Claimed>(
      await this.db.query(
        `UPDATE webhook_deliveries d
            SET lease_until = now() + $2::float8 * interval '1 millisecond', lease_token = $1, attempts = d.attempts + 1, last_attempt_at = now()
          WHERE d.id IN (
            SELECT c.id FROM webhook_deliveries c JOIN webhooks w ON w.id = c.webhook_id
             WHERE c.status = 'pending' AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now()) AND w.enabled
               AND NOT EXISTS (
                 SELECT 1 FROM webhook_deliveries p
                  WHERE p.webhook_id = c.webhook_id AND p.thread_id = c.thread_id AND p.status = 'pending' AND p.ord < c.ord)
             ORDER BY c.next_attempt_at, c.ord
             LIMIT $3
             FOR UPDATE OF c SKIP LOCKED)
            AND d.status = 'pending'
        RETURNING d.id, d.webhook_id, d.attempts, d.lease_token`,
        [randomUUID(), leaseMs, limit],
      ),
    );
  }

  private async deliver(c: Claimed): Promise<void> {
    const [job] = rowsOf<Job>(
      await this.db.query(
        `SELECT w.url, w.secret, w.previous_secret, COALESCE(w.previous_secret_expires_at > now(), false) AS previous_valid,
                e.id AS event_id, e.type, e.data, e.created_at
           FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_events e ON e.id = d.event_id
          WHERE d.id = $1`,
        [c.id],
      ),
    );
    if (!job) return; // deleted meanwhile with its endpoint
    const body = JSON.stringify({ id: job.event_id, type: job.type, createdAt: job.created_at.toISOString(), data: job.data });
    const secrets = [this.box.open(job.secret)];
    if (job.previous_secret && job.previous_valid) secrets.push(this.box.open(job.previous_secret));
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'parley-event': job.type,
      'parley-delivery': c.id,
      'parley-signature': signatureHeader(secrets, body, Math.floor(Date.now() / 1000)),
    };
    const outcome = await this.post(job.url, headers, body);
    await this.record(c, outcome);
  }

  /** One POST, bounded by WEBHOOK_TIMEOUT, to an address checked at connect time; redirects are not followed. */
  private post(raw: string, headers: Record<string, string>, body: string): Promise<Outcome> {
    const started = performance.now();
    const done = (status: number | null, error: string | null): Outcome => ({
      status,
      durationMs: Math.round(performance.now() - started),
      error: error && error.slice(0, ERROR_MAX),
    });
    return new Promise<Outcome>((resolve) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        resolve(done(null, 'not a URL'));
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      if (this.config.webhooks.requireHttps && url.protocol !== 'https:') {
        resolve(done(null, 'webhook URLs must be https on this server'));
        return;
      }
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(hostOf(url), this.config.webhooks),
        signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
        agent: false,
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('error', () => undefined);
        req.destroy();
        resolve(done(status, status >= 200 && status < 300 ? null : `HTTP ${status}`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const timeout = err.name === 'AbortError' || err.name === 'TimeoutError';
        resolve(done(null, timeout ? `no answer within ${this.config.webhooks.timeoutMs} ms` : err.message || String(err.code)));
      });
      req.end(body);
    });
  }

  private async record(c: Claimed, o: Outcome): Promise<void> {
    const ok = o.status !== null && o.status >= 200 && o.status < 300;
    webhookAttempts.inc({ outcome: ok ? 'succeeded' : o.status === null ? 'no_answer' : `http_${Math.floor(o.status / 100)}xx` });
    if (ok) {
      await this.db.query(
        `UPDATE webhook_deliveries SET status = 'succeeded', response_status = $3, duration_ms = $4, error = NULL, delivered_at = now(),
                lease_until = NULL, lease_token = NULL
          WHERE id = $1 AND lease_token = $2`,
        [c.id, c.lease_token, o.status, o.durationMs],
      );
      await this.db.query(`UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [c.webhook_id]);
      return;
    }
    const schedule = this.config.webhooks.retryScheduleMs;
    const gone = o.status === 410;
    const retryIn = gone ? undefined : schedule[c.attempts - 1];
    await this.db.query(
      `UPDATE webhook_deliveries
          SET status = $3, response_status = $4, duration_ms = $5, error = $6,
              next_attempt_at = now() + COALESCE($7::float8, 0) * interval '1 millisecond', lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2`,
      [c.id, c.lease_token, retryIn === undefined ? 'failed' : 'pending', o.status, o.durationMs, o.error, retryIn ?? null],
    );
    const reason = gone
      ? 'The endpoint answered 410 Gone'
      : `Every delivery failed for ${formatDuration(this.config.webhooks.disableAfterMs)} (last: ${o.error ?? 'no answer'})`;
    const disabled = rowsOf<{ id: string; url: string }>(
      await this.db.query(
        `UPDATE webhooks SET failing_since = COALESCE(failing_since, now()),
                enabled = CASE WHEN $2 OR COALESCE(failing_since, now()) <= now() - $3::float8 * interval '1 millisecond' THEN false ELSE enabled END,
                disabled_reason = CASE WHEN enabled AND ($2 OR COALESCE(failing_since, now()) <= now() - $3::float8 * interval '1 millisecond') THEN $4 ELSE disabled_reason END,
                disabled_at = CASE WHEN enabled AND ($2 OR COALESCE(failing_since, now()) <= now() - $3::float8 * interval '1 millisecond') THEN now() ELSE disabled_at END
          WHERE id = $1
        RETURNING id, url, enabled, disabled_at = now() AS just_disabled`,
        [c.webhook_id, gone, this.config.webhooks.disableAfterMs, reason],
      ),
    ).filter((r) => (r as unknown as { just_disabled: boolean }).just_disabled);
    for (const d of disabled) {
      this.log.warn(`webhook ${d.id} (${d.url}) turned off: ${reason}`);
      await this.outbox.reload();
      this.events.emit({ type: 'webhook.disabled', webhook: await this.webhooks.get(d.id) });
    }
  }
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour(s)`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
