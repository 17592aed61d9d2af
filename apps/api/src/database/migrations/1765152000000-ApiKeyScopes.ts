import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key scopes, expiry, the address of the last use and rotation. Keys made before scopes
 * existed could call every integrator route: they get every scope, so nothing an integrator runs
 * today breaks. The default is dropped afterwards, so a new key always states its scopes.
 */
export class ApiKeyScopes1765152000000 implements MigrationInterface {
  name = 'ApiKeyScopes1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys
        ADD COLUMN scopes text[] NOT NULL
          DEFAULT ARRAY['threads:read', 'threads:write', 'messages:write', 'agents:read', 'webhooks:manage', 'reports:read'],
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN last_used_ip text,
        ADD COLUMN rotated_at timestamptz`);
    await q.query(`ALTER TABLE api_keys ALTER COLUMN scopes DROP DEFAULT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN rotated_at, DROP COLUMN last_used_ip, DROP COLUMN expires_at, DROP COLUMN scopes`);
  }
}
