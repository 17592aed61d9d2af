import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';

/** The machine's PostgreSQL; E2E_PG_* override the defaults (127.0.0.1:5432, user postgres, trust auth). */
function adminConfig(database = 'postgres'): ClientConfig {
  return {
    host: process.env.E2E_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.E2E_PG_PORT ?? 5432),
    user: process.env.E2E_PG_USER ?? 'postgres',
    password: process.env.E2E_PG_PASSWORD,
    database,
    connectionTimeoutMillis: 3000,
    query_timeout: 10_000,
  };
}

async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(adminConfig());
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function postgresReachable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await withClient((c) => c.query('SELECT 1'));
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface TestDatabase {
  name: string;
  url: string;
}

/** A fresh, empty database for one run; the name is random so parallel runs never collide. */
export async function createDatabase(): Promise<TestDatabase> {
  const name = `parley_e2e_${randomBytes(6).toString('hex')}`;
  await withClient((c) => c.query(`CREATE DATABASE "${name}"`));
  const cfg = adminConfig(name);
  const password = process.env.E2E_PG_PASSWORD;
  const auth = password ? `${cfg.user}:${encodeURIComponent(password)}` : cfg.user;
  return { name, url: `postgres://${auth}@${cfg.host}:${cfg.port}/${name}` };
}

export async function dropDatabase(name: string): Promise<void> {
  // WITH (FORCE) ends connections a killed server may have left behind (PostgreSQL 13+).
  await withClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
