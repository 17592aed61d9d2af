import type { WebSocketAdapter, WsMessageHandler } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { WebSocketServer } from 'ws';
import type { ParleyIoAdapter } from './io.adapter';
import { isLegacyPath, type LegacyWsAdapter } from './legacy/legacy-ws.adapter';

/**
 * Nest takes one WebSocket adapter per application (nestjs/nest#11047, #5751). This one holds two
 * and sends each gateway to its own by the gateway's path: the raw legacy endpoint
 * (`@WebSocketGateway({ path: '/ws/support/' })`) to `@nestjs/platform-ws`, everything else to
 * socket.io. Servers and clients are told apart by their class, so every later call (connect,
 * handlers, disconnect, close) reaches the adapter that made them.
 */
export class GatewayAdapter implements WebSocketAdapter {
  constructor(
    private readonly io: ParleyIoAdapter,
    private readonly raw: LegacyWsAdapter,
  ) {}

  create(port: number, options?: Record<string, unknown> & { path?: string }): unknown {
    return options?.path && isLegacyPath(options.path) ? this.raw.create(port, options) : this.io.create(port, options as never);
  }

  bindClientConnect(server: unknown, callback: (...args: unknown[]) => void): void {
    this.of(server).bindClientConnect(server, callback);
  }

  bindClientDisconnect(client: unknown, callback: (...args: unknown[]) => void): void {
    this.ofClient(client).bindClientDisconnect?.(client, callback);
  }

  closeClient(client: unknown): void {
    if (isRawClient(client)) client.terminate();
    else (client as { disconnect(close: boolean): void }).disconnect(true);
  }

  bindMessageHandlers(client: unknown, handlers: WsMessageHandler[], transform: (data: unknown) => Observable<unknown>): void {
    this.ofClient(client).bindMessageHandlers(client, handlers as never, transform);
  }

  close(server: unknown): Promise<void> {
    return server instanceof WebSocketServer ? this.raw.close(server) : this.io.close(server as never);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.raw.dispose(), this.io.dispose()]);
  }

  private of(server: unknown): WebSocketAdapter {
    return server instanceof WebSocketServer ? (this.raw as WebSocketAdapter) : (this.io as WebSocketAdapter);
  }

  private ofClient(client: unknown): WebSocketAdapter {
    return isRawClient(client) ? (this.raw as WebSocketAdapter) : (this.io as WebSocketAdapter);
  }
}

function isRawClient(client: unknown): client is { terminate(): void } {
  // socket.io sockets have `nsp`; ws clients are the `ws` package's WebSocket.
  return typeof client === 'object' && client !== null && !('nsp' in client) && typeof (client as { terminate?: unknown }).terminate === 'function';
}
