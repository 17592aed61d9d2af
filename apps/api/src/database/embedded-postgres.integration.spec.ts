import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from './embedded-postgres';

describe('EmbeddedPostgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  }

  it('serves PostgreSQL over the wire protocol to the ordinary pg driver, and keeps data across restarts', async () => {
    const first = await EmbeddedPostgres.start(dir);
    const version = await withClient(first.url, async (c) => {
      await c.query('CREATE TABLE kept (v text)');
      await c.query(`INSERT INTO kept VALUES ('still here')`);
      return (await c.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num;
    });
    expect(Number(version)).toBeGreaterThanOrEqual(160000);
    await first.stop();

    const second = await EmbeddedPostgres.start(dir);
    const rows = await withClient(second.url, async (c) => (await c.query<{ v: string }>('SELECT v FROM kept')).rows);
    await second.stop();
    expect(rows).toEqual([{ v: 'still here' }]);
    // Two WASM PostgreSQL starts on a data directory: on a loaded machine they take minutes. A hang bound only.
  }, 360_000);
});
