import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { createTestDatabase, describeBackends, testConfig, type TestDatabase } from '../testing/test-app';
import { IdempotencyStore } from './idempotency.store';

/**
 * The store against the real database. On PostgreSQL two stores on two pools stand for two nodes;
 * PGlite serves one connection, so there both are the same store.
 */
describeBackends('IdempotencyStore', (backend) => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  let a: IdempotencyStore;
  let b: IdempotencyStore;
  let sql: DataSource;
  let n = 0;
  const key = () => `key-${(n += 1)}`;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    const config = testConfig(db);
    for (let i = 0; i < (backend === 'postgres' ? 2 : 1); i += 1) {
      const ds = new DataSource({ ...dataSourceOptions(db.url, db.poolSize), logging: false });
      await ds.initialize();
      sources.push(ds);
    }
    sql = sources[0];
    a = new IdempotencyStore(sources[0], config);
    b = new IdempotencyStore(sources.at(-1) ?? sources[0], config);
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await db?.drop();
  });

  it('runs the first request, replays its answer to a retry (on another node too), refuses another request with the key', async () => {
    const k = key();
    expect(await a.begin('agent:1', k, 'f1')).toEqual({ kind: 'started' });
    expect(await b.begin('agent:1', k, 'f1')).toEqual({ kind: 'in-progress' });
    expect(await b.begin('agent:1', k, 'f2')).toEqual({ kind: 'mismatch' });
    await a.complete('agent:1', k, 201, { id: 'x', token: 'secret-token' });
    expect(await b.begin('agent:1', k, 'f1')).toEqual({ kind: 'replay', status: 201, body: { id: 'x', token: 'secret-token' } });
    expect(await a.begin('agent:1', k, 'f2')).toEqual({ kind: 'mismatch' });
    // Another caller's key of the same name is its own.
    expect(await b.begin('agent:2', k, 'f2')).toEqual({ kind: 'started' });
  });

  it('stores answers encrypted, and replays an answer without a body', async () => {
    const k = key();
    await a.begin('apiKey:1', k, 'f');
    await a.complete('apiKey:1', k, 201, { key: 'prk_aaaaaaaaaaaa_plain' });
    const [row] = (await sql.query(`SELECT response FROM idempotency_keys WHERE caller = 'apiKey:1' AND key = $1`, [k])) as { response: Buffer }[];
    expect(row.response.toString('latin1')).not.toContain('prk_');
    const empty = key();
    await a.begin('agent:1', empty, 'f');
    await a.complete('agent:1', empty, 204, undefined);
    expect(await b.begin('agent:1', empty, 'f')).toEqual({ kind: 'replay', status: 204, body: undefined });
  });

  it('forgets a failed request, so that a retry runs again', async () => {
    const k = key();
    await a.begin('agent:1', k, 'f1');
    await a.abandon('agent:1', k);
    expect(await b.begin('agent:1', k, 'f2')).toEqual({ kind: 'started' });
  });

  it('lets an expired key, or one whose first request was abandoned by a dead node, run again; the sweep deletes expired keys', async () => {
    const [expired, stuck, live] = [key(), key(), key()];
    for (const k of [expired, stuck, live]) await a.begin('agent:9', k, 'f');
    await a.complete('agent:9', expired, 200, { v: 1 });
    await a.complete('agent:9', live, 200, { v: 2 });
    await sql.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [expired]);
    await sql.query(`UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = $1`, [stuck]);
    expect(await b.begin('agent:9', expired, 'other')).toEqual({ kind: 'started' });
    expect(await b.begin('agent:9', stuck, 'f')).toEqual({ kind: 'started' });
    expect(await b.begin('agent:9', live, 'f')).toEqual({ kind: 'replay', status: 200, body: { v: 2 } });

    await sql.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE caller = 'agent:9'`);
    expect(await a.sweep()).toBe(3);
    expect(await sql.query(`SELECT key FROM idempotency_keys WHERE caller = 'agent:9'`)).toEqual([]);
    expect(await a.sweep()).toBe(0);
  });

  it('gives one claim to many concurrent requests with the same key', async () => {
    const k = key();
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).begin('agent:1', k, 'f')));
    expect(outcomes.filter((o) => o.kind === 'started')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in-progress')).toHaveLength(7);
  });
});
