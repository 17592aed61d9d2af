import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

function adminUrl(): string {
  return process.env.CLUSTER_E2E_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000, query_timeout: 20_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where the machine's PostgreSQL listens, for a proxy to point at. */
export function postgresAddress(): { host: string; port: number } {
  const url = new URL(adminUrl());
  return { host: url.hostname, port: Number(url.port || 5432) };
}

/** The same database reached through a loopback proxy on `port`. */
export function throughProxy(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

export interface StoredMessage {
  id: string;
  seq: number;
  body: string;
  clientMsgId: string | null;
  authorType: string;
  authorId: string | null;
}

/** A fresh database on the machine's PostgreSQL for one test file, and the queries the tests check with. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const name = `parley_cluster_${randomBytes(6).toString('hex')}`;
    await withClient(adminUrl(), (c) => c.query(`CREATE DATABASE "${name}"`));
    const url = new URL(adminUrl());
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  async drop(): Promise<void> {
    // WITH (FORCE) ends the connections a killed node left behind.
    await withClient(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`));
  }

  query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return withClient(this.url, async (c) => (await c.query(sql, params)).rows as R[]);
  }

  /** The record: every message of the thread in seq order. */
  messages(threadId: string): Promise<StoredMessage[]> {
    return this.query<StoredMessage>(
      `SELECT id, seq, body, client_msg_id AS "clientMsgId", author_type AS "authorType", author_id AS "authorId"
         FROM messages WHERE thread_id = $1 ORDER BY seq`,
      [threadId],
    );
  }
}
