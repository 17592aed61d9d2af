import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The network between one client and the server, as a loopback TCP proxy a test controls:
 * `mute()` drops what the server sends (an answer lost on its way), `cut()` resets every connection
 * and refuses new ones (the network is gone), `restore()` brings it back on the same port.
 */
export class Link {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private muted = false;

  private constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  static async start(targetUrl: string): Promise<Link> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const link = new Link(port, new URL(targetUrl));
    await link.restore();
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  mute(): void {
    this.muted = true;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

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

  private pipe(client: Socket): void {
    const upstream = connect({ host: this.target.hostname, port: Number(this.target.port) });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (!this.muted) client.write(chunk);
    });
  }
}
