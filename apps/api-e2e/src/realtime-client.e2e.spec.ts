import { ClientEvent, ErrorCode, type Message, type MessagePage } from '@parley/contracts';
import {
  type ConnectionState,
  type FeedSnapshot,
  RealtimeClient,
  type RealtimeClientOptions,
  RealtimeError,
  type RealtimeTrace,
} from '@parley/realtime-client';
import { io } from 'socket.io-client';
import { activeConversation, listMessages, newVisitor, unique } from './support/actors';
import { TcpProxy } from '@parley/test-support';
import { EVENT_MS } from './support/sockets';
import { e2e } from './support/state';

// The shipped client of the console and the widget against the real server: what its unit specs
// check against a stand-in, here over the real socket endpoint, database and REST API.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Observed {
  rt: RealtimeClient;
  traces: RealtimeTrace[];
  refused: string[];
}

/** The library as a page of the allowed origin opens it, with everything it traces recorded. */
function client(token: string, url = e2e().baseUrl, options: Partial<RealtimeClientOptions> = {}): Observed {
  const traces: RealtimeTrace[] = [];
  const refused: string[] = [];
  const rt = new RealtimeClient({
    url,
    getToken: () => token,
    onUnauthorized: (code) => refused.push(code),
    // A browser sends its page's Origin; a Node socket sends one only when told.
    connect: (u, opts) => io(u, { ...opts, extraHeaders: { Origin: e2e().allowedOrigin } }),
    ...options,
  });
  rt.onTrace((t) => traces.push(t));
  cleanups.push(() => rt.disconnect());
  return { rt, traces, refused };
}

/** Polls `probe` until it returns something other than undefined/false; fails after `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = EVENT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function reaches(rt: RealtimeClient, state: ConnectionState): Promise<true> {
  return until(`state ${state} (now ${rt.state})`, () => rt.state === state);
}

/** Resolves with the feed's snapshot once `done` holds for it. */
function feedUntil(rt: RealtimeClient, threadId: string, done: (s: FeedSnapshot) => boolean): Promise<FeedSnapshot> {
  return until(`the feed of ${threadId}`, () => {
    const s = rt.feed(threadId).snapshot();
    return done(s) && s;
  });
}

async function connected(...clients: Observed[]): Promise<void> {
  for (const c of clients) c.rt.connect();
  await Promise.all(clients.map((c) => reaches(c.rt, 'connected')));
}

const copies = (traces: readonly RealtimeTrace[], source: 'live' | 'ack' | 'sync'): Message[] =>
  traces.flatMap((t) => (t.type === 'messages' && t.source === source ? t.messages : []));

const sends = (traces: readonly RealtimeTrace[]): string[] =>
  traces.flatMap((t) => (t.type === 'request' && t.event === ClientEvent.MessageSend ? [t.error?.code ?? 'ok'] : []));

