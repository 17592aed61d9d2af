import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where the widget was last seen: the site (origin) whose page last asked for the widget settings,
 * and when. The admin's widget page shows it, so an admin knows the snippet works on their site.
 */
export class WidgetSeenOn1766300000000 implements MigrationInterface {
  name = 'WidgetSeenOn1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widget_settings ADD COLUMN seen_origin text, ADD COLUMN seen_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widget_settings DROP COLUMN seen_origin, DROP COLUMN seen_at`);
  }
}
