import { DEFAULT_POSTGRES_URL, type PostgresOptions, withClient } from '@parley/test-support';

/** The machine's PostgreSQL (trust auth); BENCH_PG_URL overrides it. */
function adminUrl(): string {
  return process.env.BENCH_PG_URL ?? DEFAULT_POSTGRES_URL;
}

/** Where the bench makes and drops its databases. */
export function postgres(): PostgresOptions {
  return { adminUrl: adminUrl() };
}

/** Messages written by people (visitors and agents), leaving out the system notes of claims. */
export async function countMessages(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE author_type IN ('visitor', 'agent')`,
    );
    return rows[0].n;
  });
}

/** Server processes serving one database: whose CPU the run samples as "database". */
export async function backendPids(dbName: string): Promise<number[]> {
  return withClient(adminUrl(), async (c) => {
    const { rows } = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [dbName]);
    return rows.map((r) => r.pid);
  });
}

export async function serverVersion(): Promise<string> {
  try {
    return await withClient(adminUrl(), async (c) => (await c.query<{ v: string }>('SHOW server_version')).rows[0].v);
  } catch {
    return 'unreachable';
  }
}

export async function settings(): Promise<Record<string, string>> {
  try {
    return await withClient(adminUrl(), async (c) => {
      const { rows } = await c.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit','fsync','shared_buffers','max_connections','wal_sync_method','commit_delay')`,
      );
      return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    });
  } catch {
    return {};
  }
}
