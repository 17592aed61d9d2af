import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of REST POSTs: one row per caller and key, holding what the request was (a
 * digest of its method, path and body) and, once it is answered, the answer to replay (status and
 * the body, encrypted). In the database so that a retry reaching another node finds it. Rows live
 * 24 hours; `expires_at` is indexed so that the sweep that deletes them reads only those.
 */
export class IdempotencyKeys1765238400000 implements MigrationInterface {
  name = 'IdempotencyKeys1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        caller text NOT NULL,
        key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        fingerprint text NOT NULL,
        status int,
        response bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (caller, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
