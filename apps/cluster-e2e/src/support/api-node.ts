import path from 'node:path';
import { freePort, type Proc, startApiServer } from '@parley/test-support';
import { request, type Reply } from './http';
import { RUN_DIR } from './processes';

export const TEST_JWT_SECRET = 'cluster-e2e-secret-cluster-e2e-secret-0123456789';

/** One API node: the built server as a real child process on a free loopback port. */
export class ApiNode {
  private proc: Proc | undefined;
  private starts = 0;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async create(name: string, env: Record<string, string>): Promise<ApiNode> {
    return new ApiNode(name, await freePort(), env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get process(): Proc {
    if (!this.proc) throw new Error(`${this.name} was never started`);
    return this.proc;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.starts += 1;
    const server = await startApiServer({
      // Nothing from the caller's shell but PATH: each node is configured here alone.
      baseEnv: { PATH: process.env.PATH },
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        PUBLIC_URL: this.url,
        JWT_SECRET: TEST_JWT_SECRET,
        AUTH_RATE_LIMIT_PER_MINUTE: '100000',
        // The fault and order specs send thousands of messages from one principal and reconnect
        // every client at once from one address: limits raised here, not skipped.
        SOCKET_RATE_MESSAGE_SEND: '1000000/1m',
        SOCKET_RATE_THREAD_START: '1000000/1m',
        SOCKET_RATE_TYPING: '1000000/1m',
        SOCKET_RATE_OTHER: '1000000/1m',
        SOCKET_RATE_HANDSHAKE: '1000000/1m',
        SOCKET_RATE_HANDSHAKE_FAILED: '1000000/1m',
        SOCKET_RATE_REFUSALS: '1000000/1m',
        DATABASE_POOL_SIZE: '8',
        ...this.env,
        ...extraEnv,
      },
      logFile: path.join(RUN_DIR, `${this.name}-${this.starts}.log`),
      appendLog: true,
      tailChars: 8000,
      name: this.name,
      readyTimeoutMs: 30_000,
      readyIntervalMs: 100,
      requestTimeoutMs: 4000,
    });
    this.proc = server.proc;
  }

  ready(): Promise<Reply> {
    return request(`${this.url}/api/health/ready`, { timeoutMs: 4000 });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    return this.proc?.stop(signal, 12_000);
  }
}
