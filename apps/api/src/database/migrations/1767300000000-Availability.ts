import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Opening hours: one row of availability settings (off by default: the widget takes chats at any
 * time, as before), and `threads.created_while_closed`, stored when the thread is started so the
 * queue can mark conversations that arrived while the site was closed (deriving it later would
 * need the hours and the agents' presence as they were then).
 */
export class Availability1767300000000 implements MigrationInterface {
  name = 'Availability1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE availability_settings (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        enabled boolean NOT NULL DEFAULT false,
        time_zone text NOT NULL DEFAULT 'UTC',
        weekly jsonb NOT NULL DEFAULT '[]'::jsonb,
        closed_dates jsonb NOT NULL DEFAULT '[]'::jsonb,
        when_closed text NOT NULL DEFAULT 'form' CHECK (when_closed IN ('form', 'hide')),
        closed_message text NOT NULL DEFAULT 'We are away right now. Leave us a message and we will reply as soon as we are back.',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO availability_settings (id) VALUES (true)`);
    await q.query(`ALTER TABLE threads ADD COLUMN created_while_closed boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE threads DROP COLUMN created_while_closed`);
    await q.query(`DROP TABLE availability_settings`);
  }
}
