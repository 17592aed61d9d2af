import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type MessageMappingProperties,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { of } from 'rxjs';
import { Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { OriginPolicy } from '../common/origin-policy';
import { AppConfig } from '../config/app-config';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS, ParleyIoAdapter } from './io.adapter';
import { RedisBus } from './redis.bus';
import { SocketDrain } from './socket.drain';

/** One handler per way a Nest handler can answer. */
@WebSocketGateway()
class ProbeGateway implements OnGatewayConnection<ServerSocket> {
  readonly sockets: ServerSocket[] = [];
  manualAcks = 0;

  handleConnection(socket: ServerSocket): void {
    this.sockets.push(socket);
  }

  @SubscribeMessage('value')
  value(@MessageBody() body: { n: number }): { n: number } {
    return { n: body.n + 1 };
  }

  @SubscribeMessage('promise')
  async promise(@MessageBody() body: { n: number }): Promise<{ n: number }> {
    await Promise.resolve();
    return { n: body.n * 2 };
  }

  @SubscribeMessage('observable')
  observable(@MessageBody() body: { n: number }) {
    return of({ n: -body.n });
  }

  @SubscribeMessage('reply')
  reply(@MessageBody() body: { n: number }): { event: string; data: { n: number } } {
    return { event: 'replied', data: body };
  }

  @SubscribeMessage('manual')
  manual(@Ack() ack: (r: object) => void): { ignored: true } {
    this.manualAcks += 1;
    ack({ manual: true });
    // Must not be sent as a second ack: the handler answered by itself.
    return { ignored: true };
  }

  @SubscribeMessage('who')
  who(@ConnectedSocket() socket: ServerSocket): { id: string } {
    return { id: socket.id };
  }
}

const config = AppConfig.fromEnv({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) });

async function start(makeAdapter: (app: INestApplication) => IoAdapter) {
  const moduleRef = await Test.createTestingModule({ providers: [ProbeGateway] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const adapter = makeAdapter(app);
  app.useWebSocketAdapter(adapter);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, adapter, url, gateway: app.get(ProbeGateway) };
}

async function connect(url: string): Promise<Socket> {
  const client = io(url, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('connect_error', reject));
  return client;
}

const parley = (app: INestApplication) => new ParleyIoAdapter(app, new OriginPolicy(config), new RedisBus(config), new SocketDrain());

/**
 * ParleyIoAdapter replaces IoAdapter.bindMessageHandlers to keep no rxjs pipeline per socket (see
 * docs/benchmarks.md). That leans on how Nest calls it; these fail if Nest changes that contract.
 */
describe('ParleyIoAdapter.bindMessageHandlers: what it relies on in Nest', () => {
  it('overrides a method Nest still has, with the same three parameters, and reuses its mapPayload', () => {
    expect(typeof IoAdapter.prototype.bindMessageHandlers).toBe('function');
    expect(IoAdapter.prototype.bindMessageHandlers.length).toBe(3);
    expect(ParleyIoAdapter.prototype.bindMessageHandlers).not.toBe(IoAdapter.prototype.bindMessageHandlers);
    expect(typeof IoAdapter.prototype.mapPayload).toBe('function');
  });

  it('is called by Nest once per connection with (socket, handlers of {message, callback, isAckHandledManually}, transform)', async () => {
    const calls: Array<[unknown, MessageMappingProperties[], unknown]> = [];
    const { app, url, gateway } = await start((a) => {
      const adapter = parley(a);
      const bind = adapter.bindMessageHandlers.bind(adapter);
      adapter.bindMessageHandlers = (socket, handlers, transform) => {
        calls.push([socket, handlers, transform]);
        bind(socket, handlers, transform);
      };
      return adapter;
    });
    const client = await connect(url);
    try {
      expect(calls).toHaveLength(1);
      const [socket, handlers, transform] = calls[0] ?? [];
      expect(socket).toBeInstanceOf(ServerSocket);
      expect(socket).toBe(gateway.sockets[0]);
      expect(typeof transform).toBe('function');
      expect(handlers?.map((h) => h.message).sort()).toEqual(['manual', 'observable', 'promise', 'reply', 'value', 'who']);
      for (const handler of handlers ?? []) {
        expect(Object.keys(handler).sort()).toEqual(['callback', 'isAckHandledManually', 'message']);
        expect(typeof handler.callback).toBe('function');
        expect(handler.isAckHandledManually).toBe(handler.message === 'manual');
      }
    } finally {
      client.close();
      await app.close();
    }
  });
});

describe('ParleyIoAdapter.bindMessageHandlers: answers as Nest would', () => {
  /** Each event's answer, as a client sees it. */
  async function answers(url: string) {
    const client = await connect(url);
    try {
      const replied = new Promise<unknown>((resolve) => client.once('replied', resolve));
      const emitted = client.timeout(5000);
      return {
        value: await emitted.emitWithAck('value', { n: 1 }),
        promise: await emitted.emitWithAck('promise', { n: 3 }),
        observable: await emitted.emitWithAck('observable', { n: 4 }),
        manual: await emitted.emitWithAck('manual', {}),
        who: ((await emitted.emitWithAck('who', {})) as { id: string }).id === client.id,
        reply: (client.emit('reply', { n: 5 }), await replied),
      };
    } finally {
      client.close();
    }
  }

  it('gives every kind of handler the same answer as Nest’s own IoAdapter', async () => {
    const nest = await start((app) => new IoAdapter(app));
    const ours = await start(parley);
    try {
      const expected = {
        value: { n: 2 },
        promise: { n: 6 },
        observable: { n: -4 },
        manual: { manual: true },
        who: true,
        reply: { n: 5 },
      };
      await expect(answers(nest.url)).resolves.toEqual(expected);
      await expect(answers(ours.url)).resolves.toEqual(expected);
      // A handler that acks by itself ran once per event, not once more for its return value.
      expect(ours.gateway.manualAcks).toBe(1);
    } finally {
      await nest.app.close();
      await ours.app.close();
    }
  });

  it('shares one listener per event across sockets instead of a closure per socket', async () => {
    const { app, url, gateway } = await start(parley);
    const [a, b] = [await connect(url), await connect(url)];
    try {
      const [sa, sb] = gateway.sockets;
      expect(sa?.listeners('value')).toHaveLength(1);
      expect(sa?.listeners('value')[0]).toBe(sb?.listeners('value')[0]);
      expect(sa?.listeners('value')[0]).not.toBe(sa?.listeners('promise')[0]);
    } finally {
      a.close();
      b.close();
      await app.close();
    }
  });
});

describe('ParleyIoAdapter: how fast a dead connection is noticed', () => {
  it('tells clients in the handshake to expect a ping every 10 s and to give up 5 s after a missed one', async () => {
    const { app, url } = await start(parley);
    try {
      // Engine.IO's open packet: "0" then the handshake as JSON (what every client reads its timers from).
      const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(5000) });
      const open = await res.text();
      expect(open.startsWith('0')).toBe(true);
      expect(JSON.parse(open.slice(1))).toMatchObject({ pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS });
      expect([PING_INTERVAL_MS, PING_TIMEOUT_MS]).toEqual([10_000, 5_000]);
    } finally {
      await app.close();
    }
  });
});
