import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ERASED_MESSAGE_TEXT,
  ERASED_VISITOR_NAME,
  type Erasure,
  ErrorCode,
  type FindVisitorsQuery,
  type PrivacyExport,
  type PrivacyVisitor,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { iso } from '../common/mappers';
import { ThreadsRepository } from '../threads/threads.repository';
import { ThreadsService } from '../threads/threads.service';

/** Messages read per query while an export streams. */
const EXPORT_PAGE = 500;
/** The note an open conversation closes with when its visitor is erased (the agents see it). */
export const ERASURE_CLOSE_NOTE = 'Conversation closed: the visitor asked for their data to be erased';

interface VisitorRow {
  id: string;
  name: string;
  email: string;
  email_verified: boolean;
  external_id: string | null;
  created_at: Date;
  last_seen_at: Date;
  meta: Record<string, unknown>;
  pages: { url: string; title: string; at: string }[];
  user_agent: string | null;
  time_zone: string | null;
  last_ip: string | null;
  threads: number;
}

const notFound = () => new AppError(ErrorCode.VisitorNotFound, 'No such visitor');

type ExportVisitor = PrivacyExport['visitor'];
type ExportThread = PrivacyExport['threads'][number];

/**
 * Privacy requests (GDPR art. 15 and 17) for one visitor: find by email, export, erase. An erased
 * visitor is as good as unknown here: export and a second erasure answer 404.
 */
