import { DataSource, type QueryRunner } from 'typeorm';
import { createTestDatabase, describeBackends, type TestDatabase } from '../testing/test-app';
import { dataSourceOptions, MIGRATIONS } from './data-source';
import { ApiKeyScopes1765152000000 } from './migrations/1765152000000-ApiKeyScopes';

const BEFORE_SCOPES = MIGRATIONS.slice(0, MIGRATIONS.indexOf(ApiKeyScopes1765152000000));
/**
 * The scopes there were when the migration was written: an old key keeps what it could do then.
 * Scopes added later (audit:read, ...) guard routes those keys never had.
 */
const SCOPES_OF_THE_TIME = ['threads:read', 'threads:write', 'messages:write', 'agents:read', 'webhooks:manage', 'reports:read'];

describeBackends('the ApiKeyScopes migration', (backend) => {
  let db: TestDatabase | undefined;
  let ds: DataSource | undefined;
  let q: QueryRunner;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    // One connection (PGlite serves one), the migrations applied by hand up to the one under test.
    ds = new DataSource({ ...dataSourceOptions(db.url, 1), entities: [], migrations: [], migrationsRun: false, logging: false });
    await ds.initialize();
    q = ds.createQueryRunner();
    for (const M of BEFORE_SCOPES) await new M().up(q);
  });
  afterAll(async () => {
    await q?.release();
    await ds?.destroy();
    await db?.drop();
  });

  it('gives the keys made before it every scope, a new key must state its scopes, and down removes them', async () => {
    await q.query(`INSERT INTO api_keys (name, prefix, secret_hash) VALUES ('old crm', 'aaaaaaaaaaaa', 'x')`);
    await new ApiKeyScopes1765152000000().up(q);

    const [old] = (await q.query(`SELECT scopes, expires_at, last_used_ip, rotated_at FROM api_keys WHERE prefix = 'aaaaaaaaaaaa'`)) as {
      scopes: string[];
    }[];
    expect([...old.scopes].sort()).toEqual([...SCOPES_OF_THE_TIME].sort());
    expect(old).toMatchObject({ expires_at: null, last_used_ip: null, rotated_at: null });
    await expect(q.query(`INSERT INTO api_keys (name, prefix, secret_hash) VALUES ('new', 'bbbbbbbbbbbb', 'x')`)).rejects.toThrow(/scopes/);

    await new ApiKeyScopes1765152000000().down(q);
    const columns = (await q.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('scopes');
  });
});
