import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email follow-up. `email_outbox` holds every mail until the SMTP server took it (drained by any
 * node, `FOR UPDATE SKIP LOCKED` and a lease, like the webhook deliveries), then keeps its status for
 * the admins. `email_links` are the single-use links (resume a conversation, confirm an address),
 * stored as the SHA-256 of their secret. A thread remembers up to which seq the visitor was mailed
 * (`emailed_seq`), when (`emailed_at`), and when its confirmation went (`confirmation_sent_at`).
 */
export class EmailOutbox1767210000000 implements MigrationInterface {
  name = 'EmailOutbox1767210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_settings (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        transcript_on_close boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO email_settings (id) VALUES (true)`);
    await q.query(`
      CREATE TABLE email_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('digest', 'confirmation', 'transcript')),
        thread_id uuid REFERENCES threads (id) ON DELETE CASCADE,
        to_address text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        lease_token uuid,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX email_outbox_address_idx ON email_outbox (lower(to_address), created_at)`);
    await q.query(`CREATE INDEX email_outbox_thread_idx ON email_outbox (thread_id, kind)`);
    await q.query(`
      CREATE TABLE email_links (
        token_hash bytea PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('resume', 'confirmation')),
        visitor_id uuid NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
        email text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE threads ADD COLUMN emailed_seq int NOT NULL DEFAULT 0,
                          ADD COLUMN emailed_at timestamptz,
                          ADD COLUMN confirmation_sent_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE threads DROP COLUMN emailed_seq, DROP COLUMN emailed_at, DROP COLUMN confirmation_sent_at`);
    await q.query(`DROP TABLE email_links`);
    await q.query(`DROP TABLE email_outbox`);
    await q.query(`DROP TABLE email_settings`);
  }
}
