import path from 'node:path';
import { Proc, WORKSPACE_ROOT } from '@parley/test-support';

/** Logs of every process a test starts, kept after the run for whoever reads a failure. */
export const RUN_DIR = path.join(WORKSPACE_ROOT, 'tmp/cluster-e2e', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

/**
 * How long a test waits for something that must happen (a reconnect, a recovery) before calling it
 * broken. A bound on liveness, not a measure of speed: how fast it happened is logged as a figure,
 * and a busy machine (one core taken by something else) must not fail the suite.
 */
export const LIVENESS_MS = 30_000;

/** A process of the run, its output in RUN_DIR/<logName>.log. */
export function spawnLogged(command: string, args: string[], opts: { logName: string; env?: NodeJS.ProcessEnv }): Proc {
  return Proc.spawn(command, args, { logFile: path.join(RUN_DIR, `${opts.logName}.log`), appendLog: true, tailChars: 8000, env: opts.env });
}
