import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type EmailConfirmed,
  type EmailOutboxItem,
  type EmailOverview,
  ErrorCode,
  type TranscriptRequested,
  type UpdateEmailSettingsRequest,
  type VisitorSessionResponse,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { TokensService } from '../auth/tokens.service';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { iso, isoOrNull } from '../common/mappers';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { WidgetService } from '../widget/widget.service';
import { confirmationMail, digestMail, type MailContent, type MailLine, transcriptMail } from './email-templates';

/** Anything that runs SQL: the data source, or a transaction's entity manager. */
type Sql = Pick<DataSource, 'query'>;

export type MailKind = 'digest' | 'confirmation' | 'transcript';

/** Requests a visitor may make per thread (transcripts; confirmation links, the automatic one included). */
export const PER_THREAD_LIMIT = { transcript: 3, confirmation: 3 } as const;
/** The fragment the widget loader passes on to the widget. */
export const RESUME_FRAGMENT = 'parley-resume';
export const CONFIRM_FRAGMENT = 'parley-confirm';

const DAY_MS = 86_400_000;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

interface OutboxRow {
  id: string;
  kind: MailKind;
  thread_id: string | null;
  to_address: string;
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Email to visitors: the follow-up digest, the confirmation of an address typed into the public
 * form, transcripts. Nothing is sent here: mail is written to the `email_outbox` table (with the
 * change that calls for it where there is one) and the dispatcher sends it. No mail goes to an
 * address that is not verified (confirmed through its link, or given by the site's signed identity),
 * except the one confirmation link per thread (a few on request), and no address gets more than
 * EMAIL_DAILY_CAP mails a day.
 */
@Injectable()
export class EmailService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Email');
  private unsubscribe?: () => void;
  private wake: () => void = () => undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly widget: WidgetService,
    private readonly events: DomainEvents,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
  ) {}

  get enabled(): boolean {
    return this.config.email.smtp !== null;
  }

