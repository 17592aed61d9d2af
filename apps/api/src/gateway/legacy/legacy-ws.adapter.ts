import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { LEGACY_SUBPROTOCOL, LEGACY_WS_PATH, LIMITS } from '@parley/contracts';
import type { WebSocket, WebSocketServer } from 'ws';
import type { OriginPolicy } from '../../common/origin-policy';

/** How long the raw clients get to take a 1001 close before their connections are cut. */
const CLOSE_MS = 1000;

/** `/ws/support/<anything>` with or without the old pages' trailing slash. */
export function isLegacyPath(pathname: string): boolean {
  return pathname.startsWith(`${LEGACY_WS_PATH}/`);
}

/**
 * `@nestjs/platform-ws` as Parley serves it on the HTTP port it shares with socket.io. Nest's own
 * WsAdapter answers an upgrade only for a gateway's exact path and destroys every other upgrade on
 * the port (socket.io's among them); here an upgrade is taken only under `/ws/support/` (the thread
 * id is part of the path) and anything else is left to its owner. Origins are checked like
 * socket.io's, frames are capped at the socket frame limit (close 1009) and the server picks the
 * `parley.v1` subprotocol when offered, so a browser that also offers `bearer.<token>` connects.
 */
export class LegacyWsAdapter extends WsAdapter {
  private readonly log = new Logger('LegacyWs');
  private readonly listeners = new Map<HttpServer, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  private readonly legacyServers: WebSocketServer[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly origins: OriginPolicy,
  ) {
    super(app);
  }

  override create(port: number, options?: Record<string, unknown> & { path?: string }): WebSocketServer {
    const server = super.create(port, {
      ...options,
      maxPayload: LIMITS.socketFrameMaxBytes,
      // Compression costs memory per connection and CPU per frame for a few hundred bytes of chat.
      perMessageDeflate: false,
      handleProtocols: (offered: Set<string>) => (offered.has(LEGACY_SUBPROTOCOL) ? LEGACY_SUBPROTOCOL : false),
    }) as WebSocketServer;
    this.legacyServers.push(server);
    return server;
  }

  protected override ensureHttpServerExists(port: number, httpServer?: HttpServer): HttpServer | undefined {
    if (this.httpServersRegistry.has(port) || !httpServer) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(port, req, socket, head);
    httpServer.on('upgrade', listener);
    this.listeners.set(httpServer, listener);
    return httpServer;
  }

  private upgrade(port: number, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = (req.url ?? '/').split('?')[0];
    if (!isLegacyPath(pathname)) return; // socket.io's, or nobody's: socket.io answers those
    const server = (this.wsServersRegistry.get(port) ?? [])[0] as WebSocketServer | undefined;
    const origin = req.headers.origin;
    if (!server || (origin && !this.origins.isAllowed(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    server.handleUpgrade(req, socket, head, (ws: WebSocket) => server.emit('connection', ws, req));
  }

  /** Every raw client gets a 1001 close first (shutdown), then whatever is left is cut. */
  override async close(server: WebSocketServer): Promise<void> {
    for (const ws of server.clients) ws.close(1001, 'Server shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const cut = setTimeout(() => {
      for (const ws of server.clients) ws.terminate();
    }, CLOSE_MS);
    await closed;
    clearTimeout(cut);
  }

  override async dispose(): Promise<void> {
    for (const [httpServer, listener] of this.listeners) httpServer.off('upgrade', listener);
    this.listeners.clear();
    this.log.debug(`disposed ${this.legacyServers.length} raw server(s)`);
    this.legacyServers.length = 0;
    await super.dispose();
  }
}
