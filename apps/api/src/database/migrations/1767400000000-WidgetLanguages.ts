import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The widget in several languages: the site's default language (English for existing sites), and
 * the admin's title, greeting and closed message per language (none at first).
 */
export class WidgetLanguages1767400000000 implements MigrationInterface {
  name = 'WidgetLanguages1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE widget_settings ADD COLUMN default_locale text NOT NULL DEFAULT 'en'
         CONSTRAINT widget_settings_default_locale_known CHECK (default_locale IN ('en', 'de', 'fr', 'es', 'pt', 'hi', 'ar')),
       ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb
         CONSTRAINT widget_settings_translations_object CHECK (jsonb_typeof(translations) = 'object')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE widget_settings DROP COLUMN translations, DROP COLUMN default_locale`);
  }
}
