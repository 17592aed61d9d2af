import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing with capacity, teams and transfer (issue 15):
 * - `teams` (names unique case-insensitively) with a routing mode each, and their members;
 * - `threads.team_id`: the queue a thread waits in (null: the default queue, for every agent), and
 *   `threads.assignee_since`: when its current assignee got it (the unanswered-assignment timeout);
 * - `agents.last_assigned_at`: ties between equally loaded agents go to the one idle longest;
 * - `routing_settings`: one row, the mode of threads without a team, the unanswered timeout (null: off)
 *   and the team the widget starts new threads in.
 */
export class Routing1767000000000 implements MigrationInterface {
  name = 'Routing1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE teams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        routing_mode text NOT NULL DEFAULT 'manual' CHECK (routing_mode IN ('manual', 'auto')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX teams_name_uq ON teams (lower(name))`);
    await q.query(`
      CREATE TABLE team_members (
        team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, agent_id)
      )`);
    await q.query(`CREATE INDEX team_members_agent_idx ON team_members (agent_id)`);
    await q.query(`ALTER TABLE threads ADD COLUMN team_id uuid REFERENCES teams (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE threads ADD COLUMN assignee_since timestamptz`);
    await q.query(`UPDATE threads SET assignee_since = COALESCE(assigned_at, updated_at) WHERE status = 'active'`);
    await q.query(`CREATE INDEX threads_queued_idx ON threads (created_at, id) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX threads_active_agent_idx ON threads (assigned_agent_id) WHERE status = 'active'`);
    await q.query(`ALTER TABLE agents ADD COLUMN last_assigned_at timestamptz`);
    await q.query(`ALTER TABLE agents ADD CONSTRAINT agents_max_concurrent_range CHECK (max_concurrent BETWEEN 1 AND 50) NOT VALID`);
    await q.query(`
      CREATE TABLE routing_settings (
        id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        default_mode text NOT NULL DEFAULT 'manual' CHECK (default_mode IN ('manual', 'auto')),
        unanswered_minutes int CHECK (unanswered_minutes BETWEEN 1 AND 1440),
        widget_team_id uuid REFERENCES teams (id) ON DELETE SET NULL
      )`);
    await q.query(`INSERT INTO routing_settings (id) VALUES (1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing_settings`);
    await q.query(`ALTER TABLE agents DROP CONSTRAINT agents_max_concurrent_range`);
    await q.query(`ALTER TABLE agents DROP COLUMN last_assigned_at`);
    await q.query(`DROP INDEX threads_active_agent_idx`);
    await q.query(`DROP INDEX threads_queued_idx`);
    await q.query(`ALTER TABLE threads DROP COLUMN assignee_since`);
    await q.query(`ALTER TABLE threads DROP COLUMN team_id`);
    await q.query(`DROP TABLE team_members`);
    await q.query(`DROP TABLE teams`);
  }
}
