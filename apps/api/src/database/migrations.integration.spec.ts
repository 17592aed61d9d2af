import { DataSource, type QueryRunner } from 'typeorm';
import { createTestDatabase, describeBackends, type TestDatabase } from '../testing/test-app';
import { dataSourceOptions, MIGRATIONS } from './data-source';
import { ApiKeyScopes1765152000000 } from './migrations/1765152000000-ApiKeyScopes';
import { CannedResponses1766400000000 } from './migrations/1766400000000-CannedResponses';
import { TagsAndSearch1766500000000 } from './migrations/1766500000000-TagsAndSearch';
import { RatingsAndReports1766600000000 } from './migrations/1766600000000-RatingsAndReports';
import { PrivacyRequests1767500000000 } from './migrations/1767500000000-PrivacyRequests';
import { PrivateNotes1767100000000 } from './migrations/1767100000000-PrivateNotes';
import { WidgetLanguages1767400000000 } from './migrations/1767400000000-WidgetLanguages';
import { Availability1767300000000 } from './migrations/1767300000000-Availability';
import { Routing1767000000000 } from './migrations/1767000000000-Routing';
import { ReadReceipts1767200000000 } from './migrations/1767200000000-ReadReceipts';
import { EmailOutbox1767210000000 } from './migrations/1767210000000-EmailOutbox';

/**
 * The scopes there were when the migration was written: an old key keeps what it could do then.
 * Scopes added later (audit:read, ...) guard routes those keys never had.
 */
const SCOPES_OF_THE_TIME = ['threads:read', 'threads:write', 'messages:write', 'agents:read', 'webhooks:manage', 'reports:read'];

type Migration = (typeof MIGRATIONS)[number];

/**
 * Tests of one migration, on each back end: a fresh database with every migration before it applied
 * by hand, on one connection (PGlite serves one); `q()` runs the migration's up and down there.
 */
function describeMigration(migration: Migration, body: (q: () => QueryRunner) => void): void {
  describeBackends(`the ${migration.name.replace(/\d+$/, '')} migration`, (backend) => {
    let db: TestDatabase | undefined;
    let ds: DataSource | undefined;
    let q: QueryRunner | undefined;

    beforeAll(async () => {
      db = await createTestDatabase(backend);
      ds = new DataSource({ ...dataSourceOptions(db.url, 1), entities: [], migrations: [], migrationsRun: false, logging: false });
      await ds.initialize();
      q = ds.createQueryRunner();
      for (const M of MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration))) await new M().up(q);
    });
    afterAll(async () => {
      await q?.release();
      await ds?.destroy();
      await db?.drop();
    });

    body(() => {
      if (!q) throw new Error('the database is not ready');
      return q;
    });
  });
}

describeMigration(ApiKeyScopes1765152000000, (q) => {

  it('gives the keys made before it every scope, a new key must state its scopes, and down removes them', async () => {
    await q().query(`INSERT INTO api_keys (name, prefix, secret_hash) VALUES ('old crm', 'aaaaaaaaaaaa', 'x')`);
    await new ApiKeyScopes1765152000000().up(q());

    const [old] = (await q().query(`SELECT scopes, expires_at, last_used_ip, rotated_at FROM api_keys WHERE prefix = 'aaaaaaaaaaaa'`)) as {
      scopes: string[];
    }[];
    expect([...old.scopes].sort()).toEqual([...SCOPES_OF_THE_TIME].sort());
    expect(old).toMatchObject({ expires_at: null, last_used_ip: null, rotated_at: null });
    await expect(q().query(`INSERT INTO api_keys (name, prefix, secret_hash) VALUES ('new', 'bbbbbbbbbbbb', 'x')`)).rejects.toThrow(/scopes/);

    await new ApiKeyScopes1765152000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('scopes');
  });
});

describeMigration(CannedResponses1766400000000, (q) => {

  it('keeps a shortcut unique per scope, refuses a malformed one, and down removes the table', async () => {
    await new CannedResponses1766400000000().up(q());
    const [a, b] = (await q().query(
      `INSERT INTO agents (email, name, password_hash, role) VALUES ('a@x.test', 'A', 'x', 'agent'), ('b@x.test', 'B', 'x', 'agent') RETURNING id`,
    )) as { id: string }[];
    const add = (owner: string | null, shortcut: string) => q().query(`INSERT INTO canned_responses (owner_agent_id, shortcut, title, body) VALUES ($1, $2, 'T', 'B')`, [owner, shortcut]);
    await add(null, 'hello');
    await add(a.id, 'hello');
    await add(b.id, 'hello');
    await expect(add(null, 'hello')).rejects.toThrow(/canned_responses_shared_shortcut/);
    await expect(add(a.id, 'hello')).rejects.toThrow(/canned_responses_personal_shortcut/);
    await expect(add(a.id, 'Hello')).rejects.toThrow(/check/i);

    await new CannedResponses1766400000000().down(q());
    const tables = (await q().query(`SELECT table_name FROM information_schema.tables WHERE table_name = 'canned_responses'`)) as unknown[];
    expect(tables).toEqual([]);
  });
});

