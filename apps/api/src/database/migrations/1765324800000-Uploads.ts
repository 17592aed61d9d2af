import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files in conversations. An upload belongs to one thread and one uploader until a message of
 * theirs carries it (`message_id`); the message keeps a copy of the files' names, sizes and types
 * (`messages.attachments`), so reading a transcript needs no join, as with `author_name`.
 *
 * A stored file is deleted through `storage_garbage`: a row deleted from `uploads` by anything (the
 * cleanup of unattached uploads, a thread or visitor deleted with its cascade) queues its file there
 * by trigger, and the cleanup job deletes queued files from the storage. An upload in progress queues
 * its key before the file is written, with a `not_before` in the future, and takes it back when its
 * row is committed: a crash in between leaves a key the job deletes, never a file nobody knows of.
 *
 * `upload_disks` lets a node on the local disk see another node writing to another disk (several
 * nodes must share one object store); see FileStorageGuard.
 */
export class Uploads1765324800000 implements MigrationInterface {
  name = 'Uploads1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        uploader_type author_type NOT NULL,
        uploader_id uuid NOT NULL,
        name text NOT NULL,
        size bigint NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        width int,
        height int,
        storage_key text NOT NULL,
        message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uploads_storage_key_uq UNIQUE (storage_key)
      )`);
    await q.query(`CREATE INDEX uploads_thread_idx ON uploads (thread_id)`);
    await q.query(`CREATE INDEX uploads_unattached_idx ON uploads (created_at) WHERE message_id IS NULL`);
    await q.query(`
      CREATE TABLE storage_garbage (
        storage_key text PRIMARY KEY,
        not_before timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX storage_garbage_due_idx ON storage_garbage (not_before)`);
    await q.query(`
      CREATE FUNCTION uploads_queue_file_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO storage_garbage (storage_key) VALUES (OLD.storage_key)
          ON CONFLICT (storage_key) DO UPDATE SET not_before = now();
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER uploads_file_deletion AFTER DELETE ON uploads
        FOR EACH ROW EXECUTE FUNCTION uploads_queue_file_deletion()`);
    await q.query(`
      CREATE TABLE upload_disks (
        disk_id uuid PRIMARY KEY,
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE messages ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'::jsonb`);
    // A message of files alone has an empty body.
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_body_check`);
    await q.query(`
      ALTER TABLE messages ADD CONSTRAINT messages_body_check
        CHECK (char_length(body) <= 4000 AND (char_length(body) >= 1 OR jsonb_array_length(attachments) > 0))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The old schema has no message without text: the files' messages keep a word in their place.
    await q.query(`UPDATE messages SET body = '(file)' WHERE body = ''`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_body_check`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_body_check CHECK (char_length(body) BETWEEN 1 AND 4000)`);
    await q.query(`ALTER TABLE messages DROP COLUMN attachments`);
    await q.query(`DROP TABLE upload_disks`);
    await q.query(`DROP TABLE uploads`);
    await q.query(`DROP FUNCTION uploads_queue_file_deletion()`);
    await q.query(`DROP TABLE storage_garbage`);
  }
}
