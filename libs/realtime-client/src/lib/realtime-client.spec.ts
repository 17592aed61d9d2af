import { ClientEvent, type Message, Rooms, ServerEvent } from '@parley/contracts';
import type { ConnectionState, RealtimeTrace } from './realtime-client';
import { RealtimeClient } from './realtime-client';
import { RealtimeError } from './realtime-error';
import type { FeedSnapshot } from './thread-feed';
import { FAKE_AGENT, FAKE_VISITOR, FakeServer } from './fake-server.spec-helper';

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

/**
 * Resolves when the condition holds. It is checked again after every I/O turn of the event loop
 * (setImmediate), so it waits on the condition, never on a fixed time; the bound is liveness only.
 */
async function waitFor(condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise<void>((r) => setImmediate(r));
  }
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

  it('sends a message of files alone with their ids and no body, and shows them while it is on its way', async () => {
    const file = { id: '11111111-1111-4111-8111-111111111111', name: 'shot.png', size: 10, contentType: 'image/png', width: 2, height: 2 };
    const out = client.send(T, '', [file]);
    expect(client.feed(T).snapshot().outgoing[0]?.attachments).toEqual([file]);
    client.connect();
    await until(client, T, (x) => x.messages.length === 1 && x.outgoing.length === 0);
    expect(server.sentAttachments.get(out.clientMsgId)).toEqual([file.id]);
    const both = client.send(T, 'see this', [file]);
    await until(client, T, (x) => x.messages.length === 2 && x.outgoing.length === 0);
    expect(server.sentAttachments.get(both.clientMsgId)).toEqual([file.id]);
    expect(server.messages.map((m) => m.body)).toEqual(['', 'see this']);
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

  it('gives a gap its grace: one the late broadcast fills costs no sync, one that stays open is fetched', async () => {
    // A grace far longer than two back-to-back events take to arrive, so the first gap surely closes in it.
    client = new RealtimeClient({ url: server.url, getToken: () => token, ackTimeoutMs: 500, gapGraceMs: 1000 });
    const traces: RealtimeTrace[] = [];
    client.onTrace((t) => traces.push(t));
    client.connect();
    await untilState(client, 'connected');
    await client.sync(T);
    const late = server.store(T, 'a', null, false);
    server.store(T, 'b');
    server.io.to(Rooms.thread(T)).emit(ServerEvent.MessageCreated, late); // seq 1 after seq 2
    await until(client, T, (x) => x.lastSeq === 2);
    server.store(T, 'c', null, false);
    server.store(T, 'd');
    // Its grace ends after the first one's, which by then has found nothing to fetch.
    await until(client, T, (x) => x.lastSeq === 4);
    expect(traces.filter((t) => t.type === 'gap')).toEqual([{ type: 'gap', threadId: T, afterSeq: 2 }]);
    const synced = traces.flatMap((t) => (t.type === 'messages' && t.source === 'sync' ? t.messages.map((m) => m.body) : []));
    expect(synced).toEqual(['c', 'd']);
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

  it('treats a deactivated account as a refused token: stops, and reports the code once', async () => {
    token = 'deactivated';
    server.refusals.set('deactivated', 'ACCOUNT_DEACTIVATED');
    const codes: string[] = [];
    client = new RealtimeClient({ url: server.url, getToken: () => token, onUnauthorized: (c) => codes.push(c) });
    client.connect();
    await untilState(client, 'unauthorized');
    expect(codes).toEqual(['ACCOUNT_DEACTIVATED']);
    expect(client.state).toBe('unauthorized');
  });

  it('keys a resend by (thread, author, clientMsgId) as the server does: the other party may use the same id', async () => {
    const agent = new RealtimeClient({ url: server.url, getToken: () => 'agent', ackTimeoutMs: 500 });
    try {
      client.connect();
      agent.connect();
      await Promise.all([untilState(client, 'connected'), untilState(agent, 'connected')]);
      const payload = { threadId: T, clientMsgId: 'shared-id', body: 'hi' };
      const fromVisitor = await client.request(ClientEvent.MessageSend, payload);
      const fromAgent = await agent.request(ClientEvent.MessageSend, { ...payload, body: 'hello' });
      const resent = await client.request(ClientEvent.MessageSend, { ...payload, body: 'changed' });
      expect([fromVisitor.duplicate, fromAgent.duplicate, resent.duplicate]).toEqual([false, false, true]);
      expect(resent.message).toEqual(fromVisitor.message);
      expect(server.messages.map((m) => [m.seq, m.authorId, m.body])).toEqual([
        [1, FAKE_VISITOR.authorId, 'hi'],
        [2, FAKE_AGENT.authorId, 'hello'],
      ]);
    } finally {
      agent.disconnect();
    }
  });

  it('traces every copy of every message (live, ack, sync), each request outcome and each gap', async () => {
    const traces: RealtimeTrace[] = [];
    client.onTrace((t) => traces.push(t));
    client.connect();
    client.feed(T);
    await untilState(client, 'connected');
    const out = client.send(T, 'mine');
    await until(client, T, (x) => x.messages.length === 1 && x.outgoing.length === 0);
    await client.sync(T); // no sync under way below: only the gap's fetches the unannounced one
    server.store(T, 'unannounced', null, false);
    server.store(T, 'announced');
    await until(client, T, (x) => x.lastSeq === 3);
    const copies = (source: string) =>
      traces.flatMap((t) => (t.type === 'messages' && t.source === source ? t.messages.map((m) => m.body) : []));
    expect(copies('ack')).toEqual(['mine']);
    expect(copies('live')).toEqual(expect.arrayContaining(['announced']));
    // The gap's sync from seq 1 fetches both stored after it.
    expect(copies('sync')).toEqual(expect.arrayContaining(['unannounced', 'announced']));
    expect(traces.filter((t) => t.type === 'gap')).toEqual([{ type: 'gap', threadId: T, afterSeq: 1 }]);
    const sends = traces.filter((t) => t.type === 'request' && t.event === ClientEvent.MessageSend);
    expect(sends).toEqual([{ type: 'request', event: ClientEvent.MessageSend }]);
    expect(server.messages[0].clientMsgId).toBe(out.clientMsgId);
  });

  it('tells a lost connection (DISCONNECTED) from a server that did not answer in time (TIMEOUT)', async () => {
    const errors: Array<string | undefined> = [];
    client.onTrace((t) => t.type === 'request' && errors.push(t.error?.code));
    client.connect();
    await untilState(client, 'connected');
    server.dropAcks = 1;
    await expect(client.request(ClientEvent.MessageSend, { threadId: T, clientMsgId: 'silent', body: 'x' })).rejects.toMatchObject({ code: 'TIMEOUT' });
    server.dropAcks = 1;
    const cut = client.request(ClientEvent.MessageSend, { threadId: T, clientMsgId: 'cut', body: 'y' });
    await waitFor(() => server.messages.some((m) => m.clientMsgId === 'cut'));
    server.disconnectAll();
    const error = await cut.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'DISCONNECTED', permanent: false });
    expect(errors).toEqual(['TIMEOUT', 'DISCONNECTED']);
  });

  it('keeps server-event listeners across reconnect(), each bound once, until they are removed', async () => {
    const heard: Message[] = [];
    const off = client.on(ServerEvent.MessageCreated, (m) => void heard.push(m));
    client.connect();
    client.feed(T);
    await untilState(client, 'connected');
    client.reconnect();
    await untilState(client, 'connected');
    await client.sync(T);
    const first = server.store(T, 'one');
    const second = server.store(T, 'two');
    await waitFor(() => heard.some((m) => m.id === second.id));
    expect(heard.map((m) => m.id)).toEqual([first.id, second.id]);
    off();
    server.store(T, 'three');
    await until(client, T, (x) => x.lastSeq === 3);
    expect(heard).toHaveLength(2);
  });

  it('sync() fetches now what nothing announced, and rejects when it cannot', async () => {
    await expect(client.sync(T)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    client.connect();
    await untilState(client, 'connected');
    await client.sync(T);
    server.store(T, 'quiet', null, false);
    expect(client.feed(T).lastSeq).toBe(0);
    await client.sync(T);
    expect(client.feed(T).snapshot().messages.map((m) => m.body)).toEqual(['quiet']);
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
