import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Canned responses. A personal reply has its owner in `owner_agent_id`; a shared one has none.
 * A shortcut is unique within its scope: among one agent's personal replies, and among the shared
 * ones (two partial unique indexes), so an agent may keep a personal `/hello` beside a shared one.
 * A personal reply goes with its agent's row; agents are deactivated, never deleted, so in practice
 * it stays.
 */
export class CannedResponses1766400000000 implements MigrationInterface {
  name = 'CannedResponses1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canned_responses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_agent_id uuid REFERENCES agents (id) ON DELETE CASCADE,
        shortcut text NOT NULL CHECK (shortcut ~ '^[a-z0-9-]{1,32}$'),
        title text NOT NULL,
        body text NOT NULL,
        created_by uuid REFERENCES agents (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX canned_responses_shared_shortcut ON canned_responses (shortcut) WHERE owner_agent_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX canned_responses_personal_shortcut ON canned_responses (owner_agent_id, shortcut) WHERE owner_agent_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE canned_responses`);
  }
}
