import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { emailAttempts } from '../metrics/instruments';
import { EmailService, rowsOf } from './email.service';

/** Mails one node sends at once. */
const MAX_IN_FLIGHT = 4;
/** The lease outlives an SMTP conversation's timeout by this much (see the webhook dispatcher). */
const LEASE_MARGIN_MS = 10_000;
const ERROR_MAX = 500;

interface Claimed {
  id: string;
  attempts: number;
  lease_token: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
}

/**
 * Sends the email outbox, on every node, the way the webhook dispatcher sends deliveries: due mails
 * are claimed with `FOR UPDATE SKIP LOCKED` and a lease (a node that dies mid-send loses the lease
 * and another sends the mail again: at-least-once), the SMTP conversation runs outside any
 * transaction (the embedded database's one connection is never held while the SMTP server thinks),
 * and a refusal or a timeout schedules the next attempt (EMAIL_RETRY_SCHEDULE) until the last one.
 * The same timer looks for visitors to follow up by email.
 */
@Injectable()
export class EmailDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('EmailDispatcher');
  private transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private pumping = false;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly email: EmailService,
  ) {}

  onApplicationBootstrap(): void {
    const smtp = this.config.email.smtp;
    if (!smtp) return;
    const u = new URL(smtp.url);
    const secure = u.protocol === 'smtps:';
    const timeout = this.config.email.timeoutMs;
    this.transport = createTransport(
      {
        host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: u.port ? Number(u.port) : secure ? 465 : 587,
        secure,
        auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      },
      { from: smtp.from },
    );
    this.email.onWake(() => this.pump());
    this.timer = setInterval(() => this.tick(), this.config.email.pollIntervalMs);
    this.timer.unref();
    this.tick();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.transport?.close();
  }

  private tick(): void {
    if (this.stopped) return;
    this.email
      .followUp()
      .catch((err: unknown) => this.log.warn(`email follow-up: ${String(err)}`))
      .finally(() => this.pump());
  }

  /** Claims and starts as many due mails as there is room for; a call while it runs makes it run once more. */
  pump(): void {
    if (this.stopped || !this.transport) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((err: unknown) => this.log.warn(`claiming mail: ${String(err)}`))
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
        void this.send(c)
          .catch((err: unknown) => this.log.warn(`mail ${c.id}: ${String(err)}`))
          .finally(() => {
            this.inFlight--;
            this.pump();
          });
      }
    }
  }

  private async claim(limit: number): Promise<Claimed[]> {
    return rowsOf<Claimed>(
      await this.db.query(
        `UPDATE email_outbox o
            SET lease_until = now() + $2::float8 * interval '1 millisecond', lease_token = $1, attempts = o.attempts + 1
          WHERE o.id IN (
            SELECT c.id FROM email_outbox c
             WHERE c.status = 'pending' AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
             ORDER BY c.next_attempt_at, c.created_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED)
            AND o.status = 'pending'
        RETURNING o.id, o.attempts, o.lease_token, o.to_address, o.subject, o.text_body, o.html_body`,
        [randomUUID(), this.config.email.timeoutMs * 3 + LEASE_MARGIN_MS, limit],
      ),
    );
  }

  private async send(c: Claimed): Promise<void> {
    const transport = this.transport;
    if (!transport) return;
    let error: string | null = null;
    try {
      await transport.sendMail({ to: c.to_address, subject: c.subject, text: c.text_body, html: c.html_body });
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, ERROR_MAX) || 'the SMTP server refused the mail';
    }
    if (error === null) {
      emailAttempts.inc({ outcome: 'sent' });
      await this.db.query(
        `UPDATE email_outbox SET status = 'sent', sent_at = now(), last_error = NULL, lease_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`,
        [c.id, c.lease_token],
      );
      return;
    }
    const retryIn = this.config.email.retryScheduleMs[c.attempts - 1];
    emailAttempts.inc({ outcome: retryIn === undefined ? 'given_up' : 'failed' });
    this.log.warn(`mail ${c.id} not sent (attempt ${c.attempts}): ${error}`);
    await this.db.query(
      `UPDATE email_outbox SET status = $3, last_error = $4, next_attempt_at = now() + COALESCE($5::float8, 0) * interval '1 millisecond',
              lease_until = NULL, lease_token = NULL
        WHERE id = $1 AND lease_token = $2`,
      [c.id, c.lease_token, retryIn === undefined ? 'failed' : 'pending', error, retryIn ?? null],
    );
  }
}
