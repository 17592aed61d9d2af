import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of admin and security actions: who (actor), what (action, target, details), when,
 * from where (address, user agent). Append-only; rows older than AUDIT_RETENTION are deleted.
 * `id` is an identity column so newest-first pages are a plain index range (`id < cursor`).
 */
export class AuditLog1766800000000 implements MigrationInterface {
  name = 'AuditLog1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('agent', 'apiKey', 'system', 'anonymous')),
        actor_id uuid,
        actor_name text,
        action text NOT NULL,
        target_type text,
        target_id uuid,
        ip text,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_events_at ON audit_events (at)`);
    await q.query(`CREATE INDEX audit_events_action ON audit_events (action, id)`);
    await q.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, id)`);
    await q.query(`CREATE INDEX audit_events_target ON audit_events (target_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
  }
}
