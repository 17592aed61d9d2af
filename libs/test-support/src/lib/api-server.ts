import { existsSync } from 'node:fs';
import { Proc, type SpawnOptions } from './process';
import { sleep, StopWaiting, until } from './wait';
import { NODE_BIN, SERVER_ENTRY } from './workspace';

export const READY_PATH = '/api/health/ready';

export interface StartServerOptions extends Pick<SpawnOptions, 'logFile' | 'appendLog' | 'tailChars' | 'onOutput' | 'killOnExit'> {
  /** The server's settings (PORT is required), over `baseEnv`. */
  env: NodeJS.ProcessEnv;
  /** What else the server inherits. Default: this process's environment. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Inherited variables the run decides for itself: dropped from `baseEnv` (`env` may still set them). */
  unset?: string[];
  /** The script to run. Default: the built API server. */
  entry?: string;
  /** Node's own flags, before the script. */
  nodeArgs?: string[];
  /** A command that starts Node, e.g. `['taskset', '-c', '1']` (it must exec Node, so the pid stays the server's). */
  launcher?: string[];
  /** Files that must exist before starting, each with the project that builds it. Default: the built server, by api. */
  requires?: Record<string, string>;
  /** In messages. Default: 'API server'. */
  name?: string;
  /** Bounds on the readiness wait (a hang bound: a loaded machine boots slowly). Defaults: 180 s in all, polled every 250 ms, 2 s per request. */
  readyTimeoutMs?: number;
  readyIntervalMs?: number;
  requestTimeoutMs?: number;
}

export interface ApiServer {
  proc: Proc;
  url: string;
  port: number;
  logFile: string;
}

/**
 * Starts a server (the built API unless `entry` says otherwise) as a child process on
 * 127.0.0.1:$PORT and resolves once GET /api/health/ready answers 200. If it exits first, or is not
 * ready in time, it is killed and the error carries the tail of its output.
 */
export async function startApiServer(opts: StartServerOptions): Promise<ApiServer> {
  for (const [file, project] of Object.entries(opts.requires ?? (opts.entry ? {} : { [SERVER_ENTRY]: 'api' }))) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: build it first (npm run nx -- run ${project}:build)`);
  }
  const port = Number(opts.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`startApiServer needs env.PORT, got ${String(opts.env.PORT)}`);
  const env: NodeJS.ProcessEnv = { ...(opts.baseEnv ?? process.env) };
  for (const name of opts.unset ?? []) delete env[name];
  Object.assign(env, opts.env);
  const nodeArgv = [...(opts.nodeArgs ?? []), opts.entry ?? SERVER_ENTRY];
  const [command, ...args] = [...(opts.launcher ?? []), NODE_BIN, ...nodeArgv];
  const proc = Proc.spawn(command, args, { ...opts, env });
  const server: ApiServer = { proc, url: `http://127.0.0.1:${port}`, port, logFile: opts.logFile };
  try {
    await waitUntilReady(server, opts);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return server;
}

/** Polls the server's readiness until it answers 200; fails at once if the process exits. */
export async function waitUntilReady(
  server: Pick<ApiServer, 'proc' | 'url' | 'logFile'>,
  opts: Pick<StartServerOptions, 'name' | 'readyTimeoutMs' | 'readyIntervalMs' | 'requestTimeoutMs'> = {},
): Promise<void> {
  const { proc, url, logFile } = server;
  const name = opts.name ?? 'API server';
  try {
    await until(
      `${name} on ${url} to be ready`,
      async () => {
        if (!proc.running) {
          const { code, signal } = await proc.exited;
          await Promise.race([proc.closed, sleep(1000)]);
          throw new StopWaiting(`${name} exited (${code ?? signal}) before it was ready; log ${logFile}:\n${proc.tail()}`);
        }
        const res = await fetch(url + READY_PATH, { signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 2000) });
        if (res.status === 200) return true;
        throw new Error(`${READY_PATH} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      },
      opts.readyTimeoutMs ?? 180_000,
      opts.readyIntervalMs ?? 250,
    );
  } catch (err) {
    if (err instanceof StopWaiting) throw new Error(err.message);
    throw new Error(`${(err as Error).message}; log ${logFile}:\n${proc.tail()}`);
  }
}
