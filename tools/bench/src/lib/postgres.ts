import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (trust auth); BENCH_PG_URL overrides it. */
export function adminUrl(): string {
  return process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await withClient(adminUrl(), (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** A fresh database for one run; the random name keeps parallel runs apart. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl(), (c) => c.query(`CREATE DATABASE "${name}"`));
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
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
