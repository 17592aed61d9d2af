import { sleep, until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { LIVENESS_MS } from './support/processes';
import { closeAll, type Conversation, expectNothingLost, openConversations, sendersOf, steadyTraffic, total } from './support/traffic';

let cluster: Cluster;
let conversations: Conversation[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 2 });
}, 120_000);

afterAll(async () => {
  await closeAll(conversations);
  await cluster?.stop();
});

describe('a node killed under traffic', () => {
  it('SIGKILL: every acked message is stored, every client reconnects to the other node and ends with every message exactly once', async () => {
    const [a, b] = cluster.nodes;
    // Four conversations; in each, the visitor and the agent start on different nodes.
    conversations = await openConversations(cluster, 4, (i) =>
      i % 2 === 0 ? { visitor: [a.url, b.url], agent: [b.url, a.url] } : { visitor: [b.url, a.url], agent: [a.url, b.url] },
    );
    const clients = conversations.flatMap((c) => [c.visitor, c.agent]);
    const traffic = steadyTraffic(sendersOf(conversations), 40);

    await sleep(1500);
    const onA = clients.filter((c) => c.url === a.url);
    const killedAt = Date.now();
    a.process.child.kill('SIGKILL');
    expect((await a.process.waitExit(LIVENESS_MS))?.signal).toBe('SIGKILL');
    await until('every client to be connected to node B', () => clients.every((c) => c.connected && c.url === b.url), LIVENESS_MS);
    const reconnectMs = onA.map((c) => (c.outages.find((o) => o.lostAt >= killedAt - 100)?.backAt ?? Infinity) - killedAt);
    await sleep(1500); // traffic goes on, all of it through B now
    const sent = await traffic.stop();
    await Promise.all(clients.map((c) => c.syncAll()));

    expect(onA).toHaveLength(4);
    // How fast is a figure (logged below), not a verdict: a busy machine is slower.
    expect(reconnectMs.every(Number.isFinite)).toBe(true);
    expect(b.running).toBe(true);
    await expectNothingLost(cluster.db, conversations);
    console.log(
      `[kill-node] ${sent} messages acked; ${onA.length} clients on the killed node reconnected to B after ` +
        `${Math.min(...reconnectMs)}..${Math.max(...reconnectMs)} ms; gap syncs ${total(clients, 'gapSyncs')}, send attempts ${total(clients, 'sendAttempts')}`,
    );
  });
});
