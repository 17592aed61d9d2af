import { LEGACY_WS_PATH, type LegacyFrameOut } from '@parley/contracts';
import WebSocket from 'ws';
import { Cluster } from './support/cluster';
import { request } from './support/http';
import { LIVENESS_MS } from './support/processes';

/**
 * The old system's raw WebSocket endpoint across nodes: raw clients are not socket.io sockets, so
 * their rooms are each node's own, and the nodes tell each other over the Redis bus.
 */
interface Raw {
  ws: WebSocket;
  frames: LegacyFrameOut[];
  waitFor(what: string, match: (f: LegacyFrameOut) => boolean): Promise<LegacyFrameOut>;
}

const open: WebSocket[] = [];

function raw(baseUrl: string, threadId: string, token: string): Promise<Raw> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${LEGACY_WS_PATH}/${threadId}/?token=${encodeURIComponent(token)}`);
  open.push(ws);
  const frames: LegacyFrameOut[] = [];
  const listeners = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as LegacyFrameOut);
    for (const l of listeners) l();
  });
  const client: Raw = {
    ws,
    frames,
    waitFor: (what, match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (!found) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${what}: not within ${LIVENESS_MS} ms; frames ${JSON.stringify(frames).slice(0, 600)}`));
        }, LIVENESS_MS);
        listeners.add(check);
        check();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => client.waitFor('connection_established', (f) => f.type === 'connection_established').then(() => resolve(client), reject));
    ws.once('error', reject);
  });
}

const chats = (r: Raw) => r.frames.flatMap((f) => (f.type === 'chat' ? [[f.seq, f.id]] : []));

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 2 });
}, 120_000);

afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});

afterAll(async () => {
  await cluster?.stop();
});

describe('raw WebSocket clients on different nodes', () => {
  it('a raw visitor on node A and a raw agent on node B chat, type and see the close; each frame once, in seq order', async () => {
    const [a, b] = cluster.urls;
    const { visitor, agent, thread } = await cluster.conversation();
    const [atA, atB] = await Promise.all([raw(a, thread.id, visitor.token), raw(b, thread.id, agent.token)]);

    atA.ws.send(JSON.stringify({ message: 'from the old page on A', clientMsgId: 'x-a-1' }));
    const fromA = await atB.waitFor('the visitor message on B', (f) => f.type === 'chat' && f.message === 'from the old page on A');
    atB.ws.send(JSON.stringify({ message: 'from the agent on B' }));
    await atA.waitFor('the agent message on A', (f) => f.type === 'chat' && f.message === 'from the agent on B');
    // The sender hears its own message from its own node, as the old server did.
    await atA.waitFor('own message on A', (f) => f.type === 'chat' && f.id === (fromA as { id: string }).id);

    atA.ws.send(JSON.stringify({ type: 'typing', isTyping: true }));
    await atB.waitFor('visitor typing on B', (f) => f.type === 'typing' && f.author.type === 'visitor' && f.isTyping);

    // Closed over REST on node A by the agent: the raw agent on B and the raw visitor on A both hear it.
    const closed = await request(`${a}/api/v1/threads/${thread.id}/close`, { method: 'POST', token: agent.token });
    expect(closed.status).toBe(200);
    await Promise.all([atA, atB].map((r) => r.waitFor('the close', (f) => f.type === 'thread' && f.status === 'closed')));

    const stored = (await cluster.db.messages(thread.id)).map((m) => [m.seq, m.id]);
    const after = thread.lastSeq;
    await atA.waitFor('every stored message on A', () => chats(atA).length === stored.filter(([seq]) => Number(seq) > after).length);
    await atB.waitFor('every stored message on B', () => chats(atB).length === stored.filter(([seq]) => Number(seq) > after).length);
    const expected = stored.filter(([seq]) => Number(seq) > after);
    expect(chats(atA)).toEqual(expected);
    expect(chats(atB)).toEqual(expected);
  });
});
