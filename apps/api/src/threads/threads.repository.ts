import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ActorType, Attachment, AuthorType, Message, Tag, Thread, ThreadStatus } from '@parley/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { iso, isoOrNull } from '../common/mappers';
import { WebhookOutbox } from '../webhooks/webhook-outbox';

/** Anything that runs SQL: the data source, or a transaction's entity manager. */
export type Sql = Pick<DataSource | EntityManager, 'query'>;

interface ThreadRow {
  id: string;
  status: ThreadStatus;
  last_seq: number;
  visitor_read_seq: number;
  agent_read_seq: number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  closed_by_type: ActorType | null;
  closed_by_id: string | null;
  assigned_agent_id: string | null;
  agent_name: string | null;
  team_id: string | null;
  team_name: string | null;
  visitor_id: string;
  visitor_name: string;
  visitor_email: string;
  cursor_ts: string;
  preview: string | null;
  lm_seq: number | null;
  lm_author_type: AuthorType | null;
  lm_author_id: string | null;
  lm_body: string | null;
  lm_created_at: Date | null;
  tags: Tag[];
  rating: number | null;
  rating_comment: string | null;
  rated_agent_id: string | null;
  rated_agent_name: string | null;
  rated_at: Date | null;
  rating_updated_at: Date | null;
  created_while_closed: boolean;
  /** Only in a searched list: the first matching message. */
  sm_seq?: number | null;
  sm_body?: string | null;
}

interface MessageRow {
  id: string;
  thread_id: string;
  seq: number;
  author_type: AuthorType;
  author_id: string | null;
  author_name: string | null;
  body: string;
  client_msg_id: string | null;
  attachments: Attachment[];
  created_at: Date;
}

export interface ThreadAccess {
  visitorId: string;
  status: ThreadStatus;
  assignedAgentId: string | null;
}

export interface NewMessage {
  threadId: string;
  authorType: AuthorType;
  authorId: string | null;
  authorName: string | null;
  body: string;
  clientMsgId: string | null;
  /** The files it carries (uploads of its author to its thread); none when absent. */
  attachments?: readonly Attachment[];
}

/** What appendMany did with one message, and what the locked thread looked like (null: no such thread). */
export interface AppendResult {
  thread: ThreadAccess | null;
  /** The new message (inserted) or the one stored earlier with the same clientMsgId; null if neither. */
  message: Message | null;
  inserted: boolean;
  /** When its batch committed (`performance.now()` on this node), for the fan-out metric. */
  committedAt?: number;
}

interface AppendRow extends Omit<MessageRow, 'id' | 'seq' | 'body' | 'attachments' | 'created_at'> {
  ord: string;
  thread_status: ThreadStatus | null;
  thread_visitor_id: string | null;
  thread_agent_id: string | null;
  inserted: boolean;
  id: string | null;
  seq: number | null;
  body: string | null;
  attachments: Attachment[] | null;
  created_at: Date | null;
}

export interface ThreadFilter {
  visitorId?: string;
  status?: ThreadStatus;
  /** An agent id, or null for unassigned threads. */
  assigneeId?: string | null;
  /** Only threads with this tag. */
  tagId?: string;
  /** Only threads of this team; null: of the default queue. */
  teamId?: string | null;
  /** What a `q` asks for (see searchOf): words of the messages' text, parts of names, emails and tag names. */
  search?: ThreadSearch;
  order: 'asc' | 'desc';
  limit: number;
  after?: { createdAt: string; id: string };
}

