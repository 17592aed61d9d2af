import type { Server } from 'node:http';
import { Injectable, type INestApplication, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { SocketDrain } from '../gateway/socket.drain';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past the drain bound, closing the app (pools, Redis) gets this long before the process gives up. */
const CLOSE_GRACE_MS = 5000;

/**
 * SIGTERM (and SIGINT): stop taking connections, finish what was taken, then close and exit 0.
 *
 * 1. Readiness turns 503 and the listener closes: new connections are refused, so a load balancer
 *    sends them to another node.
 * 2. Socket events already received get their acks; new ones are answered UNAVAILABLE.
 * 3. Socket connections are closed at the transport level; clients reconnect elsewhere and resync.
 * 4. HTTP requests in flight finish (idle keep-alive connections are closed as they go idle).
 * Steps 2 to 4 share one bound, SHUTDOWN_TIMEOUT_MS; whatever is left then is cut.
 */
@Injectable()
export class GracefulShutdown {
  private readonly log = new Logger('Shutdown');
  private draining = false;
  private requestsInFlight = 0;

  constructor(
    private readonly httpHost: HttpAdapterHost,
    private readonly sockets: SocketDrain,
    private readonly config: AppConfig,
  ) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** Installs the signal handlers; `main.ts` calls it once the server listens. */
  handleSignals(app: INestApplication): void {
    const server = this.httpServer();
    server.on('request', (_req, res) => {
      this.requestsInFlight += 1;
      res.once('close', () => (this.requestsInFlight -= 1));
    });
    let first: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      // Ctrl-C twice means "now". A different signal during the drain is a supervisor (or the
      // cluster script, after the terminal's SIGINT reached the whole process group) asking again.
      if (first) {
        if (signal !== first) return this.log.log(`${signal} while draining after ${first}: carrying on`);
        this.log.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      first = signal;
      void this.shutdown(app, signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  async shutdown(app: INestApplication, signal: string): Promise<void> {
    const started = Date.now();
    const deadline = started + this.config.shutdownTimeoutMs;
    // Nothing below may hang the process past its bound: a stuck close ends in exit 1.
    setTimeout(() => {
      this.log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, this.config.shutdownTimeoutMs + CLOSE_GRACE_MS).unref();
    try {
      const summary = await this.drain(deadline);
      this.log.log(`${signal}: drained in ${Date.now() - started} ms: ${summary}; closing`);
      await app.close();
      this.log.log('closed; exiting');
    } catch (err) {
      this.log.error(`shutdown failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 1;
    }
    process.exit();
  }

  /** Steps 1–4; resolves with what it did, for the log. */
  async drain(deadline: number): Promise<string> {
    this.draining = true;
    const requestsAtStart = this.requestsInFlight;
    const server = this.httpServer();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const sockets = await this.sockets.drain(deadline);
    // A keep-alive connection can only be closed between requests: keep closing the ones gone idle.
    let allClosed = false;
    void closed.then(() => (allClosed = true));
    while (!allClosed && Date.now() < deadline) {
      server.closeIdleConnections();
      await sleep(50);
    }
    const cut = this.requestsInFlight;
    if (!allClosed) server.closeAllConnections();
    return (
      `waited for ${sockets.waitedFor} acks and ${requestsAtStart} requests, closed ${sockets.closed} sockets, ` +
      `cut ${sockets.unanswered} acks and ${allClosed ? 0 : cut} requests`
    );
  }

  private httpServer(): Server {
    return this.httpHost.httpAdapter.getHttpServer() as Server;
  }
}
