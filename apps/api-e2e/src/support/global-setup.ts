import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createDatabase,
  dropDatabase,
  freePort,
  postgresProblem,
  startApiServer,
  type TestDatabase,
  WORKSPACE_ROOT,
} from '@parley/test-support';
import { DATABASE_PREFIX, PG } from './database';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';
import {
  ALLOWED_ORIGIN,
  API_V1,
  type Backend,
  type E2eState,
  type RecordedResponse,
  STATE_ENV,
} from './state';

const ADMIN = { email: 'admin@e2e.test', name: 'E2E Admin', password: 'e2e-admin-password-1' };

function requestedBackend(): Backend {
  const value = process.env.E2E_DB ?? 'pglite';
  if (value !== 'postgres' && value !== 'pglite')
    throw new Error(`E2E_DB must be postgres or pglite, got "${value}"`);
  return value;
}

async function record(res: Response): Promise<RecordedResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text: the test that reads it reports what came back
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body };
}

async function jsonRequest(url: string, method: string, body?: unknown): Promise<RecordedResponse> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return record(res);
}

async function chooseDatabase(requested: Backend): Promise<{ backend: Backend; database?: TestDatabase }> {
  if (requested === 'pglite') return { backend: 'pglite' };
  const problem = await postgresProblem(PG);
  // Never a silent fallback to PGlite: that would report a postgres run that did not happen.
  // run-e2e.cjs probes first and runs an unreachable back end as skipped (E2E_SKIPPED).
  if (problem) throw new Error(`E2E_DB=postgres but PostgreSQL is not reachable: ${problem}`);
  return { backend: 'postgres', database: await createDatabase(DATABASE_PREFIX, PG) };
}

/** Creates the first admin on the fresh database, or logs in if one already exists. */
async function firstRun(
  baseUrl: string,
): Promise<{ firstRun: E2eState['firstRun']; admin: E2eState['admin'] }> {
  const status = await jsonRequest(`${baseUrl}${API_V1}/setup`, 'GET');
  let setup = await jsonRequest(`${baseUrl}${API_V1}/setup`, 'POST', ADMIN);
  let auth = setup.body as { token?: string; agent?: { id?: string } };
  if (setup.status === 409) {
    const login = await jsonRequest(`${baseUrl}${API_V1}/auth/login`, 'POST', {
      email: ADMIN.email,
      password: ADMIN.password,
    });
    auth = login.body as typeof auth;
    if (login.status !== 200) setup = login;
  }
  if (typeof auth?.token !== 'string' || typeof auth.agent?.id !== 'string') {
    throw new Error(`first-run setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  }
  return { firstRun: { status, setup }, admin: { ...ADMIN, id: auth.agent.id, token: auth.token } };
}

export default async function globalSetup(): Promise<void> {
  if (process.env.E2E_SKIPPED) {
    console.warn(`\n[api-e2e] SKIPPED: ${process.env.E2E_SKIPPED}; every test of this run is reported as skipped`);
    return;
  }
  const requested = requestedBackend();
  const { backend, database } = await chooseDatabase(requested);
  const tempDir = mkdtempSync(path.join(os.tmpdir(), `parley-e2e-${backend}-`));
  const runtime: RuntimeHandles = { tempDir, database };
  (globalThis as Record<string, unknown>)[RUNTIME_KEY] = runtime;

  try {
    const pgliteDir = path.join(tempDir, 'pglite');
    mkdirSync(pgliteDir);
    const jwtSecret = `e2e-${randomBytes(24).toString('hex')}`;
    const env: Record<string, string> = {
      PORT: String(await freePort()),
      PGLITE_DATA_DIR: pgliteDir,
      JWT_SECRET: jwtSecret,
      ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      // Every test client connects from 127.0.0.1, as if behind one proxy: the per-address
      // handshake limits would count the whole suite as one client. Per-principal limits keep their defaults.
      SOCKET_RATE_HANDSHAKE: '100000/1m',
      SOCKET_RATE_HANDSHAKE_FAILED: '100000/1m',
      NODE_ENV: 'test',
      // Webhook tests run a receiver on 127.0.0.1 (a private address, so it needs the allow-list) and see retries quickly.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '0.2s,0.4s,0.6s',
      WEBHOOK_POLL_INTERVAL: '100ms',
    };
    if (database) env.DATABASE_URL = database.url;
    const logFile = path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-${requested}.log`);
    // The run decides the back end: DATABASE_URL and REDIS_URL from the caller's shell do not reach the server.
    // killOnExit: if jest dies without running the teardown, the server must not outlive it.
    const server = await startApiServer({ env, unset: ['DATABASE_URL', 'REDIS_URL'], logFile, tailChars: 20_000, killOnExit: true, readyTimeoutMs: 180_000 });
    runtime.server = server;

    const { firstRun: recorded, admin } = await firstRun(server.url);
    const state: E2eState = {
      backend,
      requestedBackend: requested,
      baseUrl: server.url,
      ...(database ? { databaseUrl: database.url } : {}),
      jwtSecret,
      allowedOrigin: ALLOWED_ORIGIN,
      admin,
      firstRun: recorded,
    };
    process.env[STATE_ENV] = JSON.stringify(state);
    console.log(
      `\n[api-e2e] server on ${server.url}, back end ${backend}${database ? ` (${database.name})` : ''}, log ${logFile}`,
    );
  } catch (err) {
    // jest skips globalTeardown when globalSetup throws: clean up here.
    if (runtime.server) await runtime.server.proc.stop();
    if (database) await dropDatabase(database.name, PG).catch(() => undefined);
    rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
