import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read receipts: the highest seq each side has read in a thread. Only ever raised (a lower seq is
 * ignored), written when a reader says so (`thread.read`), never on the message path.
 */
export class ReadReceipts1767200000000 implements MigrationInterface {
  name = 'ReadReceipts1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE threads ADD COLUMN visitor_read_seq int NOT NULL DEFAULT 0, ADD COLUMN agent_read_seq int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE threads DROP COLUMN visitor_read_seq, DROP COLUMN agent_read_seq`);
  }
}
