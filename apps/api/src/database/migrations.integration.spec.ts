import { API_KEY_SCOPES } from '@parley/contracts';
import { DataSource, type QueryRunner } from 'typeorm';
import { createTestDatabase, describeBackends, type TestDatabase } from '../testing/test-app';
import { dataSourceOptions, MIGRATIONS } from './data-source';
import { ApiKeyScopes1765152000000 } from './migrations/1765152000000-ApiKeyScopes';
import { RatingsAndReports1766600000000 } from './migrations/1766600000000-RatingsAndReports';

const BEFORE_SCOPES = MIGRATIONS.slice(0, MIGRATIONS.indexOf(ApiKeyScopes1765152000000));

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
    expect([...old.scopes].sort()).toEqual([...API_KEY_SCOPES].sort());
    expect(old).toMatchObject({ expires_at: null, last_used_ip: null, rotated_at: null });
    await expect(q.query(`INSERT INTO api_keys (name, prefix, secret_hash) VALUES ('new', 'bbbbbbbbbbbb', 'x')`)).rejects.toThrow(/scopes/);

    await new ApiKeyScopes1765152000000().down(q);
    const columns = (await q.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toContain('scopes');
  });
});

describeBackends('the RatingsAndReports migration', (backend) => {
  let db: TestDatabase | undefined;
  let ds: DataSource | undefined;
  let q: QueryRunner;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    ds = new DataSource({ ...dataSourceOptions(db.url, 1), entities: [], migrations: [], migrationsRun: false, logging: false });
    await ds.initialize();
    q = ds.createQueryRunner();
    for (const M of MIGRATIONS.slice(0, MIGRATIONS.indexOf(RatingsAndReports1766600000000))) await new M().up(q);
  });
  afterAll(async () => {
    await q?.release();
    await ds?.destroy();
    await db?.drop();
  });

  it('backfills the first assignment and the first agent message of existing threads, refuses a score outside 1..5, and down removes the columns', async () => {
    const [agent] = (await q.query(`INSERT INTO agents (email, name, password_hash, role) VALUES ('a@x.test', 'Ann', 'x', 'agent') RETURNING id`)) as { id: string }[];
    const [visitor] = (await q.query(`INSERT INTO visitors (name, email) VALUES ('V', 'v@x.test') RETURNING id`)) as { id: string }[];
    const [answered] = (await q.query(
      `INSERT INTO threads (visitor_id, status, assigned_agent_id, last_seq, created_at) VALUES ($1, 'closed', $2, 4, '2026-01-01T10:00:00Z') RETURNING id`,
      [visitor.id, agent.id],
    )) as { id: string }[];
    const [waiting] = (await q.query(`INSERT INTO threads (visitor_id, status, last_seq, created_at) VALUES ($1, 'queued', 1, '2026-01-01T11:00:00Z') RETURNING id`, [visitor.id])) as { id: string }[];
    await q.query(
      `INSERT INTO messages (thread_id, seq, author_type, author_id, body, created_at) VALUES
         ($1, 1, 'visitor', $2, 'hello', '2026-01-01T10:00:05Z'),
         ($1, 2, 'system', NULL, 'Ann joined the conversation', '2026-01-01T10:01:00Z'),
         ($1, 3, 'agent', $3, 'hi', '2026-01-01T10:01:30Z'),
         ($1, 4, 'agent', $3, 'bye', '2026-01-01T10:05:00Z'),
         ($4, 1, 'visitor', $2, 'anyone?', '2026-01-01T11:00:05Z')`,
      [answered.id, visitor.id, agent.id, waiting.id],
    );
    await new RatingsAndReports1766600000000().up(q);

    const rows = (await q.query(`SELECT id, assigned_at, first_response_at, rating FROM threads ORDER BY created_at`)) as { id: string; assigned_at: Date | null; first_response_at: Date | null; rating: number | null }[];
    expect(rows.map((r) => [r.id, r.assigned_at?.toISOString() ?? null, r.first_response_at?.toISOString() ?? null, r.rating])).toEqual([
      [answered.id, '2026-01-01T10:01:00.000Z', '2026-01-01T10:01:30.000Z', null],
      [waiting.id, null, null, null],
    ]);
    await expect(q.query(`UPDATE threads SET rating = 6 WHERE id = $1`, [answered.id])).rejects.toThrow(/threads_rating_range/);

    await new RatingsAndReports1766600000000().down(q);
    const columns = (await q.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'threads'`)) as { column_name: string }[];
    expect(columns.map((c) => c.column_name)).not.toEqual(expect.arrayContaining(['assigned_at']));
    expect(columns.map((c) => c.column_name)).not.toContain('rating');
  });
});
