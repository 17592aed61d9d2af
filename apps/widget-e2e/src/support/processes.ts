import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');
export const NODE_BIN = path.join(WORKSPACE_ROOT, 'node_modules/.bin/node');
export const SERVER_ENTRY = path.join(WORKSPACE_ROOT, 'dist/apps/api/apps/api/src/main.js');
export const BUILDS = {
  server: SERVER_ENTRY,
  widget: path.join(WORKSPACE_ROOT, 'dist/apps/widget/browser/index.html'),
  loader: path.join(WORKSPACE_ROOT, 'dist/apps/widget-loader/widget.js'),
  demo: path.join(WORKSPACE_ROOT, 'dist/apps/widget-loader/demo'),
};

export function freePort(): Promise<number> {
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

/** Starts the built server and resolves once /api/health/ready answers 200 (60 s at most). */
export async function startApi(env: Record<string, string>, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  for (const [name, file] of Object.entries(BUILDS)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build ${name} first (npm run nx -- run widget-e2e:test builds everything)`);
  }
  const url = `http://127.0.0.1:${env['PORT']}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['DATABASE_URL'];
  delete childEnv['REDIS_URL'];
  delete childEnv['ALLOWED_ORIGINS'];
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(NODE_BIN, [SERVER_ENTRY], { cwd: WORKSPACE_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 60_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API server exited (${child.exitCode}) before it was ready; see ${logFile}`);
    try {
      const res = await fetch(`${url}/api/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { child, url };
      last = `ready answered ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`the API server was not ready after 60 s (${last}); see ${logFile}`);
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Debian's Chromium; apt may still be installing it when a run starts, so wait a little for it. */
export async function chromiumPath(timeoutMs = 120_000): Promise<string> {
  const file = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} not found: install Debian's chromium package (apt-get install chromium)`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  return file;
}
