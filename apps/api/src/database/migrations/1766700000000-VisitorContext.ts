import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visitor context for agents: whether a socket of the visitor is connected, the pages of its
 * current visit (newest first, bounded by the service), the user agent and last address of its
 * latest socket, its time zone; and the admin setting that lets agents see that address.
 */
export class VisitorContext1766700000000 implements MigrationInterface {
  name = 'VisitorContext1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE visitors ADD COLUMN online boolean NOT NULL DEFAULT false, ADD COLUMN pages jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN user_agent text, ADD COLUMN time_zone text, ADD COLUMN last_ip text`,
    );
    await q.query(`ALTER TABLE widget_settings ADD COLUMN show_visitor_ip boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widget_settings DROP COLUMN show_visitor_ip`);
    await q.query(`ALTER TABLE visitors DROP COLUMN online, DROP COLUMN pages, DROP COLUMN user_agent, DROP COLUMN time_zone, DROP COLUMN last_ip`);
  }
}