describeMigration(TagsAndSearch1766500000000, (q) => {

  it('indexes the words of messages written before it, keeps tag names unique in any case, and down removes it all', async () => {
    const [{ id: visitorId }] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('Jürgen Müller', 'jm@example.test') RETURNING id`)) as { id: string }[];
    const [{ id: threadId }] = (await q().query(`INSERT INTO threads (visitor_id) VALUES ($1) RETURNING id`, [visitorId])) as { id: string }[];
    await q().query(`INSERT INTO messages (thread_id, seq, author_type, author_id, body) VALUES ($1, 1, 'visitor', $2, 'Wo ist meine Bestellung 1234?')`, [threadId, visitorId]);
    await new TagsAndSearch1766500000000().up(q());

    const found = (await q().query(`SELECT thread_id FROM messages WHERE body_tsv @@ to_tsquery('simple', 'bestellung & 1234') AND author_type <> 'system'`)) as { thread_id: string }[];
    expect(found).toEqual([{ thread_id: threadId }]);
    const [{ n }] = (await q().query(`SELECT count(*)::int AS n FROM visitors WHERE name ILIKE '%MÜLL%' AND email ILIKE '%@exam%'`)) as { n: number }[];
    expect(n).toBe(1);
    const indexes = (await q().query(`SELECT indexname FROM pg_indexes WHERE indexname IN ('messages_body_tsv_idx', 'visitors_name_trgm_idx', 'visitors_email_trgm_idx') ORDER BY 1`)) as { indexname: string }[];
    expect(indexes.map((i) => i.indexname)).toEqual(['messages_body_tsv_idx', 'visitors_email_trgm_idx', 'visitors_name_trgm_idx']);
    await q().query(`INSERT INTO tags (name, color) VALUES ('Billing', '#aa0000')`);
    await expect(q().query(`INSERT INTO tags (name) VALUES ('BILLING')`)).rejects.toThrow(/tags_name_uq/);

    await new TagsAndSearch1766500000000().down(q());
    const tables = (await q().query(`SELECT to_regclass('public.tags') IS NULL AS tags, to_regclass('public.thread_tags') IS NULL AS thread_tags`)) as { tags: boolean; thread_tags: boolean }[];
    expect(tables).toEqual([{ tags: true, thread_tags: true }]);
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'messages'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('body_tsv');
  });
});

describeMigration(RatingsAndReports1766600000000, (q) => {

  it('backfills the first assignment and the first agent message of existing threads, refuses a score outside 1..5, and down removes the columns', async () => {
    const [agent] = (await q().query(`INSERT INTO agents (email, name, password_hash, role) VALUES ('a@x.test', 'Ann', 'x', 'agent') RETURNING id`)) as { id: string }[];
    const [visitor] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    const [answered] = (await q().query(
      `INSERT INTO threads (visitor_id, status, assigned_agent_id, last_seq, created_at) VALUES ($1, 'closed', $2, 4, '2026-01-01T10:00:00Z') RETURNING id`,
      [visitor.id, agent.id],
    )) as { id: string }[];
    const [waiting] = (await q().query(`INSERT INTO threads (visitor_id, status, last_seq, created_at) VALUES ($1, 'queued', 1, '2026-01-01T11:00:00Z') RETURNING id`, [visitor.id])) as { id: string }[];
    await q().query(
      `INSERT INTO messages (thread_id, seq, author_type, author_id, body, created_at) VALUES
         ($1, 1, 'visitor', $2, 'hello', '2026-01-01T10:00:05Z'),
         ($1, 2, 'system', NULL, 'Ann joined the conversation', '2026-01-01T10:01:00Z'),
         ($1, 3, 'agent', $3, 'hi', '2026-01-01T10:01:30Z'),
         ($1, 4, 'agent', $3, 'bye', '2026-01-01T10:05:00Z'),
         ($4, 1, 'visitor', $2, 'anyone?', '2026-01-01T11:00:05Z')`,
      [answered.id, visitor.id, agent.id, waiting.id],
    );
    await new RatingsAndReports1766600000000().up(q());

    const rows = (await q().query(`SELECT id, assigned_at, first_response_at, rating FROM threads ORDER BY created_at`)) as { id: string; assigned_at: Date | null; first_response_at: Date | null; rating: number | null }[];
    expect(rows.map((r) => [r.id, r.assigned_at?.toISOString() ?? null, r.first_response_at?.toISOString() ?? null, r.rating])).toEqual([
      [answered.id, '2026-01-01T10:01:00.000Z', '2026-01-01T10:01:30.000Z', null],
      [waiting.id, null, null, null],
    ]);
    await expect(q().query(`UPDATE threads SET rating = 6 WHERE id = $1`, [answered.id])).rejects.toThrow(/threads_rating_range/);

    await new RatingsAndReports1766600000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'threads'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['assigned_at']));
    expect(columns.map((c) => c.column_name)).not.toContain('rating');
  });
});

describeMigration(PrivacyRequests1767500000000, (q) => {
  it('adds erased_at (null for every visitor there is) with the lower(email) index, and down removes both', async () => {
    await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'Mixed@Case.test')`);
    await new PrivacyRequests1767500000000().up(q());
    const rows = (await q().query(`SELECT erased_at FROM visitors WHERE lower(email) = lower('MIXED@case.test')`)) as { erased_at: Date | null }[];
    expect(rows).toEqual([{ erased_at: null }]);
    const [index] = (await q().query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'visitors_email_lower_idx'`)) as { indexdef: string }[];
    expect(index.indexdef).toMatch(/lower\(email\)/);

    await new PrivacyRequests1767500000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'visitors'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('erased_at');
  });
});

describeMigration(PrivateNotes1767100000000, (q) => {

  it('keeps note_seq and clientNoteId unique per thread, deletes notes and mentions with their thread, and down removes the tables', async () => {
    await new PrivateNotes1767100000000().up(q());
    const [agent] = (await q().query(`INSERT INTO agents (email, name, password_hash, role) VALUES ('n@x.test', 'N', 'x', 'agent') RETURNING id`)) as { id: string }[];
    const [visitor] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    const [thread] = (await q().query(`INSERT INTO threads (visitor_id) VALUES ($1) RETURNING id`, [visitor.id])) as { id: string }[];
    const add = (seq: number, client: string | null) =>
      q().query(`INSERT INTO notes (thread_id, note_seq, author_type, author_id, body, client_note_id) VALUES ($1, $2, 'agent', $3, 'x', $4) RETURNING id`, [thread.id, seq, agent.id, client]);
    const [note] = (await add(1, 'a')) as { id: string }[];
    await expect(add(1, 'b')).rejects.toThrow(/notes_thread_seq_uq/);
    await expect(add(2, 'a')).rejects.toThrow(/notes_client_note_uq/);
    await expect(q().query(`INSERT INTO notes (thread_id, note_seq, author_type, body) VALUES ($1, 3, 'visitor', 'x')`, [thread.id])).rejects.toThrow(/check/i);
    await q().query(`INSERT INTO note_counters (thread_id, last_note_seq) VALUES ($1, 1)`, [thread.id]);
    await q().query(`INSERT INTO mentions (note_id, agent_id, ord) VALUES ($1, $2, 0)`, [note.id, agent.id]);

    await q().query(`DELETE FROM threads WHERE id = $1`, [thread.id]);
    const [{ n }] = (await q().query(`SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM mentions) + (SELECT count(*) FROM note_counters) AS n`)) as { n: string | number }[];
    expect(Number(n)).toBe(0);

    await new PrivateNotes1767100000000().down(q());
    const tables = (await q().query(`SELECT table_name FROM information_schema.tables WHERE table_name IN ('notes', 'mentions', 'note_counters')`)) as unknown[];
    expect(tables).toEqual([]);
  });
});

describeMigration(WidgetLanguages1767400000000, (q) => {
  it('gives the existing settings English and no translations, refuses an unknown language, and down removes the columns', async () => {
    await new WidgetLanguages1767400000000().up(q());

    const rows = (await q().query(`SELECT default_locale, translations FROM widget_settings`)) as { default_locale: string; translations: unknown }[];
    expect(rows).toEqual([{ default_locale: 'en', translations: {} }]);
    await q().query(`UPDATE widget_settings SET default_locale = 'ar', translations = '{"ar":{"title":"تحدث معنا"}}'`);
    await expect(q().query(`UPDATE widget_settings SET default_locale = 'xx'`)).rejects.toThrow(/widget_settings_default_locale_known/);
    await expect(q().query(`UPDATE widget_settings SET translations = '[]'`)).rejects.toThrow(/widget_settings_translations_object/);

    await new WidgetLanguages1767400000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'widget_settings'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['default_locale']));
    expect(columns.map((c) => c.column_name)).not.toContain('translations');
  });
});

describeMigration(Availability1767300000000, (q) => {
  it('adds the one row of opening hours (off) and marks existing threads as not created while closed; down removes both', async () => {
    const [visitor] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    await q().query(`INSERT INTO threads (visitor_id, status) VALUES ($1, 'queued')`, [visitor.id]);
    await new Availability1767300000000().up(q());

    const settings = (await q().query(`SELECT enabled, time_zone, weekly, closed_dates, when_closed FROM availability_settings`)) as unknown[];
    expect(settings).toEqual([{ enabled: false, time_zone: 'UTC', weekly: [], closed_dates: [], when_closed: 'form' }]);
    const threads = (await q().query(`SELECT created_while_closed FROM threads`)) as unknown[];
    expect(threads).toEqual([{ created_while_closed: false }]);
    await expect(q().query(`INSERT INTO availability_settings (id) VALUES (false)`)).rejects.toThrow();
    await expect(q().query(`UPDATE availability_settings SET when_closed = 'vanish'`)).rejects.toThrow();

    await new Availability1767300000000().down(q());
    const gone = (await q().query(`SELECT to_regclass('public.availability_settings') IS NULL AS gone`)) as { gone: boolean }[];
    expect(gone).toEqual([{ gone: true }]);
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'threads'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('created_while_closed');
  });
});

describeMigration(Routing1767000000000, (q) => {
  it('adds teams, a thread team, the routing settings row, keeps active threads timed from their assignment, and down removes them', async () => {
    const [agent] = (await q().query(`INSERT INTO agents (email, name, password_hash, role) VALUES ('a@x.test', 'Ann', 'x', 'agent') RETURNING id`)) as { id: string }[];
    const [visitor] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    await q().query(
      `INSERT INTO threads (visitor_id, status, assigned_agent_id, assigned_at) VALUES ($1, 'active', $2, '2026-01-01T10:01:00Z')`,
      [visitor.id, agent.id],
    );
    await new Routing1767000000000().up(q());

    const [thread] = (await q().query(`SELECT team_id, assignee_since FROM threads`)) as { team_id: string | null; assignee_since: Date }[];
    expect([thread.team_id, thread.assignee_since.toISOString()]).toEqual([null, '2026-01-01T10:01:00.000Z']);
    expect(await q().query(`SELECT default_mode, unanswered_minutes, widget_team_id FROM routing_settings`)).toEqual([
      { default_mode: 'manual', unanswered_minutes: null, widget_team_id: null },
    ]);
    await q().query(`INSERT INTO teams (name) VALUES ('Sales')`);
    await expect(q().query(`INSERT INTO teams (name) VALUES ('sales')`)).rejects.toThrow(/teams_name_uq/);
    await expect(q().query(`UPDATE agents SET max_concurrent = 51`)).rejects.toThrow(/agents_max_concurrent_range/);

    await new Routing1767000000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'threads'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('team_id');
    const tables = (await q().query(`SELECT to_regclass('teams') IS NULL AS gone`)) as { gone: boolean }[];
    expect(tables).toEqual([{ gone: true }]);
  });
});

describeMigration(ReadReceipts1767200000000, (q) => {
  it('gives existing threads read marks of 0, and down removes them', async () => {
    const [visitor] = (await q().query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    await q().query(`INSERT INTO threads (visitor_id, last_seq) VALUES ($1, 3)`, [visitor.id]);
    await new ReadReceipts1767200000000().up(q());
    expect(await q().query(`SELECT visitor_read_seq, agent_read_seq FROM threads`)).toEqual([{ visitor_read_seq: 0, agent_read_seq: 0 }]);
    await new ReadReceipts1767200000000().down(q());
    const columns = (await q().query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'threads'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('visitor_read_seq');
  });
});

describeMigration(EmailOutbox1767210000000, (q) => {
  it('creates the outbox, the links and the settings row, refuses an unknown kind or status, and down removes them', async () => {
    await new EmailOutbox1767210000000().up(q());
    expect(await q().query(`SELECT transcript_on_close FROM email_settings`)).toEqual([{ transcript_on_close: false }]);
    const [mail] = (await q().query(
      `INSERT INTO email_outbox (kind, to_address, subject, text_body, html_body) VALUES ('digest', 'a@x.test', 's', 't', 'h') RETURNING status, attempts`,
    )) as { status: string; attempts: number }[];
    expect(mail).toEqual({ status: 'pending', attempts: 0 });
    await expect(q().query(`INSERT INTO email_outbox (kind, to_address, subject, text_body, html_body) VALUES ('spam', 'a@x.test', 's', 't', 'h')`)).rejects.toThrow(/check/i);
    await expect(q().query(`UPDATE email_outbox SET status = 'lost'`)).rejects.toThrow(/check/i);
    await new EmailOutbox1767210000000().down(q());
    const tables = (await q().query(`SELECT to_regclass('public.email_outbox') IS NULL AS outbox, to_regclass('public.email_links') IS NULL AS links`)) as { outbox: boolean; links: boolean }[];
    expect(tables).toEqual([{ outbox: true, links: true }]);
  });
});