@Injectable()
export class PrivacyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ThreadsRepository,
    private readonly threads: ThreadsService,
    private readonly events: DomainEvents,
  ) {}

  async find(q: FindVisitorsQuery): Promise<PrivacyVisitor[]> {
    const rows = (await this.db.query(
      `SELECT v.*, (SELECT count(*)::int FROM threads t WHERE t.visitor_id = v.id) AS threads
         FROM visitors v WHERE lower(v.email) = lower($1) AND v.erased_at IS NULL
        ORDER BY v.created_at DESC, v.id LIMIT 100`,
      [q.email],
    )) as VisitorRow[];
    return rows.map((r) => ({ ...toVisitor(r), threads: r.threads }));
  }

  /**
   * Streams the export: `write` takes each piece of the JSON document and resolves false when the
   * client has gone (the export stops there). The visitor is read first, so an unknown one is a 404
   * before anything is sent.
   */
  async exportOf(id: string): Promise<(write: (chunk: string) => Promise<boolean>) => Promise<void>> {
    const visitor = await this.visitor(id);
    if (!visitor) throw notFound();
    return async (write) => {
      const head: Omit<PrivacyExport, 'threads'> = { exportedAt: new Date().toISOString(), visitor };
      if (!(await write(`${JSON.stringify(head).slice(0, -1)},"threads":[`))) return;
      const ids = (await this.db.query(`SELECT id FROM threads WHERE visitor_id = $1 ORDER BY created_at, id`, [id])) as { id: string }[];
      for (const [i, { id: threadId }] of ids.entries()) {
        const row = await this.repo.findById(threadId);
        if (!row) continue;
        const { cursor: _cursor, match: _match, ...thread } = row;
        const open: Omit<ExportThread, 'messages'> = thread;
        if (!(await write(`${i > 0 ? ',' : ''}${JSON.stringify(open).slice(0, -1)},"messages":[`))) return;
        let after = 0;
        let first = true;
        for (;;) {
          const page = await this.repo.messagesAfter(threadId, after, EXPORT_PAGE);
          if (page.length === 0) break;
          const text = page.map((m) => JSON.stringify(m)).join(',');
          if (!(await write(`${first ? '' : ','}${text}`))) return;
          first = false;
          after = page[page.length - 1].seq;
          if (page.length < EXPORT_PAGE) break;
        }
        if (!(await write(']}'))) return;
      }
      await write(']}');
    };
  }

  /**
   * Erases a visitor in one transaction: the visitor row keeps only its id and dates (name replaced,
   * email, identity, context gone), the text and files of the visitor's messages are replaced by a
   * marker (seqs stay, so transcripts keep their order), rating comments go, the webhook events
   * recorded about the visitor's conversations go with their delivery log (nothing can be
   * redelivered), stored idempotent answers to the visitor go, mail to the visitor and its resume and
 * confirmation links go, and open conversations close with a
   * note. After the commit: the visitor's tokens are refused (the row is marked) and its open
   * connections close on every node.
   */
  async erase(id: string): Promise<Erasure> {
    const { result, notes } = await this.db.transaction(async (sql) => {
      const [locked] = (await sql.query(`SELECT id FROM visitors WHERE id = $1 AND erased_at IS NULL FOR UPDATE`, [id])) as { id: string }[];
      if (!locked) throw notFound();
      const threadIds = ((await sql.query(`SELECT id FROM threads WHERE visitor_id = $1`, [id])) as { id: string }[]).map((r) => r.id);
      // Events recorded before this point carry the visitor's data; those of the closes below do not.
      const [{ ord }] = (await sql.query(`SELECT coalesce(max(ord), 0)::text AS ord FROM webhook_events`)) as { ord: string }[];
      const [erased] = (await sql.query(
        `UPDATE visitors SET name = $2, email = '', email_verified = false, external_id = NULL, meta = '{}'::jsonb,
                pages = '[]'::jsonb, user_agent = NULL, time_zone = NULL, last_ip = NULL, online = false, erased_at = now()
          WHERE id = $1 RETURNING erased_at`,
        [id, ERASED_VISITOR_NAME],
      )) as [{ erased_at: Date }[], number];
      const messages = (await sql.query(
        `UPDATE messages SET body = $2, author_name = $3, attachments = '[]'::jsonb
          WHERE thread_id = ANY($1::uuid[]) AND author_type = 'visitor'`,
        [threadIds, ERASED_MESSAGE_TEXT, ERASED_VISITOR_NAME],
      )) as [unknown, number];
      // Each deleted upload queues its stored file for deletion (the `uploads` trigger).
      const files = (await sql.query(`DELETE FROM uploads WHERE uploader_type = 'visitor' AND uploader_id = $1`, [id])) as [unknown, number];
      await sql.query(`UPDATE threads SET rating_comment = NULL WHERE visitor_id = $1 AND rating_comment IS NOT NULL`, [id]);
      await sql.query(`DELETE FROM idempotency_keys WHERE caller = $1`, [`visitor:${id}`]);
      // Mail to the visitor (sent or waiting: it holds the address and the conversation) and its links (resume, confirm) die now.
      await sql.query(`DELETE FROM email_outbox WHERE thread_id = ANY($1::uuid[])`, [threadIds]);
      await sql.query(`DELETE FROM email_links WHERE visitor_id = $1`, [id]);
      const closed = await this.threads.closeOpenOfVisitor(sql, id, ERASURE_CLOSE_NOTE);
      await sql.query(`DELETE FROM webhook_events WHERE thread_id = ANY($1::uuid[]) AND ord <= $2::bigint`, [threadIds, ord]);
      return {
        notes: closed,
        result: {
          visitorId: id,
          erasedAt: iso(new Date(erased[0].erased_at)),
          threadsClosed: closed.length,
          messagesErased: messages[1],
          filesDeleted: files[1],
        },
      };
    });
    this.events.emit({ type: 'visitor.erased', visitorId: id });
    await this.threads.announceClosed(notes);
    return result;
  }

  private async visitor(id: string): Promise<ExportVisitor | null> {
    const [row] = (await this.db.query(`SELECT v.*, 0 AS threads FROM visitors v WHERE v.id = $1 AND v.erased_at IS NULL`, [id])) as VisitorRow[];
    if (!row) return null;
    return { ...toVisitor(row), pages: row.pages, userAgent: row.user_agent, timeZone: row.time_zone, lastIp: row.last_ip, meta: row.meta };
  }
}

function toVisitor(r: VisitorRow): Omit<PrivacyVisitor, 'threads'> {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    emailVerified: r.email_verified,
    externalId: r.external_id,
    createdAt: iso(new Date(r.created_at)),
    lastSeenAt: iso(new Date(r.last_seen_at)),
  };
}
