import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, findMentions, type Mention, type MentionedAgent, type Note, type NotePage } from '@parley/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { isUniqueViolation } from '../common/mappers';
import { mayNote } from '../threads/thread.policy';

const threadNotFound = () => new AppError(ErrorCode.ThreadNotFound, 'No such thread');

/** Who writes a note: an agent, or an integration (`bot`, an API key). */
export interface NoteAuthor {
  type: 'agent' | 'bot';
  id: string;
  name: string;
}

interface NoteRow {
  id: string;
  thread_id: string;
  note_seq: number;
  author_type: 'agent' | 'bot';
  author_id: string | null;
  author_name: string | null;
  body: string;
  client_note_id: string | null;
  created_at: Date;
  mentions: MentionedAgent[] | string | null;
}

interface MentionRow extends NoteRow {
  visitor_name: string;
  read_at: Date | null;
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const NOTE_COLUMNS = `n.id, n.thread_id, n.note_seq, n.author_type, n.author_id, n.author_name, n.body, n.client_note_id, n.created_at,
  (SELECT coalesce(json_agg(json_build_object('id', a.id, 'name', a.name) ORDER BY m.ord), '[]'::json)
     FROM mentions m JOIN agents a ON a.id = m.agent_id WHERE m.note_id = n.id) AS mentions`;

function toNote(r: NoteRow): Note {
  const mentions = typeof r.mentions === 'string' ? (JSON.parse(r.mentions) as MentionedAgent[]) : (r.mentions ?? []);
  return {
    id: r.id,
    threadId: r.thread_id,
    noteSeq: Number(r.note_seq),
    authorType: r.author_type,
    authorId: r.author_id,
    authorName: r.author_name,
    body: r.body,
    clientNoteId: r.client_note_id,
    mentions,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function toMention(r: MentionRow): Mention {
  return { id: r.id, threadId: r.thread_id, visitorName: r.visitor_name, note: toNote(r), readAt: r.read_at ? new Date(r.read_at).toISOString() : null };
}

/**
 * Private notes (docs/notes.md): agents' words in a thread that its visitor never receives. Each
 * note takes the thread's next `noteSeq` (its own gapless sequence, apart from the messages'
 * `seq`), is idempotent by its author's `clientNoteId`, and is announced after its commit to the
 * thread's agents-only room (`note.created`); each active agent its `@Name`s name gets
 * `mention.created`. Nothing here reaches the webhook outbox or the raw WebSocket hub.
 */
@Injectable()
export class NotesService {
  private readonly log = new Logger('Notes');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: DomainEvents,
  ) {}

  /** Read access: agents and integrators to any thread; a visitor is told there is no such thread. */
  async list(principal: Principal, threadId: string, afterNoteSeq: number, limit: number): Promise<NotePage> {
    if (!mayNote(principal)) throw threadNotFound();
    const [thread] = rowsOf<{ last: number }>(
      await this.db.query(`SELECT coalesce((SELECT last_note_seq FROM note_counters WHERE thread_id = t.id), 0) AS last FROM threads t WHERE t.id = $1`, [threadId]),
    );
    if (!thread) throw threadNotFound();
    const rows = rowsOf<NoteRow>(
      await this.db.query(`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.thread_id = $1 AND n.note_seq > $2 ORDER BY n.note_seq LIMIT $3`, [threadId, afterNoteSeq, limit + 1]),
    );
    return { items: rows.slice(0, limit).map(toNote), lastNoteSeq: Number(thread.last), hasMore: rows.length > limit };
  }

  /** A note from a REST or socket caller: agents and integrators; a visitor is told there is no such thread. */
  post(principal: Principal, threadId: string, input: { body: string; clientNoteId?: string }): Promise<{ note: Note; duplicate: boolean }> {
    if (!mayNote(principal) || principal.kind === 'visitor') throw threadNotFound();
    const author: NoteAuthor = { type: principal.kind === 'agent' ? 'agent' : 'bot', id: principal.id, name: principal.name };
    return this.add(threadId, author, input.body, input.clientNoteId);
  }

  /**
   * Stores a note in a thread (open or closed) for other services too (a transfer's note for the
   * next agent): the author is the caller's to decide, not checked here. A repeated clientNoteId of
   * the same author returns the stored note (duplicate: true) and writes nothing. The note and its
   * mentions are announced only after the commit.
   */
  async add(threadId: string, author: NoteAuthor, body: string, clientNoteId?: string): Promise<{ note: Note; duplicate: boolean }> {
    const text = body.trim();
    if (!text) throw new AppError(ErrorCode.ValidationFailed, 'body: a note needs some text', [{ path: 'body', message: 'a note needs some text' }]);
    let result: { note: Note; duplicate: boolean };
    try {
      result = await this.db.transaction((sql) => this.insert(sql, threadId, author, text, clientNoteId ?? null));
    } catch (err) {
      // The same clientNoteId committed by a concurrent call: answered as the stored note.
      if (!clientNoteId || !isUniqueViolation(err, 'notes_client_note_uq')) throw err;
      const stored = await this.findByClientId(this.db.manager, threadId, author, clientNoteId);
      if (!stored) throw err;
      result = { note: stored, duplicate: true };
    }
    if (!result.duplicate) this.announce(result.note);
    return result;
  }

  /** The signed-in agent's mentions: unread first, then newest first. */
  async mentions(agentId: string, limit: number): Promise<Mention[]> {
    const rows = rowsOf<MentionRow>(
      await this.db.query(
        `SELECT ${NOTE_COLUMNS}, v.name AS visitor_name, me.read_at
           FROM mentions me JOIN notes n ON n.id = me.note_id JOIN threads t ON t.id = n.thread_id JOIN visitors v ON v.id = t.visitor_id
          WHERE me.agent_id = $1
          ORDER BY me.read_at IS NOT NULL, me.created_at DESC, n.id
          LIMIT $2`,
        [agentId, limit],
      ),
    );
    return rows.map(toMention);
  }

  /** Marks one of the agent's mentions read (once: a second call keeps the first time). */
  async markRead(agentId: string, noteId: string): Promise<Mention> {
    await this.db.query(`UPDATE mentions SET read_at = now() WHERE agent_id = $1 AND note_id = $2 AND read_at IS NULL`, [agentId, noteId]);
    const mention = await this.mention(this.db.manager, agentId, noteId);
    if (!mention) throw new AppError(ErrorCode.MentionNotFound, 'No such mention of yours');
    return mention;
  }

  private async insert(sql: EntityManager, threadId: string, author: NoteAuthor, body: string, clientNoteId: string | null): Promise<{ note: Note; duplicate: boolean }> {
    if (clientNoteId) {
      const stored = await this.findByClientId(sql, threadId, author, clientNoteId);
      if (stored) return { note: stored, duplicate: true };
    }
    const [thread] = rowsOf<{ id: string }>(await sql.query(`SELECT id FROM threads WHERE id = $1 FOR KEY SHARE`, [threadId]));
    if (!thread) throw threadNotFound();
    // The counter row is this thread's lock for notes: concurrent notes take the next numbers in turn.
    const [{ seq }] = rowsOf<{ seq: number }>(
      await sql.query(
        `INSERT INTO note_counters (thread_id, last_note_seq) VALUES ($1, 1)
         ON CONFLICT (thread_id) DO UPDATE SET last_note_seq = note_counters.last_note_seq + 1 RETURNING last_note_seq AS seq`,
        [threadId],
      ),
    );
    const [{ id }] = rowsOf<{ id: string }>(
      await sql.query(
        `INSERT INTO notes (thread_id, note_seq, author_type, author_id, author_name, body, client_note_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [threadId, seq, author.type, author.id, author.name, body, clientNoteId],
      ),
    );
    const agents = rowsOf<{ id: string; name: string }>(await sql.query(`SELECT id, name FROM agents WHERE deactivated_at IS NULL`));
    const mentioned = findMentions(body, agents).filter((a) => !(author.type === 'agent' && a.id === author.id));
    if (mentioned.length > 0) {
      await sql.query(`INSERT INTO mentions (note_id, agent_id, ord) SELECT $1, a, o - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS x(a, o)`, [
        id,
        mentioned.map((a) => a.id),
      ]);
    }
    const note = await this.findById(sql, id);
    if (!note) throw new Error('the note just stored is missing');
    return { note, duplicate: false };
  }

  private announce(note: Note): void {
    this.events.emit({ type: 'note.created', note });
    if (note.mentions.length === 0) return;
    this.mentionsOf(note).then(
      (mentions) => {
        for (const m of mentions) this.events.emit({ type: 'mention.created', agentId: m.agentId, mention: m.mention });
      },
      // The note is stored and listed under GET /mentions: only the live notice is lost.
      (err: unknown) => this.log.warn(`announcing the mentions of note ${note.id}: ${String(err)}`),
    );
  }

  private async mentionsOf(note: Note): Promise<{ agentId: string; mention: Mention }[]> {
    const out: { agentId: string; mention: Mention }[] = [];
    for (const a of note.mentions) {
      const mention = await this.mention(this.db.manager, a.id, note.id);
      if (mention) out.push({ agentId: a.id, mention });
    }
    return out;
  }

  private async mention(sql: EntityManager, agentId: string, noteId: string): Promise<Mention | null> {
    const [row] = rowsOf<MentionRow>(
      await sql.query(
        `SELECT ${NOTE_COLUMNS}, v.name AS visitor_name, me.read_at
           FROM mentions me JOIN notes n ON n.id = me.note_id JOIN threads t ON t.id = n.thread_id JOIN visitors v ON v.id = t.visitor_id
          WHERE me.agent_id = $1 AND me.note_id = $2`,
        [agentId, noteId],
      ),
    );
    return row ? toMention(row) : null;
  }

  private async findById(sql: EntityManager, id: string): Promise<Note | null> {
    const [row] = rowsOf<NoteRow>(await sql.query(`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.id = $1`, [id]));
    return row ? toNote(row) : null;
  }

  private async findByClientId(sql: EntityManager, threadId: string, author: NoteAuthor, clientNoteId: string): Promise<Note | null> {
    const [row] = rowsOf<NoteRow>(
      await sql.query(`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.thread_id = $1 AND n.author_type = $2 AND n.author_id = $3 AND n.client_note_id = $4`, [
        threadId,
        author.type,
        author.id,
        clientNoteId,
      ]),
    );
    return row ? toNote(row) : null;
  }
}
