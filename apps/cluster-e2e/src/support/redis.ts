import { connect } from 'node:net';
import { freePort, type Proc, until } from '@parley/test-support';
import { spawnLogged } from './processes';

/** One PING over a raw connection: true when a Redis answers on the port. */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A Redis of the test's own on a free loopback port, so a test can kill and restart it without
 * touching the machine's Redis. No persistence: a restarted Redis is an empty one, as after a crash.
 */
export class RedisServer {
  private proc: Proc | undefined;
  private starts = 0;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const redis = new RedisServer(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  async up(): Promise<void> {
    const bin = process.env.CLUSTER_E2E_REDIS_SERVER || 'redis-server';
    this.starts += 1;
    this.proc = spawnLogged(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      logName: `redis-${this.port}-${this.starts}`,
    });
    const proc = this.proc;
    await until(
      `redis-server on port ${this.port}`,
      async () => {
        if (!proc.running) throw new Error(`redis-server exited: ${proc.tail()}`);
        return pingRedis(this.port);
      },
      10_000,
    );
  }

  /** Kills it (SIGKILL by default: an outage, not a goodbye) and waits until it is gone. */
  async down(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.proc) return;
    await this.proc.stop(signal, 5000);
    this.proc = undefined;
  }
}
