import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from './workspace';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const doomed = new Set<ChildProcess>();

/** SIGKILLs `child` if this process exits first: nothing a run starts may outlive it. */
export function killOnExit(child: ChildProcess): void {
  if (doomed.size === 0) process.once('exit', () => doomed.forEach((c) => c.kill('SIGKILL')));
  doomed.add(child);
  child.once('exit', () => doomed.delete(child));
}

export interface SpawnOptions {
  /** Where stdout and stderr go, kept after the run for whoever reads a failure. */
  logFile: string;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Default: the workspace root. */
  cwd?: string;
  /** Append to the log instead of starting it afresh (one name for a process restarted by a test). */
  appendLog?: boolean;
  /** How much of the latest output `tail()` keeps, in characters. */
  tailChars?: number;
  /** Sees each piece of output as it arrives. */
  onOutput?: (text: string) => void;
  /** SIGKILL it if this process exits first (see `killOnExit`). */
  killOnExit?: boolean;
}

/** A child process whose output goes to a log file (and a tail kept in memory), with its exit as a promise. */
export class Proc {
  readonly exited: Promise<Exit>;
  /** Resolves when its output has ended (after the exit; never, while a process it started holds the output open). */
  readonly closed: Promise<void>;
  private tailText = '';
  private ended = false;

  private constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.ended = true;
        resolve({ code, signal });
      });
      // A command that could not start never exits.
      child.once('error', () => {
        if (child.pid !== undefined) return;
        this.ended = true;
        resolve({ code: null, signal: null });
      });
    });
  }

  static spawn(command: string, args: string[], opts: SpawnOptions): Proc {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    const log = createWriteStream(opts.logFile, { flags: opts.appendLog ? 'a' : 'w' });
    const child = spawn(command, args, { cwd: opts.cwd ?? WORKSPACE_ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new Proc(child, opts.logFile);
    const keep = opts.tailChars ?? 10_000;
    const record = (chunk: Buffer) => {
      log.write(chunk);
      const text = chunk.toString();
      proc.tailText = (proc.tailText + text).slice(-keep);
      opts.onOutput?.(text);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    child.once('error', (err) => record(Buffer.from(`spawn failed: ${err.message}\n`)));
    // Output may still arrive after the exit.
    void proc.closed.then(() => log.end());
    if (opts.killOnExit) killOnExit(child);
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The latest output, stdout and stderr together. */
  tail(): string {
    return this.tailText;
  }

  /** Resolves with the exit, or undefined if the process is still running after `ms`. */
  waitExit(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  /** Sends `signal`, then SIGKILL if it is still running after `graceMs`; resolves with the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const exit = await this.waitExit(graceMs);
    if (exit) return exit;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}