const THREAD_SELECT = `
  SELECT t.id, t.status, t.last_seq, t.visitor_read_seq, t.agent_read_seq, t.created_at, t.updated_at, t.closed_at, t.closed_by_type, t.closed_by_id,
         t.assigned_agent_id, a.name AS agent_name, t.team_id, tm.name AS team_name, t.visitor_id, v.name AS visitor_name, v.email AS visitor_email,
         to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts,
         (SELECT left(m.body, 140) FROM messages m
           WHERE m.thread_id = t.id AND m.author_type = 'visitor' AND m.body <> '' ORDER BY m.seq LIMIT 1) AS preview,
         lm.seq AS lm_seq, lm.author_type AS lm_author_type, lm.author_id AS lm_author_id, lm.body AS lm_body, lm.created_at AS lm_created_at,
         COALESCE((SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) ORDER BY lower(g.name), g.id)
                     FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.thread_id = t.id), '[]'::json) AS tags,
         t.rating, t.rating_comment, t.rated_agent_id, ra.name AS rated_agent_name, t.rated_at, t.rating_updated_at,
         t.created_while_closed
    FROM threads t
    JOIN visitors v ON v.id = t.visitor_id
    LEFT JOIN agents a ON a.id = t.assigned_agent_id
    LEFT JOIN teams tm ON tm.id = t.team_id
    LEFT JOIN agents ra ON ra.id = t.rated_agent_id
    -- The newest message that is not a system note: read backwards on the (thread_id, seq) index.
    LEFT JOIN LATERAL (
      SELECT m.seq, m.author_type, m.author_id, left(m.body, 140) AS body, m.created_at FROM messages m
       WHERE m.thread_id = t.id AND m.author_type <> 'system' ORDER BY m.seq DESC LIMIT 1) lm ON true`;

const SELECT_FROM = '\n    FROM threads t';

/** Below this many matching messages, a search reads their threads from the GIN index (see rareMatches). */
const RARE_MESSAGES = 5000;

/** A search as SQL parameters: never spliced into the statement. */
export interface ThreadSearch {
  /**
   * The search as typed: its words, as the `simple` configuration makes them (the same parser and
   * dictionary as the messages' `body_tsv`, so any language matches word for word), must all be in
   * one message.
   */
  text: string;
  /** The whole search as an ILIKE pattern (its `%`, `_` and `\` escaped), for names, emails and tags. */
  pattern: string;
  /** Its words (runs of letters, marks and digits), lower case: for the excerpt and for clients to highlight. */
  terms: string[];
}

/** What a `q` searches for, or null when it has no letter or digit in any script (only punctuation finds nothing). */
export function searchOf(q: string): ThreadSearch | null {
  const terms = [...new Set(q.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [])];
  if (terms.length === 0) return null;
  return { text: q, pattern: `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`, terms };
}


/**
 * Up to about 160 characters of `text` around the first place it contains one of `terms` (compared
 * case-insensitively), with an ellipsis where it was cut; its start when none is found.
 */
export function excerpt(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  const found = terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0);
  const at = found.length ? Math.min(...found) : 0;
  const start = Math.max(0, Math.min(at - 50, text.length - 160));
  const end = Math.min(text.length, start + 160);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

const MESSAGE_COLUMNS = 'id, thread_id, seq, author_type, author_id, author_name, body, client_msg_id, attachments, created_at';

/**
 * One statement for a batch of messages; see ThreadsRepository.appendMany. `outbox` adds the webhook
 * outbox's CTEs (WebhookOutbox.messageCtes) when an endpoint subscribes to new messages.
 */
