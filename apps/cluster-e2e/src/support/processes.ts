import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');
/** The project's own Node 24; the machine's `node` may be older. */
export const NODE_BIN = path.join(ROOT, 'node_modules/.bin/node');
export const SERVER_ENTRY = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');
/** Logs of every process a test starts, kept after the run for whoever reads a failure. */
export const RUN_DIR = path.join(ROOT, 'tmp/cluster-e2e', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How long a test waits for something that must happen (a reconnect, a recovery) before calling it
 * broken. A bound on liveness, not a measure of speed: how fast it happened is logged as a figure,
 * and a busy machine (one core taken by something else) must not fail the suite.
 */
export const LIVENESS_MS = 30_000;

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

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * naming what it waited for and the last thing it saw. Every wait in this suite goes through here.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await sleep(intervalMs);
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output goes to a log file, with its exit as a promise. */
export class Proc {
  readonly exited: Promise<Exit>;
  private tailText = '';

  private constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; logName: string; cwd?: string }): Proc {
    mkdirSync(RUN_DIR, { recursive: true });
    const logFile = path.join(RUN_DIR, `${opts.logName}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new Proc(child, logFile);
    const record = (chunk: Buffer) => {
      log.write(chunk);
      proc.tailText = (proc.tailText + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    child.once('exit', () => log.end());
    child.once('error', (err) => record(Buffer.from(`spawn failed: ${err.message}\n`)));
    return proc;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(): string {
    return this.tailText;
  }

  /** Resolves with the exit, or undefined if the process is still running after `ms`. */
  waitExit(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  /** The signal, then SIGKILL if it is still running after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 12_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const exit = await this.waitExit(graceMs);
    if (exit) return exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}
