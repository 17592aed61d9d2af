import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RuntimeHandles, RUNTIME_KEY } from './runtime';
import { freePort, startServer, stopServer, WORKSPACE_ROOT } from './server';
import { type E2eState, STATE_ENV } from './state';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Debian's Chromium may still be installing when the run starts (.ci/run installs it). */
const CHROMIUM_WAIT_MS = 180_000;

async function waitForChromium(): Promise<void> {
  const deadline = Date.now() + CHROMIUM_WAIT_MS;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > deadline) throw new Error(`${CHROMIUM} not found: install Debian's chromium package`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export default async function globalSetup(): Promise<void> {
  await waitForChromium();
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
    const server = await startServer(
      {
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
      },
      logFile,
    );
    runtime.server = server;
    // If jest dies without its teardown, the server must not outlive it.
    process.once('exit', () => server.child.kill('SIGKILL'));
    const state: E2eState = { baseUrl, jwtSecret, chromiumPath: CHROMIUM };
    process.env[STATE_ENV] = JSON.stringify(state);
    console.log(`\n[console-e2e] server on ${baseUrl} (embedded database), log ${logFile}`);
  } catch (err) {
    // jest skips globalTeardown when globalSetup throws.
    if (runtime.server) await stopServer(runtime.server.child);
    rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