const appendManySql = (outbox: string) => `
  WITH i AS MATERIALIZED (
    SELECT * FROM unnest($1::uuid[], $2::author_type[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
      WITH ORDINALITY AS i(thread_id, author_type, author_id, author_name, body, client_msg_id, attachments, ord)),
  l AS MATERIALIZED (
    SELECT id, visitor_id, status, assigned_agent_id FROM threads
     WHERE id IN (SELECT thread_id FROM i) ORDER BY id FOR UPDATE),
  d AS MATERIALIZED (
    SELECT i.ord, m.id, m.seq, m.author_name, m.body, m.attachments, m.created_at FROM i
      JOIN messages m ON m.thread_id = i.thread_id AND m.author_type = i.author_type
                     AND m.author_id = i.author_id AND m.client_msg_id = i.client_msg_id),
  ok AS MATERIALIZED (
    SELECT i.*, row_number() OVER (PARTITION BY i.thread_id ORDER BY i.ord) AS k
      FROM i JOIN l ON l.id = i.thread_id
     WHERE l.status <> 'closed'
       AND CASE i.author_type WHEN 'visitor' THEN l.visitor_id = i.author_id
                              WHEN 'agent' THEN l.assigned_agent_id IS NOT DISTINCT FROM i.author_id
                              ELSE true END
       AND NOT EXISTS (SELECT 1 FROM d WHERE d.ord = i.ord)),
  c AS (SELECT thread_id, count(*)::int AS n, bool_or(author_type = 'agent') AS agent FROM ok GROUP BY thread_id),
  -- A thread's first agent message also sets its first_response_at (reports), under the same lock.
  t AS (
    UPDATE threads SET last_seq = threads.last_seq + c.n, updated_at = now(),
                       first_response_at = CASE WHEN c.agent THEN COALESCE(threads.first_response_at, now()) ELSE threads.first_response_at END
      FROM c WHERE threads.id = c.thread_id
    RETURNING threads.id, threads.last_seq - c.n AS base, threads.last_seq),
  ins AS (
    INSERT INTO messages (thread_id, seq, author_type, author_id, author_name, body, client_msg_id, attachments)
    SELECT ok.thread_id, t.base + ok.k, ok.author_type, ok.author_id, ok.author_name, ok.body, ok.client_msg_id, ok.attachments
      FROM ok JOIN t ON t.id = ok.thread_id
    RETURNING id, thread_id, seq, author_type, author_id, client_msg_id, author_name, body, attachments, created_at),
  -- The uploads a new message carries become its files (the service checked they are its author's, in its thread).
  att AS (
    UPDATE uploads u SET message_id = ins.id
      FROM ins, jsonb_array_elements(ins.attachments) AS a(file)
     WHERE u.id = (a.file->>'id')::uuid AND u.message_id IS NULL)${outbox}
  SELECT i.ord, l.status AS thread_status, l.visitor_id AS thread_visitor_id, l.assigned_agent_id AS thread_agent_id,
         ins.id IS NOT NULL AS inserted, i.thread_id, i.author_type, i.author_id, i.client_msg_id,
         COALESCE(ins.id, d.id) AS id, COALESCE(ins.seq, d.seq) AS seq, COALESCE(ins.author_name, d.author_name) AS author_name,
         COALESCE(ins.body, d.body) AS body, COALESCE(ins.attachments, d.attachments) AS attachments,
         COALESCE(ins.created_at, d.created_at) AS created_at
    FROM i
    LEFT JOIN l ON l.id = i.thread_id
    LEFT JOIN ins ON ins.thread_id = i.thread_id AND ins.author_type = i.author_type
                 AND ins.author_id = i.author_id AND ins.client_msg_id = i.client_msg_id
    LEFT JOIN d ON d.ord = i.ord`;

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

export function toThread(r: ThreadRow): Thread {
  return {
    id: r.id,
    status: r.status,
    lastSeq: r.last_seq,
    visitorReadSeq: r.visitor_read_seq,
    agentReadSeq: r.agent_read_seq,
    visitor: { id: r.visitor_id, name: r.visitor_name, email: r.visitor_email },
    assignedAgent: r.assigned_agent_id ? { id: r.assigned_agent_id, name: r.agent_name ?? '' } : null,
    team: r.team_id ? { id: r.team_id, name: r.team_name ?? '' } : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    closedAt: isoOrNull(r.closed_at),
    closedBy: r.closed_by_type ? { type: r.closed_by_type, id: r.closed_by_id } : null,
    preview: r.preview,
    lastMessage:
      r.lm_seq !== null && r.lm_author_type && r.lm_body !== null && r.lm_created_at
        ? { seq: r.lm_seq, authorType: r.lm_author_type, authorId: r.lm_author_id, body: r.lm_body, createdAt: iso(r.lm_created_at) }
        : null,
    tags: r.tags ?? [],
    rating:
      r.rating !== null && r.rated_at && r.rating_updated_at
        ? {
            score: r.rating,
            comment: r.rating_comment,
            ratedAgent: r.rated_agent_id ? { id: r.rated_agent_id, name: r.rated_agent_name ?? '' } : null,
            createdAt: iso(r.rated_at),
            updatedAt: iso(r.rating_updated_at),
          }
        : null,
    createdWhileClosed: r.created_while_closed ?? false,
  };
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    threadId: r.thread_id,
    seq: r.seq,
    authorType: r.author_type,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    clientMsgId: r.client_msg_id,
    attachments: r.attachments ?? [],
    createdAt: iso(r.created_at),
  };
}

