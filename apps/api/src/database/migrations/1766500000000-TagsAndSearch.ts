import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tags on threads, and search that scales over all time:
 * - messages get a stored `tsvector` of their text (the `simple` configuration: no stemming and no
 *   stop words, so every language is searched word for word) with a GIN index, partial like the
 *   search itself (system notes are not searched);
 * - visitors' names and emails get `pg_trgm` GIN indexes, so `ILIKE '%part%'` of three characters or
 *   more is an index scan (PGlite loads `pg_trgm` as an extension, see embedded-postgres.ts).
 */
export class TagsAndSearch1766500000000 implements MigrationInterface {
  name = 'TagsAndSearch1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE tags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        color text CHECK (color ~ '^#[0-9a-f]{6}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX tags_name_uq ON tags (lower(name))`);
    await q.query(`
      CREATE TABLE thread_tags (
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (thread_id, tag_id)
      )`);
    await q.query(`CREATE INDEX thread_tags_tag_idx ON thread_tags (tag_id, thread_id)`);
    await q.query(
      `ALTER TABLE messages ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED`,
    );
    await q.query(`CREATE INDEX messages_body_tsv_idx ON messages USING gin (body_tsv) WHERE author_type <> 'system'`);
    await q.query(`CREATE INDEX visitors_name_trgm_idx ON visitors USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX visitors_email_trgm_idx ON visitors USING gin (email gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX visitors_email_trgm_idx`);
    await q.query(`DROP INDEX visitors_name_trgm_idx`);
    await q.query(`DROP INDEX messages_body_tsv_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN body_tsv`);
    await q.query(`DROP TABLE thread_tags`);
    await q.query(`DROP TABLE tags`);
    // pg_trgm stays: other objects of the database may use it.
  }
}
