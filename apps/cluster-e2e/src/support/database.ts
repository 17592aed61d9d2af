import { createDatabase, DEFAULT_POSTGRES_URL, dropDatabase, type PostgresOptions, withClient } from '@parley/test-support';

/** The machine's PostgreSQL (run.cjs and the global setup pass on TEST_POSTGRES_URL, or the default, as CLUSTER_E2E_PG_URL). */
function postgres(): PostgresOptions {
  return { adminUrl: adminUrl(), connectTimeoutMs: 5000, queryTimeoutMs: 20_000 };
}

function adminUrl(): string {
  return process.env.CLUSTER_E2E_PG_URL || DEFAULT_POSTGRES_URL;
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
    const { name, url } = await createDatabase('parley_cluster', postgres());
    return new TestDatabase(name, url);
  }

  async drop(): Promise<void> {
    await dropDatabase(this.name, postgres());
  }

  query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return withClient(this.url, async (c) => (await c.query(sql, params)).rows as R[], postgres());
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
