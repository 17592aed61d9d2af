import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './ports';

/**
 * A loopback TCP proxy a test controls, standing between a client and a server (a node and
 * PostgreSQL, a socket client and the API): `cut()` makes the target unreachable (listener closed,
 * every connection reset), `restore()` brings it back on the same port, `delayMs` makes it slow,
 * `mute()` drops what the target answers (a reply lost on its way), and `sent(text)` resolves once
 * a text went towards the target.
 */
export class TcpProxy {
  /** Added to every chunk sent towards the target. */
  delayMs = 0;
  private muted = false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Texts a test waits to see go towards the target (see `sent`). */
  private readonly watched = new Map<string, () => void>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** `target` as host and port, or as the URL of an HTTP server (then `url` is the proxy's). */
  static async start(target: { host: string; port: number } | string): Promise<TcpProxy> {
    const to = typeof target === 'string' ? { host: new URL(target).hostname, port: Number(new URL(target).port) } : target;
    const proxy = new TcpProxy(await freePort(), to);
    await proxy.restore();
    return proxy;
  }

  /** The proxy as an HTTP base URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** From now until `restore()`, nothing the target sends reaches the client. */
  mute(): void {
    this.muted = true;
  }

  /** Listens again (after `cut()`) and lets answers through again (after `mute()`). */
  async restore(): Promise<void> {
    this.muted = false;
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
    upstream.on('data', (chunk: Buffer) => {
      if (!this.muted) client.write(chunk);
    });
  }
}