/** The thread and message SQL: the hot paths are single statements written by hand. */
@Injectable()
export class ThreadsRepository {
  /** The batch statement without and with the webhook outbox. */
  private readonly appendMany0 = appendManySql('');
  private appendManyOutbox?: string;

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    private readonly outbox: WebhookOutbox,
  ) {}

  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findById(id: string, sql: Sql = this.dataSource): Promise<(Thread & { cursor: string }) | null> {
    const [row] = rowsOf<ThreadRow>(await sql.query(`${THREAD_SELECT} WHERE t.id = $1`, [id]));
    return row ? { ...toThread(row), cursor: row.cursor_ts } : null;
  }

  async access(id: string): Promise<ThreadAccess | null> {
    return this.accessOf(this.dataSource, id, '');
  }

  /** The thread's access, its row locked until the transaction ends: a decision that stays true while it is acted on. */
  async lockedAccess(sql: Sql, id: string): Promise<ThreadAccess | null> {
    return this.accessOf(sql, id, 'FOR UPDATE');
  }

  private async accessOf(sql: Sql, id: string, lock: '' | 'FOR UPDATE'): Promise<ThreadAccess | null> {
    const [row] = rowsOf<{ visitor_id: string; status: ThreadStatus; assigned_agent_id: string | null }>(
      await sql.query(`SELECT visitor_id, status, assigned_agent_id FROM threads WHERE id = $1 ${lock}`, [id]),
    );
    return row ? { visitorId: row.visitor_id, status: row.status, assignedAgentId: row.assigned_agent_id } : null;
  }

  /** Inserts a queued thread unless the visitor has an open one; the partial unique index decides. */
  async insertOpen(visitorId: string, sql: Sql = this.dataSource, teamId: string | null = null, createdWhileClosed = false): Promise<string | null> {
    const [row] = rowsOf<{ id: string }>(
      await sql.query(
        `INSERT INTO threads (visitor_id, team_id, created_while_closed) VALUES ($1, $2, $3)
         ON CONFLICT (visitor_id) WHERE status <> 'closed' DO NOTHING RETURNING id`,
        [visitorId, teamId, createdWhileClosed],
      ),
    );
    return row?.id ?? null;
  }

  async openThreadIds(by: { visitorId?: string; agentId?: string }): Promise<string[]> {
    const [column, value] = by.visitorId ? ['visitor_id', by.visitorId] : ['assigned_agent_id', by.agentId];
    const rows = rowsOf<{ id: string }>(
      await this.dataSource.query(`SELECT id FROM threads WHERE ${column} = $1 AND status <> 'closed'`, [value]),
    );
    return rows.map((r) => r.id);
  }

  async list(f: ThreadFilter): Promise<{ items: Thread[]; cursors: string[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.visitorId) where.push(`t.visitor_id = ${param(f.visitorId)}`);
    if (f.status) where.push(`t.status = ${param(f.status)}`);
    if (f.assigneeId === null) where.push('t.assigned_agent_id IS NULL');
    else if (f.assigneeId) where.push(`t.assigned_agent_id = ${param(f.assigneeId)}`);
    if (f.teamId === null) where.push('t.team_id IS NULL');
    else if (f.teamId) where.push(`t.team_id = ${param(f.teamId)}`);
    if (f.tagId) where.push(`EXISTS (SELECT 1 FROM thread_tags ft WHERE ft.thread_id = t.id AND ft.tag_id = ${param(f.tagId)})`);
    const dir = f.order === 'asc' ? 'ASC' : 'DESC';
    if (f.after) {
      const op = f.order === 'asc' ? '>' : '<';
      where.push(`(t.created_at, t.id) ${op} (${param(f.after.createdAt)}::timestamptz, ${param(f.after.id)}::uuid)`);
    }
    const order = `ORDER BY t.created_at ${dir}, t.id ${dir} LIMIT ${param(f.limit)}`;
    const and = where.map((w) => ` AND ${w}`).join('');
    let sqlText: string;
    if (f.search) {
      // Whole words, all required: plainto_tsquery reads no operators from the text (a parameter).
      const q = `plainto_tsquery('simple', ${param(f.search.text)})`;
      // Where the words are rare, the threads of their messages, read through the GIN index; where they
      // are common (RARE_MESSAGES or more), null: the newest threads are walked, and soon meet them.
      const rare = await this.rareMatches(f.search.text);
      const messageHit = rare
        ? `t.id = ANY(${param(rare)}::uuid[])`
        : `EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.author_type <> 'system' AND m.body_tsv @@ ${q})`;
      const p = param(f.search.pattern);
      // Three searches, each with the filters and the page's order and limit (the messages', the trigram
      // GINs on names and emails, tags); the page is the newest of their union.
      const hits = `WITH hit AS (
        (SELECT t.id FROM threads t WHERE ${messageHit}${and} ${order})
        UNION
        (SELECT t.id FROM threads t JOIN visitors v ON v.id = t.visitor_id
          WHERE (v.name ILIKE ${p} OR v.email ILIKE ${p})${and} ${order})
        UNION
        (SELECT t.id FROM threads t WHERE EXISTS (
           SELECT 1 FROM thread_tags st JOIN tags g ON g.id = st.tag_id WHERE st.thread_id = t.id AND g.name ILIKE ${p})${and} ${order}))`;
      // The first message that matches, for the list to show it.
      const select = THREAD_SELECT.replace(SELECT_FROM, `, sm.seq AS sm_seq, sm.body AS sm_body${SELECT_FROM}`).concat(`
    LEFT JOIN LATERAL (
      SELECT m.seq, m.body FROM messages m
       WHERE m.thread_id = t.id AND m.author_type <> 'system' AND m.body_tsv @@ ${q} ORDER BY m.seq LIMIT 1) sm ON true`);
      sqlText = `${hits}${select} WHERE t.id IN (SELECT id FROM hit) ${order}`;
    } else {
      sqlText = `${THREAD_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order}`;
    }
    const rows = rowsOf<ThreadRow>(await this.dataSource.query(sqlText, params));
    const search = f.search;
    const items = rows.map((r) => {
      const thread = toThread(r);
      if (!search) return thread;
      const match = r.sm_seq && typeof r.sm_body === 'string' ? { seq: r.sm_seq, excerpt: excerpt(r.sm_body, search.terms), terms: search.terms } : null;
      return { ...thread, match };
    });
    return { items, cursors: rows.map((r) => r.cursor_ts) };
  }

  /**
   * The threads whose messages hold every word of the search, when fewer than RARE_MESSAGES messages
   * do; null when more do. The planner cannot be trusted to tell these cases apart (a word absent from
   * body_tsv's statistics is guessed at half the rarest listed one: in a small vocabulary, common), and
   * guessing wrong costs a walk over every thread (measured: 5 s on 1,000,000 messages). So the GIN
   * index is read first, always: a bitmap scan costs little even for a common word, and stops after
   * RARE_MESSAGES rows.
   */
  private async rareMatches(text: string): Promise<string[] | null> {
    const rows = await this.dataSource.transaction(async (sql) => {
      await sql.query('SET LOCAL enable_seqscan = off');
      return rowsOf<{ thread_id: string }>(
        await sql.query(
          `SELECT m.thread_id FROM messages m
            WHERE m.author_type <> 'system' AND m.body_tsv @@ plainto_tsquery('simple', $1) LIMIT ${RARE_MESSAGES}`,
          [text],
        ),
      );
    });
    return rows.length < RARE_MESSAGES ? [...new Set(rows.map((r) => r.thread_id))] : null;
  }

  /** Puts the tag on the thread (on) or takes it off; whether that changed anything. */
  async setTag(sql: Sql, threadId: string, tagId: string, on: boolean): Promise<boolean> {
    const rows = rowsOf<{ thread_id: string }>(
      await sql.query(
        on
          ? `INSERT INTO thread_tags (thread_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING thread_id`
          : `DELETE FROM thread_tags WHERE thread_id = $1 AND tag_id = $2 RETURNING thread_id`,
        [threadId, tagId],
      ),
    );
    return rows.length === 1;
  }

  /**
   * Appends a message with the thread's next seq in one statement: the UPDATE takes the thread's row
   * lock, so seqs of one thread are handed out one at a time, with no gap and no double. Nothing is
   * written when the thread is closed or the client message id was already stored (then: null).
   */
  async append(m: NewMessage, sql: Sql = this.dataSource): Promise<Message | null> {
    const [row] = rowsOf<MessageRow>(
      await sql.query(
        `WITH t AS (
           UPDATE threads SET last_seq = last_seq + 1, updated_at = now()
            WHERE id = $1 AND status <> 'closed'
              AND ($5::text IS NULL OR NOT EXISTS (
                SELECT 1 FROM messages
                 WHERE thread_id = $1 AND author_type = $2::author_type AND author_id = $3::uuid AND client_msg_id = $5::text))
           RETURNING last_seq)
         INSERT INTO messages (thread_id, seq, author_type, author_id, author_name, body, client_msg_id)
         SELECT $1::uuid, t.last_seq, $2::author_type, $3::uuid, $4::text, $6::text, $5::text FROM t
         RETURNING ${MESSAGE_COLUMNS}`,
        [m.threadId, m.authorType, m.authorId, m.authorName, m.clientMsgId, m.body],
      ),
    );
    return row ? toMessage(row) : null;
  }

  /**
   * Appends a batch of messages written by people (each with a clientMsgId) in one statement, so one
   * transaction and one commit: the group commit behind MessageWriter. The batch's threads are locked
   * in id order (concurrent batches, on any node, cannot deadlock); each thread's last_seq grows by its
   * number of new messages, which take the seqs in batch order. A message is written only where its
   * author may write (the thread's visitor, its assigned agent, an integrator) and the thread is open,
   * so the check holds under the same row lock as the write. A clientMsgId already stored returns the
   * stored message instead. Keys (thread, author, clientMsgId) must be distinct within one batch.
   * The result has one entry per input, in input order, with what the locked thread looked like.
   */
  async appendMany(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    // Planned for each batch, never prepared: a generic plan made while `messages` is small would keep
    // a sequential scan of it for the connection's life (measured: 38 ms a batch at 100k messages).
    const rows = rowsOf<AppendRow>(
      await this.dataSource.query(this.appendManyStatement(), [
        batch.map((m) => m.threadId),
        batch.map((m) => m.authorType),
        batch.map((m) => m.authorId),
        batch.map((m) => m.authorName),
        batch.map((m) => m.body),
        batch.map((m) => m.clientMsgId),
        batch.map((m) => JSON.stringify(m.attachments ?? [])),
      ]),
    );
    const results = new Array<AppendResult>(batch.length);
    let inserted = false;
    for (const r of rows) {
      inserted ||= r.inserted;
      results[Number(r.ord) - 1] = {
        thread: r.thread_status
          ? { status: r.thread_status, visitorId: r.thread_visitor_id as string, assignedAgentId: r.thread_agent_id }
          : null,
        message: r.id ? toMessage(r as MessageRow) : null,
        inserted: r.inserted,
      };
    }
    if (inserted && this.outbox.wants('message.created')) this.outbox.committed();
    return results;
  }

  private appendManyStatement(): string {
    if (!this.outbox.wants('message.created')) return this.appendMany0;
    return (this.appendManyOutbox ??= appendManySql(this.outbox.messageCtes()));
  }

  /**
   * The uploads `ids` of this author in this thread that a message with this clientMsgId may carry:
   * not attached yet, or attached to that very message (a resend). In the order of `ids`; an id
   * missing from the answer is not one of them.
   */
  async attachable(
    threadId: string,
    author: { type: AuthorType; id: string },
    clientMsgId: string,
    ids: readonly string[],
  ): Promise<Attachment[]> {
    const rows = rowsOf<{ id: string; name: string; size: string; content_type: string; width: number | null; height: number | null }>(
      await this.dataSource.query(
        `SELECT u.id, u.name, u.size, u.content_type, u.width, u.height FROM uploads u
           LEFT JOIN messages m ON m.id = u.message_id
          WHERE u.id = ANY($1::uuid[]) AND u.thread_id = $2 AND u.uploader_type = $3 AND u.uploader_id = $4
            AND (u.message_id IS NULL OR m.client_msg_id = $5)`,
        [ids, threadId, author.type, author.id, clientMsgId],
      ),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const dims = r.width && r.height ? { width: r.width, height: r.height } : {};
      return [{ id: r.id, name: r.name, size: Number(r.size), contentType: r.content_type, ...dims }];
    });
  }

  async messagesAfter(threadId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const rows = rowsOf<MessageRow>(
      await this.dataSource.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE thread_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [threadId, afterSeq, limit],
      ),
    );
    return rows.map(toMessage);
  }

  /** queued → active for this agent; false when the thread was not queued (someone else won). */
  async claim(sql: Sql, id: string, agentId: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await sql.query(
        `UPDATE threads SET status = 'active', assigned_agent_id = $2, updated_at = now(), assigned_at = COALESCE(assigned_at, now()), assignee_since = now()
          WHERE id = $1 AND status = 'queued' RETURNING id`,
        [id, agentId],
      ),
    );
    if (rows.length === 1) await this.touchAgent(sql, agentId);
    return rows.length === 1;
  }

  async assign(sql: Sql, id: string, agentId: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await sql.query(
        `UPDATE threads SET status = 'active', assigned_agent_id = $2, updated_at = now(), assigned_at = COALESCE(assigned_at, now()), assignee_since = now()
          WHERE id = $1 AND status <> 'closed' RETURNING id`,
        [id, agentId],
      ),
    );
    if (rows.length === 1) await this.touchAgent(sql, agentId);
    return rows.length === 1;
  }

  /** The agent was just given a conversation: ties in routing go to the agent idle longest. */
  private async touchAgent(sql: Sql, agentId: string): Promise<void> {
    await sql.query(`UPDATE agents SET last_assigned_at = now() WHERE id = $1`, [agentId]);
  }

  /**
   * The agent's row locked until the transaction ends, and how many conversations it works now,
   * counted after the lock was taken: every assignment to an agent (claim, assign, transfer,
   * routing) takes this lock after the thread's, so two of them cannot both take its last slot.
   * Null when there is no such agent or it is deactivated.
   */
  async lockedLoad(sql: Sql, agentId: string): Promise<{ name: string; status: string; maxConcurrent: number; active: number } | null> {
    const [agent] = rowsOf<{ name: string; status: string; max_concurrent: number }>(
      await sql.query(`SELECT name, status, max_concurrent FROM agents WHERE id = $1 AND deactivated_at IS NULL FOR UPDATE`, [agentId]),
    );
    if (!agent) return null;
    const [load] = rowsOf<{ n: number }>(
      await sql.query(`SELECT count(*)::int AS n FROM threads WHERE assigned_agent_id = $1 AND status = 'active'`, [agentId]),
    );
    return { name: agent.name, status: agent.status, maxConcurrent: agent.max_concurrent, active: load.n };
  }

  /**
   * The next assignment of automatic routing, or null: the oldest queued thread of a queue in `auto`
   * mode (its team's mode, or the default mode for threads without a team) that has an eligible
   * agent, and that agent: online, active, below `maxConcurrent`, a member of the thread's team (any
   * agent for the default queue); the fewest active threads first, then the one idle longest.
   */
  async nextRoute(sql: Sql): Promise<{ threadId: string; agentId: string } | null> {
    const [row] = rowsOf<{ thread_id: string; agent_id: string }>(
      await sql.query(
        `WITH load AS (
           SELECT assigned_agent_id AS agent_id, count(*)::int AS n FROM threads
            WHERE status = 'active' AND assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id),
         eligible AS MATERIALIZED (
           SELECT a.id, COALESCE(l.n, 0) AS n, a.last_assigned_at FROM agents a LEFT JOIN load l ON l.agent_id = a.id
            WHERE a.status = 'online' AND a.deactivated_at IS NULL AND COALESCE(l.n, 0) < a.max_concurrent)
         SELECT t.id AS thread_id, e.id AS agent_id
           FROM threads t
           LEFT JOIN teams tm ON tm.id = t.team_id
           CROSS JOIN LATERAL (
             SELECT e.id FROM eligible e
              WHERE t.team_id IS NULL OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.team_id AND m.agent_id = e.id)
              ORDER BY e.n, e.last_assigned_at ASC NULLS FIRST, e.id LIMIT 1) e
          WHERE t.status = 'queued'
            AND COALESCE(tm.routing_mode, (SELECT default_mode FROM routing_settings WHERE id = 1), 'manual') = 'auto'
          ORDER BY t.created_at, t.id
          LIMIT 1`,
      ),
    );
    return row ? { threadId: row.thread_id, agentId: row.agent_id } : null;
  }

  /**
   * Each queued thread: its place in its queue (1: next), and the number of
   * that queue's threads first assigned in the hour before now (the pace of the queue).
   */
  async queuePositions(): Promise<{ threadId: string; position: number; servedLastHour: number }[]> {
    const rows = rowsOf<{ id: string; position: number; served: number }>(
      await this.dataSource.query(
        `WITH q AS (
           SELECT t.id, t.team_id, row_number() OVER (PARTITION BY t.team_id ORDER BY t.created_at, t.id)::int AS position
             FROM threads t WHERE t.status = 'queued'),
         served AS (
           SELECT team_id, count(*)::int AS n FROM threads
            WHERE assigned_at > now() - interval '1 hour' GROUP BY team_id)
         SELECT q.id, q.position, COALESCE(s.n, 0) AS served FROM q LEFT JOIN served s ON s.team_id IS NOT DISTINCT FROM q.team_id
          ORDER BY q.team_id, q.position LIMIT 5000`,
      ),
    );
    return rows.map((r) => ({ threadId: r.id, position: r.position, servedLastHour: r.served }));
  }

  /** Whether the agent is a member of the team. */
  async isMember(sql: Sql, teamId: string, agentId: string): Promise<boolean> {
    const rows = rowsOf<{ ok: number }>(await sql.query(`SELECT 1 AS ok FROM team_members WHERE team_id = $1 AND agent_id = $2`, [teamId, agentId]));
    return rows.length === 1;
  }

  /** The thread's team, under the lock the caller holds. */
  async teamOf(sql: Sql, threadId: string): Promise<string | null> {
    const [row] = rowsOf<{ team_id: string | null }>(await sql.query(`SELECT team_id FROM threads WHERE id = $1`, [threadId]));
    return row?.team_id ?? null;
  }

  /** Back to a queue (a team's, or the default one: null), unassigned. */
  async requeue(sql: Sql, id: string, teamId: string | null): Promise<void> {
    await sql.query(
      `UPDATE threads SET status = 'queued', assigned_agent_id = NULL, assignee_since = NULL, team_id = $2, updated_at = now() WHERE id = $1 AND status <> 'closed'`,
      [id, teamId],
    );
  }

  /** The agent's active threads back to the queue, unassigned; their ids. */
  async releaseAgent(sql: Sql, agentId: string): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await sql.query(
        `UPDATE threads SET status = 'queued', assigned_agent_id = NULL, assignee_since = NULL, updated_at = now()
          WHERE assigned_agent_id = $1 AND status = 'active' RETURNING id`,
        [agentId],
      ),
    );
    return rows.map((r) => r.id);
  }

  /**
   * The visitor's rating of its closed thread, under the thread's row lock: what the thread is, and
   * whether a rating given earlier is still open to change (its first rating less than 24 h ago, by
   * the database's clock).
   */
  async lockedForRating(sql: Sql, id: string): Promise<{ visitorId: string; status: ThreadStatus; rated: boolean; changeable: boolean } | null> {
    const [row] = rowsOf<{ visitor_id: string; status: ThreadStatus; rated: boolean; changeable: boolean }>(
      await sql.query(
        `SELECT visitor_id, status, rated_at IS NOT NULL AS rated, rated_at IS NULL OR rated_at > now() - interval '24 hours' AS changeable
           FROM threads WHERE id = $1 FOR UPDATE`,
        [id],
      ),
    );
    return row ? { visitorId: row.visitor_id, status: row.status, rated: row.rated, changeable: row.changeable } : null;
  }

  /** Stores the rating; the first one is credited to the agent the thread was assigned to when it closed. */
  async rate(sql: Sql, id: string, score: number, comment: string | null): Promise<void> {
    await sql.query(
      `UPDATE threads SET rating = $2, rating_comment = $3, rated_agent_id = CASE WHEN rated_at IS NULL THEN assigned_agent_id ELSE rated_agent_id END,
                          rated_at = COALESCE(rated_at, now()), rating_updated_at = now()
        WHERE id = $1`,
      [id, score, comment],
    );
  }

  async close(sql: Sql, id: string, by: { type: ActorType; id: string | null }): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(
      await sql.query(
        `UPDATE threads SET status = 'closed', closed_at = now(), closed_by_type = $2, closed_by_id = $3, updated_at = now()
          WHERE id = $1 AND status <> 'closed' RETURNING id`,
        [id, by.type, by.id],
      ),
    );
    return rows.length === 1;
  }
}
