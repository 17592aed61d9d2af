import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ratings (CSAT) and the two moments reports measure from, kept on the thread so a report reads one
 * row per conversation: `assigned_at` (its first assignment: claim or assign) and `first_response_at`
 * (its first agent message, set by the group-commit statement). The rating is credited to the agent
 * assigned when the conversation closed (`rated_agent_id`); `rated_at` is the first rating, which
 * may be changed for 24 h.
 *
 * Existing conversations are backfilled from their messages: the first agent message, and for the
 * assignment the first "joined" or "assigned" system note (or agent message, if earlier).
 */
export class RatingsAndReports1766600000000 implements MigrationInterface {
  name = 'RatingsAndReports1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE threads
        ADD COLUMN assigned_at timestamptz,
        ADD COLUMN first_response_at timestamptz,
        ADD COLUMN rating smallint CONSTRAINT threads_rating_range CHECK (rating BETWEEN 1 AND 5),
        ADD COLUMN rating_comment text,
        ADD COLUMN rated_agent_id uuid REFERENCES agents (id) ON DELETE SET NULL,
        ADD COLUMN rated_at timestamptz,
        ADD COLUMN rating_updated_at timestamptz`);
    await q.query(`
      UPDATE threads t SET first_response_at = s.at
        FROM (SELECT thread_id, min(created_at) AS at FROM messages WHERE author_type = 'agent' GROUP BY thread_id) s
       WHERE s.thread_id = t.id`);
    await q.query(`
      UPDATE threads t SET assigned_at = s.at
        FROM (SELECT thread_id, min(created_at) AS at FROM messages
               WHERE author_type = 'agent'
                  OR (author_type = 'system' AND (body LIKE '% joined the conversation' OR body LIKE '% assigned the conversation to %'))
               GROUP BY thread_id) s
       WHERE s.thread_id = t.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE threads
        DROP COLUMN assigned_at, DROP COLUMN first_response_at, DROP COLUMN rating, DROP COLUMN rating_comment,
        DROP COLUMN rated_agent_id, DROP COLUMN rated_at, DROP COLUMN rating_updated_at`);
  }
}
