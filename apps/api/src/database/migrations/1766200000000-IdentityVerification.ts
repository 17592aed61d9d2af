import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity verification. A site's backend signs short-lived JWTs with an identity secret; the widget
 * exchanges one for a visitor token of the user it names (`sub`), so that user is the same visitor
 * on every device. `visitors.external_id` is that `sub` (unique: one visitor per user),
 * `email_verified` says the email came from such a token. The secrets are kept encrypted (they must
 * be read back to check signatures, so they cannot be hashed); the newest two are valid, so a
 * backend can move to a new one. `identity_required` refuses anonymous visitor sessions.
 */
export class IdentityVerification1766200000000 implements MigrationInterface {
  name = 'IdentityVerification1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE visitors ADD COLUMN external_id text, ADD COLUMN email_verified boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE UNIQUE INDEX visitors_external_id_uq ON visitors (external_id) WHERE external_id IS NOT NULL`);
    await q.query(`ALTER TABLE widget_settings ADD COLUMN identity_required boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE identity_secrets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        secret bytea NOT NULL,
        hint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE identity_secrets`);
    await q.query(`ALTER TABLE widget_settings DROP COLUMN identity_required`);
    await q.query(`DROP INDEX visitors_external_id_uq`);
    await q.query(`ALTER TABLE visitors DROP COLUMN email_verified, DROP COLUMN external_id`);
  }
}
