import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
export const SERVER_ENTRY = path.join(WORKSPACE_ROOT, 'dist/apps/api/apps/api/src/main.js');
export const CONSOLE_INDEX = path.join(WORKSPACE_ROOT, 'dist/apps/console/browser/index.html');
// The project's own Node (24); the machine's global node is older.
const NODE_BIN = path.join(WORKSPACE_ROOT, 'node_modules/.bin/node');
const READY_TIMEOUT_MS = 60_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(address.port));
    });
  });
}

export interface ServerHandle {
  child: ChildProcess;
  baseUrl: string;
  logFile: string;
}

/** Starts the built server (which serves the built console at `/`) and waits until it is ready. */
export async function startServer(env: Record<string, string>, logFile: string): Promise<ServerHandle> {
  for (const file of [SERVER_ENTRY, CONSOLE_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: build api and console first (the test target does)`);
  }
  const baseUrl = `http://127.0.0.1:${env.PORT}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The embedded database and the in-memory adapter, whatever the caller's shell says.
  delete childEnv.DATABASE_URL;
  delete childEnv.REDIS_URL;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  let tail = '';
  const child = spawn(NODE_BIN, [SERVER_ENTRY], { cwd: WORKSPACE_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const record = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-10_000);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  child.once('exit', () => log.end());

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`API server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { child, baseUrl, logFile };
      last = `ready answered ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopServer(child);
  throw new Error(`API server not ready after ${READY_TIMEOUT_MS / 1000}s (${last}):\n${tail}`);
}

/** SIGTERM, then SIGKILL if it has not exited after a grace period. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const within = (ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  child.kill('SIGTERM');
  if (await within(5000)) return;
  child.kill('SIGKILL');
  await within(2000);
}
