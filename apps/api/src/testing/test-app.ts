import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { createApp } from '../bootstrap';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from '../database/embedded-postgres';

export type Backend = 'postgres' | 'pglite';

/**
 * A describe block per back end. PostgreSQL's is skipped (and so counted as skipped, never passed)
 * when the global setup did not find it; under CI=true the global setup fails instead.
 */
export function describeBackends(title: string, body: (backend: Backend) => void): void {
  for (const backend of ['postgres', 'pglite'] as const) {
    const reachable = backend === 'pglite' || Boolean(process.env.PARLEY_TEST_POSTGRES_URL);
    (reachable ? describe : describe.skip)(`${title} on ${backend}`, () => body(backend));
  }
}

export interface TestDatabase {
  url: string;
  poolSize: number;
  drop(): Promise<void>;
}

/** A fresh, empty database: a new database on the machine's PostgreSQL, or an in-memory PGlite. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const embedded = await EmbeddedPostgres.start();
    return { url: embedded.url, poolSize: 1, drop: () => embedded.stop() };
  }
  const adminUrl = process.env.PARLEY_TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('PostgreSQL is not available to this run');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolSize: 10,
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export function testConfig(db: TestDatabase, extra: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({
    NODE_ENV: 'test',
    // Uploaded files go to a folder of the database's own, never the workspace's .data; apps on
    // one database share it, as nodes on one disk do.
    UPLOADS_DIR: path.join(os.tmpdir(), `parley-test-uploads-${createHash('sha256').update(db.url).digest('hex').slice(0, 16)}`),
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: String(db.poolSize),
    JWT_SECRET: TEST_JWT_SECRET,
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ...extra,
  });
}

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The whole application on a fresh database, initialised but not listening (supertest drives it). */
export async function createTestApp(backend: Backend, extra: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase(backend);
  const config = testConfig(db, extra);
  const app = await createApp(config);
  await app.init();
  return {
    app,
    db,
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(config.uploads.dir, { recursive: true, force: true });
    },
  };
}
