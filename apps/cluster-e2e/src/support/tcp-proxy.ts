import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@parley/test-support';

/**
 * A loopback TCP proxy a test controls: `cut()` makes the target unreachable (listener closed, every
 * connection reset), `restore()` brings it back on the same port, and `delayMs` makes it slow. It
 * stands between one node and PostgreSQL, so a test can take the database away from that node
 * without touching the machine's server.
 */
export class TcpProxy {
  /** Added to every chunk sent towards the target. */
  delayMs = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Texts a test waits to see go towards the target (see `sent`). */
  private readonly watched = new Map<string, () => void>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Resolves once the text has been seen in what goes towards the target: for a database, the
   * statement carrying that message body has left the node.
   */
  sent(text: string): Promise<void> {
    return new Promise<void>((resolve) => this.watched.set(text, resolve));
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    // Each chunk leaves delayMs after it came, never before the one ahead of it: order is kept.
    let next = 0;
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      if (this.watched.size > 0) {
        // The tail of the previous chunk too, in case a text straddles two chunks.
        const text = tail + chunk.toString('latin1');
        for (const [t, resolve] of this.watched) {
          if (!text.includes(t)) continue;
          this.watched.delete(t);
          resolve();
        }
        tail = text.slice(-256);
      }
      if (this.delayMs === 0 && next <= Date.now()) return void upstream.write(chunk);
      next = Math.max(Date.now() + this.delayMs, next);
      setTimeout(() => upstream.writable && upstream.write(chunk), next - Date.now());
    });
    upstream.on('data', (chunk) => client.write(chunk));
  }
}
