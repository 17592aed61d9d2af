import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
export const SERVER_ENTRY = path.join(WORKSPACE_ROOT, 'dist/apps/api/apps/api/src/main.js');
// The project's own Node (24); the machine's global node is older.
export const NODE_BIN = path.join(WORKSPACE_ROOT, 'node_modules/.bin/node');
export const READY_PATH = '/api/health/ready';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

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
  output(): string;
}

export interface StartOptions {
  env: Record<string, string>;
  logFile: string;
}

/** Starts the built server and resolves once GET /api/health/ready answers 200. */
export async function startServer(opts: StartOptions): Promise<ServerHandle> {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error(`${SERVER_ENTRY} does not exist: run \`npx nx run api:build\` first`);
  }
  const port = Number(opts.env.PORT);
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // The run decides the back end; nothing from the caller's shell may override it.
  if (!('DATABASE_URL' in opts.env)) delete env.DATABASE_URL;
  delete env.REDIS_URL;

  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile);
  let tail = '';
  const child = spawn(NODE_BIN, [SERVER_ENTRY], {
    cwd: WORKSPACE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const record = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  child.once('exit', () => log.end());
  const handle: ServerHandle = { child, baseUrl, logFile: opts.logFile, output: () => tail };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `API server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`,
      );
    }
    try {
      const res = await fetch(baseUrl + READY_PATH, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return handle;
      lastProblem = `${READY_PATH} answered ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopServer(child);
  throw new Error(
    `API server not ready after ${READY_TIMEOUT_MS / 1000}s (${lastProblem}). Output:\n${tail}`,
  );
}

/** SIGTERM, then SIGKILL if it is still running after a grace period. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitExit = (ms: number) =>
    Promise.race([
      exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
    ]);
  child.kill('SIGTERM');
  if (await waitExit(STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitExit(2_000);
}
