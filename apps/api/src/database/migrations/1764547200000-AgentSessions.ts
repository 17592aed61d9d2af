import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agent sessions: each sign-in is a row, and an agent token names its row (`sid`). A token is
 * accepted only while its session is open, so a session can be ended before the token expires:
 * sign-out, sign-out everywhere, deactivation, a role change. Tokens signed before this migration
 * name no session and are refused: agents sign in once more after the upgrade.
 */
export class AgentSessions1764547200000 implements MigrationInterface {
  name = 'AgentSessions1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    await q.query(`CREATE INDEX agent_sessions_open_idx ON agent_sessions (agent_id) WHERE ended_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_sessions`);
  }
}
