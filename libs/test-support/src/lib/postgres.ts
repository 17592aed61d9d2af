import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL as the suites expect it: 127.0.0.1:5432, user postgres, trust auth. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresOptions {
  /** A database on the server to connect to for CREATE and DROP DATABASE. Default: DEFAULT_POSTGRES_URL. */
  adminUrl?: string;
  /** Default 5 s. */
  connectTimeoutMs?: number;
  /** Default: none. */
  queryTimeoutMs?: number;
}

export interface TestDatabase {
  name: string;
  url: string;
}

/** Runs `fn` with a connection to `url`, and closes it whatever happens. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>, opts: PostgresOptions = {}): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, query_timeout: opts.queryTimeoutMs });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function adminUrl(opts: PostgresOptions): string {
  return opts.adminUrl ?? DEFAULT_POSTGRES_URL;
}

/** The URL of database `name` on the server of `serverUrl` (same host, port and credentials). */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresProblem(opts: PostgresOptions = {}): Promise<string | null> {
  try {
    await withClient(adminUrl(opts), (c) => c.query('SELECT 1'), opts);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A fresh, empty database `<prefix>_<random>`: the random part keeps parallel runs apart. */
export async function createDatabase(prefix: string, opts: PostgresOptions = {}): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl(opts), (c) => c.query(`CREATE DATABASE "${name}"`), opts);
  return { name, url: databaseUrl(adminUrl(opts), name) };
}

export async function dropDatabase(name: string, opts: PostgresOptions = {}): Promise<void> {
  // WITH (FORCE) ends the connections a killed server may have left behind (PostgreSQL 13+).
  await withClient(adminUrl(opts), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), opts);
}
