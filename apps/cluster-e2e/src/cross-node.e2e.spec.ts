import { ClientEvent } from '@parley/contracts';
import { Cluster } from './support/cluster';
import { request } from './support/http';
import { TestClient } from './support/test-client';

let cluster: Cluster;
const clients: TestClient[] = [];

async function client(name: string, token: string, url: string): Promise<TestClient> {
  const c = await TestClient.create({ name, token, urls: [url] });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 2 });
}, 120_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await cluster?.stop();
});

describe('a visitor on node A and an agent on node B', () => {
  it('hear each other: queue, claim, messages and typing, both directions, live', async () => {
    const [a, b] = cluster.urls;
    const agent = await cluster.actors(1).agent(cluster.adminToken);
    const visitor = await cluster.actors(0).visitor();
    const atB = await client('agent@B', agent.token, b);
    const atA = await client('visitor@A', visitor.token, a);
    await Promise.all([atB.connect(), atA.connect()]);

    // Queue: a thread started on A reaches the agents' room on B.
    const threadId = (await atA.request(ClientEvent.ThreadStart, {})).thread.id;
    await atB.waitFor('thread.created from A', (c) => c.received.threadCreated.some((t) => t.id === threadId));

    // Claim on B: the visitor on A sees the thread turn active with this agent.
    const claimed = await atB.request(ClientEvent.ThreadClaim, { threadId });
    expect(claimed.thread).toMatchObject({ id: threadId, status: 'active' });
    await atA.waitFor('thread.updated from B', (c) =>
      c.received.threadUpdated.some((t) => t.id === threadId && t.status === 'active' && t.assignedAgent?.id === agent.agent.id),
    );
    await Promise.all([atA.track(threadId), atB.track(threadId)]);

    // Messages, each way, arrive as live broadcasts (received.created), not through a sync.
    const fromA = await atA.send(threadId, 'Hello from node A');
    await atB.waitFor('the visitor message, live', (c) => c.received.created.some((m) => m.id === fromA.id));
    const fromB = await atB.send(threadId, 'Hello from node B');
    await atA.waitFor('the agent message, live', (c) => c.received.created.some((m) => m.id === fromB.id));

    // Typing is never stored: only the broadcast can carry it.
    expect(await atA.request(ClientEvent.Typing, { threadId, isTyping: true })).toEqual({});
    await atB.waitFor('visitor typing', (c) => c.received.typing.some((e) => e.threadId === threadId && e.authorType === 'visitor' && e.isTyping));
    expect(await atB.request(ClientEvent.Typing, { threadId, isTyping: true })).toEqual({});
    await atA.waitFor('agent typing', (c) => c.received.typing.some((e) => e.threadId === threadId && e.authorType === 'agent' && e.isTyping));

    const stored = (await cluster.db.messages(threadId)).map((m) => [m.seq, m.id]);
    expect(atA.messages(threadId).map((m) => [m.seq, m.id])).toEqual(stored);
    expect(atB.messages(threadId).map((m) => [m.seq, m.id])).toEqual(stored);
  });

  it('an agent on node A sees the queue change when a visitor on node B starts a thread', async () => {
    const [a, b] = cluster.urls;
    const agent = await cluster.actors(0).agent(cluster.adminToken);
    const visitor = await cluster.actors(1).visitor();
    const atA = await client('agent@A', agent.token, a);
    await atA.connect();
    const thread = await cluster.actors(1).startThread(visitor.token);
    await atA.waitFor('thread.created over REST on B', (c) => c.received.threadCreated.some((t) => t.id === thread.id));
    const atB = await client('visitor@B', visitor.token, b);
    await atB.connect();
    await cluster.actors(0).claim(agent.token, thread.id);
    await atA.waitFor('thread.updated for its own claim', (c) => c.received.threadUpdated.some((t) => t.id === thread.id && t.status === 'active'));
  });
});

describe('thread-start race', () => {
  it('twenty concurrent starts for one visitor, over sockets and REST on both nodes, give one open thread', async () => {
    const visitor = await cluster.actors(0).visitor();
    const sockets = await Promise.all(
      cluster.urls.flatMap((url, i) => Array.from({ length: 5 }, (_, k) => client(`visitor-tab-${i}-${k}`, visitor.token, url))),
    );
    await Promise.all(sockets.map((s) => s.connect()));
    const overSockets = sockets.map(async (s) => (await s.request(ClientEvent.ThreadStart, {})).thread.id);
    const overRest = cluster.urls.flatMap((_, i) => Array.from({ length: 5 }, async () => (await cluster.actors(i).startThread(visitor.token)).id));
    const ids = await Promise.all([...overSockets, ...overRest]);

    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(1);
    const open = await cluster.db.query<{ id: string }>(`SELECT id FROM threads WHERE visitor_id = $1 AND status <> 'closed'`, [visitor.visitor.id]);
    expect(open.map((r) => r.id)).toEqual([ids[0]]);
    // Both nodes keep answering after the race.
    for (const url of cluster.urls) expect((await request(`${url}/api/health/ready`)).status).toBe(200);
  });
});
