import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import type { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { OriginPolicy } from '../common/origin-policy';
import { AppConfig } from '../config/app-config';
import { ParleyIoAdapter } from './io.adapter';
import { RedisBus } from './redis.bus';
import { SocketDrain } from './socket.drain';

describe('SocketDrain', () => {
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) });
  let http: HttpServer;
  let adapter: ParleyIoAdapter;
  let drain: SocketDrain;
  let server: Server;
  let client: Socket;
  let release: () => void = () => undefined;
  /** Resolves when the server's handler has taken the next 'slow' event (its ack is then counted). */
  let taken: Promise<void>;
  let markTaken: () => void = () => undefined;

  beforeEach(async () => {
    http = createServer();
    drain = new SocketDrain();
    // The adapter takes the HTTP server in place of the Nest application, as Nest's own adapters allow;
    // it is what hands each socket.io server to the drain.
    adapter = new ParleyIoAdapter(http as unknown as INestApplicationContext, new OriginPolicy(config), new RedisBus(config), drain);
    server = adapter.createIOServer(0);
    taken = new Promise<void>((r) => (markTaken = r));
    server.on('connection', (socket) => {
      // A handler that answers only when the test lets it: an ack in flight.
      socket.on('slow', (_payload: unknown, ack?: (r: object) => void) => {
        markTaken();
        void new Promise<void>((r) => (release = r)).then(() => ack?.({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
  });

  afterEach(async () => {
    client.close();
    await adapter.close(server);
  });

  it('answers the acks it took, refuses new events with UNAVAILABLE, then closes the transport', async () => {
    const inFlight = client.timeout(10_000).emitWithAck('slow', {});
    await taken;
    expect(drain.acksInFlight).toBe(1);

    const closedAs = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const drained = drain.drain(Date.now() + 10_000);
    const refused = await client.timeout(10_000).emitWithAck('slow', {});
    expect(refused).toEqual({ ok: false, error: { code: ErrorCode.Unavailable, message: expect.any(String) } });

    release();
    await expect(inFlight).resolves.toEqual({ ok: true });
    await expect(drained).resolves.toEqual({ waitedFor: 1, unanswered: 0, closed: 1 });
    // "transport close", not "io server disconnect": socket.io clients reconnect by themselves after it.
    await expect(closedAs).resolves.toBe('transport close');
  });

  it('gives up on acks at the deadline and reports them as cut', async () => {
    void client.timeout(10_000).emitWithAck('slow', {}).catch(() => undefined);
    await taken;
    expect(drain.acksInFlight).toBe(1);
    await expect(drain.drain(Date.now() + 100)).resolves.toEqual({ waitedFor: 1, unanswered: 1, closed: 1 });
    release();
  });

  it('does not count an event sent without an ack: nobody waits for it', async () => {
    client.emit('slow', {});
    await taken;
    expect(drain.acksInFlight).toBe(0);
    release();
  });
});
