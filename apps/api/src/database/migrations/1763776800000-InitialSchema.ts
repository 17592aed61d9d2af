import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763776800000 implements MigrationInterface {
  name = 'InitialSchema1763776800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE agent_role AS ENUM ('admin', 'agent')`);
    await q.query(`CREATE TYPE agent_status AS ENUM ('online', 'away', 'offline')`);
    await q.query(`CREATE TYPE thread_status AS ENUM ('queued', 'active', 'closed')`);
    await q.query(`CREATE TYPE actor_type AS ENUM ('visitor', 'agent', 'integration', 'system')`);
    await q.query(`CREATE TYPE author_type AS ENUM ('visitor', 'agent', 'system', 'bot')`);
    await q.query(`
      CREATE TABLE visitors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        meta jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX visitors_email_idx ON visitors (email)`);
    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        role agent_role NOT NULL DEFAULT 'agent',
        status agent_status NOT NULL DEFAULT 'offline',
        max_concurrent int NOT NULL DEFAULT 5,
        created_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz,
        CONSTRAINT agents_email_uq UNIQUE (email)
      )`);
    await q.query(`
      CREATE TABLE threads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        visitor_id uuid NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        status thread_status NOT NULL DEFAULT 'queued',
        assigned_agent_id uuid REFERENCES agents (id) ON DELETE SET NULL,
        last_seq int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        closed_by_type actor_type,
        closed_by_id uuid
      )`);
    // One open thread per visitor, enforced by the database rather than by a check-then-insert.
    await q.query(`CREATE UNIQUE INDEX threads_one_open_per_visitor ON threads (visitor_id) WHERE status <> 'closed'`);
    await q.query(`CREATE INDEX threads_status_created_idx ON threads (status, created_at, id)`);
    await q.query(`CREATE INDEX threads_created_idx ON threads (created_at, id)`);
    await q.query(`CREATE INDEX threads_assignee_idx ON threads (assigned_agent_id) WHERE assigned_agent_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        seq int NOT NULL,
        author_type author_type NOT NULL,
        author_id uuid,
        author_name text,
        body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
        client_msg_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT messages_thread_seq_uq UNIQUE (thread_id, seq)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX messages_client_msg_uq ON messages (thread_id, author_type, author_id, client_msg_id) WHERE client_msg_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL,
        created_by uuid REFERENCES agents (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_prefix_uq UNIQUE (prefix)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE messages`);
    await q.query(`DROP TABLE threads`);
    await q.query(`DROP TABLE agents`);
    await q.query(`DROP TABLE visitors`);
    await q.query(`DROP TYPE author_type`);
    await q.query(`DROP TYPE actor_type`);
    await q.query(`DROP TYPE thread_status`);
    await q.query(`DROP TYPE agent_status`);
    await q.query(`DROP TYPE agent_role`);
  }
}
