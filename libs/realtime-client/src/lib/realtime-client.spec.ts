import type { ConnectionState } from './realtime-client';
import { RealtimeClient } from './realtime-client';
import type { FeedSnapshot } from './thread-feed';
import { FakeServer } from './fake-server.spec-helper';

const T = '11111111-1111-4111-8111-111111111111';

/** Resolves when the predicate holds, checked on every feed change; rejects after the timeout. */
function until(client: RealtimeClient, threadId: string, predicate: (s: FeedSnapshot) => boolean, ms = 5000): Promise<FeedSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out; last: ${JSON.stringify(client.feed(threadId).snapshot().messages.map((m) => m.seq))}`));
    }, ms);
    const stop = client.watch(threadId, (s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve(s);
    });
  });
}

function untilState(client: RealtimeClient, state: ConnectionState, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state stayed ${client.state}`)), ms);
    const stop = client.onState((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

describe('RealtimeClient against a socket.io server', () => {
  let server: FakeServer;
  let client: RealtimeClient;
  let token = 'good';

  beforeEach(async () => {
    server = new FakeServer();
    await server.start();
    token = 'good';
    client = new RealtimeClient({ url: server.url, getToken: () => token, ackTimeoutMs: 500 });
  });
  afterEach(async () => {
    client.disconnect();
    await server.stop();
  });

  it('sends what was written before connecting, once and in order', async () => {
    client.send(T, 'one');
    client.send(T, 'two');
    client.send(T, 'three');
    expect(client.feed(T).snapshot().outgoing.map((o) => o.body)).toEqual(['one', 'two', 'three']);
    client.connect();
    const s = await until(client, T, (x) => x.messages.length === 3 && x.outgoing.length === 0);
    expect(s.messages.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(server.messages.map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });

  it('retries a message whose ack was lost with the same clientMsgId, so it is stored once', async () => {
    client.connect();
    await untilState(client, 'connected');
    server.dropAcks = 1;
    const out = client.send(T, 'hello');
    await until(client, T, (x) => x.messages.length === 1 && x.outgoing.length === 0);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0].clientMsgId).toBe(out.clientMsgId);
  });

  it('waits the retryAfterMs of a RATE_LIMITED answer and sends the same message again: stored once, in order, "slow down" meanwhile', async () => {
    client.connect();
    await untilState(client, 'connected');
    const signals: boolean[] = [];
    client.onSlowDown((s) => signals.push(s));
    server.rateLimitSends = 3;
    const first = client.send(T, 'one');
    const second = client.send(T, 'two');
    const s = await until(client, T, (x) => x.messages.length === 2 && x.outgoing.length === 0);
    expect(s.messages.map((m) => m.body)).toEqual(['one', 'two']);
    expect(server.messages.map((m) => m.clientMsgId)).toEqual([first.clientMsgId, second.clientMsgId]);
    // Refused three times, then accepted: the same id each time, never a new one.
    expect(server.sendAttempts).toEqual([first.clientMsgId, first.clientMsgId, first.clientMsgId, first.clientMsgId, second.clientMsgId]);
    expect(signals).toEqual([false, true, false]);
    expect(client.slowDown).toBe(false);
  });

  it('fills what it missed while disconnected from its last seq', async () => {
    client.connect();
    client.feed(T);
    server.store(T, 'first');
    await until(client, T, (x) => x.lastSeq === 1);
    server.disconnectAll();
    await untilState(client, 'reconnecting');
    server.store(T, 'missed 1', null, false);
    server.store(T, 'missed 2', null, false);
    const s = await until(client, T, (x) => x.lastSeq === 3);
    expect(s.messages.map((m) => m.body)).toEqual(['first', 'missed 1', 'missed 2']);
  });

  it('fetches the gap when a seq skips ahead', async () => {
    client.connect();
    client.feed(T);
    await untilState(client, 'connected');
    server.store(T, 'a', null, false);
    server.store(T, 'b');
    const s = await until(client, T, (x) => x.lastSeq === 2);
    expect(s.messages.map((m) => m.body)).toEqual(['a', 'b']);
  });

  it('marks a refused message failed with its code, and keeps later ones going', async () => {
    client.connect();
    await untilState(client, 'connected');
    client.send(T, 'forbidden');
    client.send(T, 'fine');
    const s = await until(client, T, (x) => x.messages.length === 1 && client.pending().every((o) => o.state === 'failed'));
    expect(s.outgoing.map((o) => [o.body, o.error?.code])).toEqual([['forbidden', 'FORBIDDEN']]);
    client.discard(s.outgoing[0].clientMsgId);
    expect(client.pending()).toHaveLength(0);
  });

  it('stops and reports when the server refuses the token', async () => {
    token = 'bad';
    const codes: string[] = [];
    client = new RealtimeClient({ url: server.url, getToken: () => token, onUnauthorized: (c) => codes.push(c) });
    client.connect();
    await untilState(client, 'unauthorized');
    expect(codes).toEqual(['UNAUTHENTICATED']);
  });

  it('keeps the outbox in the storage it is given', async () => {
    const saved: unknown[] = [];
    const storage = { load: () => [], save: (items: readonly unknown[]) => saved.push(items.length) };
    client = new RealtimeClient({ url: server.url, getToken: () => token, storage, ackTimeoutMs: 500 });
    client.send(T, 'kept');
    client.connect();
    await until(client, T, (x) => x.messages.length === 1 && client.pending().length === 0);
    expect(saved).toEqual([1, 0]);
  });
});
