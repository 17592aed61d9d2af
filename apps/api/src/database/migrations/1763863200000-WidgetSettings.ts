import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The widget's settings: one row (id = 1) that the public loader reads and an admin changes.
 * Seeded with the defaults, so a fresh install shows a working widget before anyone edits it.
 */
export class WidgetSettings1763863200000 implements MigrationInterface {
  name = 'WidgetSettings1763863200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE widget_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        title text NOT NULL,
        greeting_lines jsonb NOT NULL DEFAULT '[]'::jsonb,
        color text NOT NULL CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
        allowed_origins jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `INSERT INTO widget_settings (id, title, greeting_lines, color) VALUES (1, $1, $2::jsonb, $3)`,
      [
        'Chat with us',
        JSON.stringify(["Hi, welcome! We're here to help.", 'Please tell us who you are to start the chat.']),
        '#1a73e8',
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE widget_settings`);
  }
}