describe('the realtime client against the server', () => {
  it('connects, sends and receives: the ack comes after the commit with the stored seq, and the other side hears it live', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const v = client(visitor.token);
    const a = client(agent.token);
    await connected(v, a);
    await Promise.all([v.rt.sync(thread.id), a.rt.sync(thread.id)]);
    // The database at the moment the ack arrives, read at once over REST.
    const atAck = new Promise<{ message: Message; page: Promise<MessagePage> }>((resolve) =>
      v.rt.onTrace((t) => {
        if (t.type === 'messages' && t.source === 'ack') resolve({ message: t.messages[0], page: listMessages(agent.token, thread.id, t.messages[0].seq - 1) });
      }),
    );

    const out = v.rt.send(thread.id, 'Hello from the widget');
    const { message, page } = await atAck;
    expect(message).toMatchObject({ threadId: thread.id, seq: 2, clientMsgId: out.clientMsgId, authorType: 'visitor', body: 'Hello from the widget' });
    expect((await page).items).toEqual([message]);
    const agentView = await feedUntil(a.rt, thread.id, (s) => s.lastSeq === 2);
    expect(copies(a.traces, 'live')).toEqual([message]);

    a.rt.send(thread.id, 'Hello from the console');
    const visitorView = await feedUntil(v.rt, thread.id, (s) => s.lastSeq === 3 && s.outgoing.length === 0);
    const history = await listMessages(visitor.token, thread.id);
    expect(history.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(visitorView.messages).toEqual(history.items);
    expect(agentView.messages).toEqual(history.items.slice(0, 2));
    // The room hears every message, its author's own included (another tab of the same visitor).
    expect(copies(v.traces, 'live').map((m) => m.body)).toEqual(['Hello from the widget', 'Hello from the console']);
    expect([v.rt.pending(), a.rt.pending()]).toEqual([[], []]);
  });

  it('a send whose ack was lost goes again with the same clientMsgId after reconnecting: one stored message, with its first seq', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const link = await TcpProxy.start(e2e().baseUrl);
    cleanups.push(() => link.cut());
    // No TIMEOUT within the test's bounds, so the only failure is the lost connection's.
    const v = client(visitor.token, link.url, { ackTimeoutMs: 60_000 });
    await connected(v);
    await v.rt.sync(thread.id);

    link.mute(); // the server's answers are lost on the way from now on
    const out = v.rt.send(thread.id, 'my ack gets lost');
    const stored = await until('the message to be stored', async () =>
      (await listMessages(agent.token, thread.id)).items.find((m) => m.clientMsgId === out.clientMsgId),
    );
    await link.cut();
    await reaches(v.rt, 'reconnecting');
    expect(v.rt.pending().map((o) => [o.clientMsgId, o.state])).toEqual([[out.clientMsgId, 'pending']]);

    await link.restore();
    await until('the outbox to empty', () => v.rt.state === 'connected' && v.rt.pending().length === 0);
    expect(sends(v.traces)).toEqual(['DISCONNECTED', 'ok']);
    expect(copies(v.traces, 'ack')).toEqual([stored]);
    const history = await listMessages(agent.token, thread.id);
    expect(history.items.filter((m) => m.clientMsgId === out.clientMsgId)).toEqual([stored]);
    expect(v.rt.feed(thread.id).snapshot().messages).toEqual(history.items);
    // Asked once more by hand, even with another body: the stored message, marked a duplicate.
    await expect(v.rt.request(ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: out.clientMsgId, body: 'changed' })).resolves.toEqual({
      message: stored,
      duplicate: true,
    });
    expect((await listMessages(agent.token, thread.id)).items).toEqual(history.items);
  });

  it('after a forced disconnect the resync fetches exactly what was missed, each message once and in order', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const link = await TcpProxy.start(e2e().baseUrl);
    cleanups.push(() => link.cut());
    const v = client(visitor.token, link.url);
    const a = client(agent.token);
    await connected(v, a);
    await Promise.all([v.rt.sync(thread.id), a.rt.sync(thread.id)]);
    a.rt.send(thread.id, 'before the cut');
    await feedUntil(v.rt, thread.id, (s) => s.lastSeq === 2);

    await link.cut();
    await reaches(v.rt, 'reconnecting');
    const since = v.traces.length;
    for (const body of ['missed 1', 'missed 2', 'missed 3']) a.rt.send(thread.id, body);
    await feedUntil(a.rt, thread.id, (s) => s.lastSeq === 5 && s.outgoing.length === 0);
    expect(v.rt.feed(thread.id).lastSeq).toBe(2);

    await link.restore();
    const view = await feedUntil(v.rt, thread.id, (s) => s.lastSeq === 5);
    const history = await listMessages(visitor.token, thread.id);
    expect(history.items.map((m) => m.body)).toEqual([expect.any(String), 'before the cut', 'missed 1', 'missed 2', 'missed 3']);
    expect(view.messages).toEqual(history.items);
    const after = v.traces.slice(since);
    expect(copies(after, 'sync')).toEqual(history.items.slice(2));
    expect(copies(after, 'live')).toEqual([]);
  });

  it("refuses a thread the caller may not see with the library's RealtimeError and the contract's code; the outbox marks the message failed", async () => {
    const { agent, thread } = await activeConversation();
    const stranger = client((await newVisitor()).token);
    await connected(stranger);
    const before = await listMessages(agent.token, thread.id);

    const refused: unknown = await stranger.rt.request(ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: unique('x'), body: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect(refused).toMatchObject({ code: ErrorCode.ThreadNotFound, permanent: true });
    await expect(stranger.rt.sync(thread.id)).rejects.toMatchObject({ code: ErrorCode.ThreadNotFound });

    const out = stranger.rt.send(thread.id, 'let me in');
    await until('the message to fail', () => stranger.rt.pending().some((o) => o.state === 'failed'));
    expect(stranger.rt.pending()).toEqual([{ ...out, state: 'failed', error: { code: ErrorCode.ThreadNotFound, message: expect.any(String) } }]);
    expect(stranger.rt.feed(thread.id).snapshot().messages).toEqual([]);
    expect(await listMessages(agent.token, thread.id)).toEqual(before);
  });

  it('stops and reports when the server refuses the token', async () => {
    const c = client('not-a-token');
    c.rt.connect();
    await reaches(c.rt, 'unauthorized');
    expect(c.refused).toEqual([ErrorCode.Unauthenticated]);
  });
});
