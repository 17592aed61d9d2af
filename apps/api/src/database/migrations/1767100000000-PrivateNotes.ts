import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private notes and mentions. A note belongs to a thread and goes with it (retention deletes closed
 * threads: the cascade takes their notes, counters and mentions). `note_seq` is the thread's own
 * gapless sequence of notes, kept in `note_counters` so that writing a note never locks the thread
 * row the message writer locks; the counter row is incremented in the note's transaction, so a
 * rolled-back note leaves no gap. A resend with the same `client_note_id` (per author) finds the
 * stored note. `mentions` holds one row per agent a note names, with when that agent read it.
 */
export class PrivateNotes1767100000000 implements MigrationInterface {
  name = 'PrivateNotes1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE note_counters (
        thread_id uuid PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
        last_note_seq int NOT NULL
      )`);
    await q.query(`
      CREATE TABLE notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        note_seq int NOT NULL,
        author_type text NOT NULL CHECK (author_type IN ('agent', 'bot')),
        author_id uuid,
        author_name text,
        body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
        client_note_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notes_thread_seq_uq UNIQUE (thread_id, note_seq)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX notes_client_note_uq ON notes (thread_id, author_type, author_id, client_note_id) WHERE client_note_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE mentions (
        note_id uuid NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
        agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        ord int NOT NULL,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (note_id, agent_id)
      )`);
    await q.query(`CREATE INDEX mentions_agent_idx ON mentions (agent_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mentions`);
    await q.query(`DROP TABLE notes`);
    await q.query(`DROP TABLE note_counters`);
  }
}