  /** Why no mail is sent, or null when mail is on. */
  get offReason(): string | null {
    return this.enabled ? null : 'SMTP_URL is not set on the server: no mail is sent (email follow-up, address confirmation and transcripts are off). Set SMTP_URL and MAIL_FROM and restart.';
  }

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((e) => {
      if (!this.enabled) return;
      if (e.type === 'thread.created') {
        this.sendConfirmation(e.thread.id, false).catch((err: unknown) => this.log.warn(`confirmation for thread ${e.thread.id}: ${String(err)}`));
      } else if (e.type === 'thread.updated' && e.thread.status === 'closed') {
        this.transcriptOnClose(e.thread.id).catch((err: unknown) => this.log.warn(`transcript of thread ${e.thread.id}: ${String(err)}`));
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async overview(): Promise<EmailOverview> {
    const [settings] = rowsOf<{ transcript_on_close: boolean }>(await this.db.query(`SELECT transcript_on_close FROM email_settings WHERE id`));
    const counts = rowsOf<{ status: string; n: number }>(await this.db.query(`SELECT status, count(*)::int AS n FROM email_outbox GROUP BY status`));
    const rows = rowsOf<OutboxRow>(
      await this.db.query(
        `SELECT id, kind, thread_id, to_address, subject, status, attempts, last_error, next_attempt_at, created_at, sent_at
           FROM email_outbox ORDER BY created_at DESC, id LIMIT 50`,
      ),
    );
    const count = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
    return {
      enabled: this.enabled,
      reason: this.offReason,
      from: this.config.email.smtp?.from ?? null,
      transcriptOnClose: settings?.transcript_on_close ?? false,
      counts: { pending: count('pending'), sent: count('sent'), failed: count('failed') },
      outbox: rows.map(toItem),
    };
  }

  async updateSettings(body: UpdateEmailSettingsRequest): Promise<EmailOverview> {
    await this.db.query(`UPDATE email_settings SET transcript_on_close = $1, updated_at = now() WHERE id`, [body.transcriptOnClose]);
    return this.overview();
  }

  /** Pending mails (the outbox depth metric). */
  async depth(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(await this.db.query(`SELECT count(*)::int AS n FROM email_outbox WHERE status = 'pending'`));
    return row?.n ?? 0;
  }

  /**
   * Writes a mail to the outbox unless the address had EMAIL_DAILY_CAP mails in the last 24 h.
   * Returns whether it was written.
   */
  async enqueue(sql: Sql, kind: MailKind, threadId: string | null, to: string, mail: MailContent): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await sql.query(
        `INSERT INTO email_outbox (kind, thread_id, to_address, subject, text_body, html_body)
         SELECT $1, $2, $3, $4, $5, $6
          WHERE (SELECT count(*) FROM email_outbox WHERE lower(to_address) = lower($3) AND created_at > now() - $7::float8 * interval '1 millisecond') < $8
         RETURNING id`,
        [kind, threadId, to, mail.subject, mail.text, mail.html, DAY_MS, this.config.email.dailyCap],
      ),
    );
    if (rows.length === 0) this.log.warn(`not mailing ${kind} to an address that had ${this.config.email.dailyCap} mails today`);
    return rows.length > 0;
  }

  /** The dispatcher should look now: mail was committed. */
  committed(): void {
    this.wake();
  }

  // ---- confirmation ---------------------------------------------------------------------------

  /**
   * Sends the thread's visitor a link that confirms its address: automatically once per thread
   * (`force` false, when the thread starts), on request a few times more. Nothing when the address
   * is verified already or empty. Returns whether a mail was written.
   */
  async sendConfirmation(threadId: string, force: boolean): Promise<boolean> {
    if (!this.enabled) return false;
    const site = await this.siteName();
    const written = await this.db.transaction(async (sql) => {
      const [t] = rowsOf<{ visitor_id: string; email: string; page_url: string | null }>(
        await sql.query(
          `UPDATE threads t SET confirmation_sent_at = now()
             FROM visitors v
            WHERE t.id = $1 AND v.id = t.visitor_id AND v.email <> '' AND NOT v.email_verified AND ($2 OR t.confirmation_sent_at IS NULL)
           RETURNING t.visitor_id, v.email, v.pages->0->>'url' AS page_url`,
          [threadId, force],
        ),
      );
      if (!t) return false;
      const token = await this.newLink(sql, 'confirmation', t.visitor_id, threadId, t.email);
      return this.enqueue(sql, 'confirmation', threadId, t.email, confirmationMail(site, await this.linkUrl(t.page_url, CONFIRM_FRAGMENT, token)));
    });
    if (written) this.committed();
    return written;
  }

  async confirm(token: string): Promise<EmailConfirmed> {
    const [link] = rowsOf<{ visitor_id: string; email: string }>(
      await this.db.query(
        `UPDATE email_links SET used_at = now() WHERE token_hash = $1 AND kind = 'confirmation' AND used_at IS NULL AND expires_at > now()
         RETURNING visitor_id, email`,
        [hashToken(token)],
      ),
    );
    if (!link) throw invalidLink();
    const updated = rowsOf<{ id: string }>(
      await this.db.query(`UPDATE visitors SET email_verified = true WHERE id = $1 AND lower(email) = lower($2) RETURNING id`, [link.visitor_id, link.email]),
    );
    // The visitor changed its address since: this link confirms the old one only.
    if (updated.length === 0) throw invalidLink();
    return { email: link.email, verified: true };
  }

  // ---- transcript -----------------------------------------------------------------------------

  /** The visitor asks for the transcript of its thread (a few per thread). */
  async requestTranscript(principal: Principal, threadId: string): Promise<TranscriptRequested> {
    if (principal.kind !== 'visitor') throw new AppError(ErrorCode.Forbidden, 'Only the visitor asks for its transcript');
    const [t] = rowsOf<{ email: string; email_verified: boolean; transcripts: number; confirmations: number }>(
      await this.db.query(
        `SELECT v.email, v.email_verified,
                (SELECT count(*)::int FROM email_outbox o WHERE o.thread_id = t.id AND o.kind = 'transcript') AS transcripts,
                (SELECT count(*)::int FROM email_outbox o WHERE o.thread_id = t.id AND o.kind = 'confirmation') AS confirmations
           FROM threads t JOIN visitors v ON v.id = t.visitor_id WHERE t.id = $1 AND t.visitor_id = $2`,
        [threadId, principal.id],
      ),
    );
    if (!t) throw new AppError(ErrorCode.ThreadNotFound, 'No such thread');
    if (!this.enabled) throw new AppError(ErrorCode.EmailDisabled, 'This server sends no email');
    if (!t.email) throw new AppError(ErrorCode.EmailMissing, 'No email address was given for this conversation');
    if (!t.email_verified) {
      if (t.confirmations >= PER_THREAD_LIMIT.confirmation) throw tooMany('confirmation mails');
      if (!(await this.sendConfirmation(threadId, true))) throw tooMany('mails to this address today');
      return { outcome: 'confirmation_sent' };
    }
    if (t.transcripts >= PER_THREAD_LIMIT.transcript) throw tooMany('transcripts of this conversation');
    if (!(await this.queueTranscript(threadId, t.email))) throw tooMany('mails to this address today');
    return { outcome: 'queued' };
  }

  private async transcriptOnClose(threadId: string): Promise<void> {
    const [row] = rowsOf<{ on: boolean; email: string; email_verified: boolean; sent: boolean }>(
      await this.db.query(
        `SELECT s.transcript_on_close AS on, v.email, v.email_verified,
                EXISTS (SELECT 1 FROM email_outbox o WHERE o.thread_id = t.id AND o.kind = 'transcript') AS sent
           FROM threads t JOIN visitors v ON v.id = t.visitor_id CROSS JOIN email_settings s WHERE t.id = $1`,
        [threadId],
      ),
    );
    if (!row?.on || !row.email || !row.email_verified || row.sent) return;
    await this.queueTranscript(threadId, row.email);
  }

  private async queueTranscript(threadId: string, to: string): Promise<boolean> {
    const lines = await this.lines(this.db, threadId, 0, ['visitor', 'agent', 'bot']);
    const written = await this.enqueue(this.db, 'transcript', threadId, to, transcriptMail(await this.siteName(), lines));
    if (written) this.committed();
    return written;
  }

  // ---- follow-up digest -----------------------------------------------------------------------

  /**
   * Mails a digest to every visitor who has been gone (no socket on any node) for EMAIL_IDLE_DELAY
   * while agent messages of its open thread wait unread, at most once per thread per
   * EMAIL_DIGEST_INTERVAL, to verified addresses only. Each thread is claimed by a conditional
   * update in the transaction that writes its mail, so two nodes never mail the same messages.
   * Returns the number of digests written.
   */
  async followUp(): Promise<number> {
    if (!this.enabled) return 0;
    const { idleDelayMs, digestIntervalMs } = this.config.email;
    const due = rowsOf<{ id: string }>(
      await this.db.query(
        `SELECT t.id FROM threads t JOIN visitors v ON v.id = t.visitor_id
          WHERE t.status <> 'closed' AND v.email <> '' AND v.email_verified AND NOT v.online
            AND v.last_seen_at < now() - $1::float8 * interval '1 millisecond'
            AND (t.emailed_at IS NULL OR t.emailed_at < now() - $2::float8 * interval '1 millisecond')
            AND t.last_seq > GREATEST(t.visitor_read_seq, t.emailed_seq)
            AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.author_type = 'agent' AND m.seq > GREATEST(t.visitor_read_seq, t.emailed_seq))
          ORDER BY t.updated_at LIMIT 50`,
        [idleDelayMs, digestIntervalMs],
      ),
    );
    let written = 0;
    const site = due.length ? await this.siteName() : '';
    for (const { id } of due) {
      const ok = await this.db.transaction(async (sql) => {
        const [t] = rowsOf<{ visitor_id: string; email: string; page_url: string | null; from_seq: number }>(
          await sql.query(
            `UPDATE threads t SET emailed_at = now(), emailed_seq = t.last_seq
               FROM (SELECT id, GREATEST(visitor_read_seq, emailed_seq) AS from_seq FROM threads WHERE id = $1 FOR UPDATE) o, visitors v
              WHERE t.id = o.id AND v.id = t.visitor_id AND (t.emailed_at IS NULL OR t.emailed_at < now() - $2::float8 * interval '1 millisecond')
                AND t.last_seq > o.from_seq
             RETURNING t.visitor_id, v.email, v.pages->0->>'url' AS page_url, o.from_seq`,
            [id, digestIntervalMs],
          ),
        );
        if (!t) return false;
        const lines = await this.lines(sql, id, t.from_seq, ['agent']);
        if (lines.length === 0) return false;
        const token = await this.newLink(sql, 'resume', t.visitor_id, id, t.email);
        return this.enqueue(sql, 'digest', id, t.email, digestMail(site, lines, await this.linkUrl(t.page_url, RESUME_FRAGMENT, token)));
      });
      if (ok) written++;
    }
    if (written) this.committed();
    return written;
  }

  /** Redeems a resume link: a fresh token for the same visitor. Single use; expired, used or unknown links get LINK_INVALID. */
  async resume(token: string): Promise<VisitorSessionResponse> {
    const [link] = rowsOf<{ visitor_id: string }>(
      await this.db.query(
        `UPDATE email_links SET used_at = now() WHERE token_hash = $1 AND kind = 'resume' AND used_at IS NULL AND expires_at > now() RETURNING visitor_id`,
        [hashToken(token)],
      ),
    );
    if (!link) throw invalidLink();
    const visitor = await this.users.get(link.visitor_id);
    return { ...this.tokens.sign('visitor', visitor.id), visitor };
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async newLink(sql: Sql, kind: 'resume' | 'confirmation', visitorId: string, threadId: string, email: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await sql.query(
      `INSERT INTO email_links (token_hash, kind, visitor_id, thread_id, email, expires_at) VALUES ($1, $2, $3, $4, $5, now() + $6::float8 * interval '1 millisecond')`,
      [hashToken(token), kind, visitorId, threadId, email, this.config.email.linkTtlMs],
    );
    return token;
  }

  /**
   * The page of the customer's site the visitor was last on (its widget reported it), else the
   * site the widget was last seen on, else the widget's own page on Parley, with the link's
   * fragment, which the widget loader hands to the widget.
   */
  private async linkUrl(pageUrl: string | null, fragment: string, token: string): Promise<string> {
    let base = pageUrl;
    if (!base) {
      const settings = await this.widget.get();
      // Else the widget's own page on Parley, which redeems the link itself.
      base = settings.seenOn ? `${settings.seenOn.origin}/` : `${this.config.publicUrl}/widget/`;
    }
    const url = new URL(base);
    url.hash = `${fragment}=${token}`;
    return url.toString();
  }

  private async siteName(): Promise<string> {
    try {
      const s = await this.widget.get();
      return s.title || 'Support';
    } catch {
      return 'Support';
    }
  }

  private async lines(sql: Sql, threadId: string, afterSeq: number, authors: readonly string[]): Promise<MailLine[]> {
    const rows = rowsOf<{ author_name: string | null; author_type: string; body: string; created_at: Date }>(
      await sql.query(
        `SELECT m.author_name, m.author_type, m.body, m.created_at FROM messages m
          WHERE m.thread_id = $1 AND m.seq > $2 AND m.author_type::text = ANY ($3::text[]) AND m.body <> ''
          ORDER BY m.seq LIMIT 500`,
        [threadId, afterSeq, authors],
      ),
    );
    return rows.map((r) => ({ authorName: r.author_name ?? (r.author_type === 'visitor' ? 'You' : 'Support'), body: r.body, at: new Date(r.created_at) }));
  }
}

function toItem(r: OutboxRow): EmailOutboxItem {
  return {
    id: r.id,
    kind: r.kind,
    threadId: r.thread_id,
    to: r.to_address,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    createdAt: iso(r.created_at),
    sentAt: isoOrNull(r.sent_at),
  };
}

function invalidLink(): AppError {
  return new AppError(ErrorCode.LinkInvalid, 'This link is not valid any more: it was used already, it expired, or it is not one of ours');
}

function tooMany(what: string): AppError {
  return new AppError(ErrorCode.RateLimited, `Too many ${what}; try again later`);
}
