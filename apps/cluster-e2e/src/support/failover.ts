import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What a load balancer in front of the nodes does for one client: each connection goes to the
 * node in use, and when that node refuses one (killed, stopped listening while it drains) to the
 * next in the list, which is then the node in use. The client, with its own reconnection, sees one
 * address whose node can change; `current` says which node that is.
 */
export class Failover {
  private index = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly nodes: URL[],
  ) {}

  static async start(urls: string[]): Promise<Failover> {
    const server = createServer();
    const failover = new Failover(
      server,
      urls.map((u) => new URL(u)),
    );
    server.on('connection', (client) => failover.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return failover;
  }

  /** Where the client connects. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The node connections go to now (the last one that took a connection). */
  get current(): string {
    return this.nodes[this.index].origin;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private keep(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.keep(client);
    client.pause();
    const attempt = (left: number): void => {
      const at = this.index;
      const node = this.nodes[at];
      const upstream = connect({ host: node.hostname, port: Number(node.port) });
      this.keep(upstream);
      let piped = false;
      upstream.once('connect', () => {
        piped = true;
        // Both ways, ends included: what a node wrote before closing still reaches the client.
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (piped || client.destroyed) return void client.destroy();
        if (left <= 1) return void client.destroy();
        // Refused: that node is gone for now; the next one takes this connection and the later ones.
        if (this.index === at) this.index = (at + 1) % this.nodes.length;
        attempt(left - 1);
      });
      client.once('close', () => upstream.destroy());
    };
    attempt(this.nodes.length);
  }
}
