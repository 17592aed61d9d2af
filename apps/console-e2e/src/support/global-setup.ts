import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, SERVER_ENTRY, startApiServer, waitForChromium, WORKSPACE_ROOT } from '@parley/test-support';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';
import { type E2eState, STATE_ENV } from './state';

const CONSOLE_INDEX = path.join(WORKSPACE_ROOT, 'dist/apps/console/browser/index.html');

export default async function globalSetup(): Promise<void> {
  const chromiumPath = await waitForChromium({ timeoutMs: 180_000 });
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-console-e2e-'));
  const runtime: RuntimeHandles = { tempDir };
  (globalThis as Record<string, unknown>)[RUNTIME_KEY] = runtime;
  try {
    const port = await freePort();
    const pglite = path.join(tempDir, 'pglite');
    mkdirSync(pglite);
    const jwtSecret = `console-e2e-${randomBytes(24).toString('hex')}`;
    const baseUrl = `http://127.0.0.1:${port}`;
    const logFile = path.join(WORKSPACE_ROOT, 'tmp/console-e2e/server.log');
    // The server (which serves the built console at `/`) runs on the embedded database and the
    // in-memory adapter, whatever the caller's shell says. killOnExit: if jest dies without its
    // teardown, the server must not outlive it.
    const server = await startApiServer({
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: baseUrl,
        PGLITE_DATA_DIR: pglite,
        JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        // Every test client connects from 127.0.0.1, as if behind one proxy: the per-address
        // handshake limits would count the whole suite as one client. Per-principal limits keep their defaults.
        SOCKET_RATE_HANDSHAKE: '100000/1m',
        SOCKET_RATE_HANDSHAKE_FAILED: '100000/1m',
        NODE_ENV: 'test',
        // The webhooks page test runs a receiver on 127.0.0.1, a private address only the allow-list opens.
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_POLL_INTERVAL: '100ms',
      },
      unset: ['DATABASE_URL', 'REDIS_URL'],
      requires: { [SERVER_ENTRY]: 'api', [CONSOLE_INDEX]: 'console' },
      logFile,
      killOnExit: true,
    });
    runtime.server = server;
    const state: E2eState = { baseUrl, jwtSecret, chromiumPath };
    process.env[STATE_ENV] = JSON.stringify(state);
    console.log(`\n[console-e2e] server on ${baseUrl} (embedded database), log ${logFile}`);
  } catch (err) {
    // jest skips globalTeardown when globalSetup throws.
    if (runtime.server) await runtime.server.proc.stop();
    rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
