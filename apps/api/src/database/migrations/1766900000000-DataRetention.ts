import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data retention: one row. `closed_threads_days` null keeps closed conversations for ever (the
 * default); otherwise the nightly run deletes conversations closed longer ago than that, with their
 * messages, files (through `storage_garbage`) and webhook events. `last_run_at` is claimed by the node
 * that runs, in the same transaction as its check, so one node runs per day however many there are.
 */
export class DataRetention1766900000000 implements MigrationInterface {
  name = 'DataRetention1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_settings (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        closed_threads_days int CHECK (closed_threads_days IS NULL OR closed_threads_days >= 30),
        last_run_at timestamptz,
        last_run_deleted int,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO retention_settings (id) VALUES (true)`);
    // The run looks for closed threads by when they closed.
    await q.query(`CREATE INDEX threads_closed_at_idx ON threads (closed_at) WHERE status = 'closed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX threads_closed_at_idx`);
    await q.query(`DROP TABLE retention_settings`);
  }
}
