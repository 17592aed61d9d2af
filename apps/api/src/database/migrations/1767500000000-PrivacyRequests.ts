import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests. `visitors.erased_at` marks a visitor erased (name, email, context and the text of
 * their messages are gone; the row stays so the conversations keep their visitor); an erased
 * visitor's tokens are refused and a second erasure answers 404. Admins find visitors by email
 * compared case-insensitively, hence the index on `lower(email)`.
 */
export class PrivacyRequests1767500000000 implements MigrationInterface {
  name = 'PrivacyRequests1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE visitors ADD COLUMN erased_at timestamptz`);
    await q.query(`CREATE INDEX visitors_email_lower_idx ON visitors (lower(email)) WHERE erased_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX visitors_email_lower_idx`);
    await q.query(`ALTER TABLE visitors DROP COLUMN erased_at`);
  }
}
