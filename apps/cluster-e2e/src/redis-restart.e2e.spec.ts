import { readFileSync } from 'node:fs';
import { sleep, until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { LIVENESS_MS } from './support/processes';
import type { TestClient } from './support/test-client';
import { closeAll, type Conversation, expectNothingLost, openConversations, sendersOf, steadyTraffic, total } from './support/traffic';

let cluster: Cluster;
let conversations: Conversation[] = [];

/** True once `client` has had a live broadcast, arrived after `since`, of a message its peer wrote. */
function liveFromPeerSince(client: TestClient, peer: 'visitor' | 'agent', since: number): boolean {
  return client.received.created.some((m, i) => client.received.createdAt[i] >= since && m.authorType === peer);
}

async function readiness(): Promise<Array<{ status: number; redis?: string }>> {
  return Promise.all(
    cluster.nodes.map(async (n) => {
      const r = await n.ready();
      return { status: r.status, redis: (r.body as { checks?: { redis?: string } }).checks?.redis };
    }),
  );
}

// Both adapters: sharded pub/sub (what `auto` picks on Redis 7) and classic pub/sub (older Redis).
describe.each([
  { adapter: 'sharded pub/sub', sharded: 'auto' },
  { adapter: 'classic pub/sub', sharded: 'false' },
])('Redis restarted under traffic, $adapter', ({ adapter, sharded }) => {
  beforeAll(async () => {
    cluster = await Cluster.start({ nodes: 2, env: { REDIS_SHARDED: sharded } });
  }, 120_000);

  afterAll(async () => {
    await closeAll(conversations);
    await cluster?.stop();
  });

  it('no node crashes, nothing stored is lost, and cross-node delivery resumes and gaps fill once Redis returns', async () => {
    const [a, b] = cluster.nodes;
    // Every visitor on A and every agent on B: each message has to cross nodes to be heard live.
    conversations = await openConversations(cluster, 3, () => ({ visitor: [a.url], agent: [b.url] }));
    const clients = conversations.flatMap((c) => [c.visitor, c.agent]);
    const ackedCount = () => clients.reduce((n, c) => n + c.acked.length, 0);
    const traffic = steadyTraffic(sendersOf(conversations), 50);
    await sleep(1000);

    const downAt = Date.now();
    await cluster.redis.down('SIGKILL');
    const ackedBefore = ackedCount();
    await until('both nodes to report Redis down', async () => (await readiness()).every((r) => r.status === 503 && r.redis === 'down'), LIVENESS_MS);
    await sleep(2000);
    // While Redis is away messages are still stored and acked (delivery is then local to each node).
    const ackedDuring = ackedCount() - ackedBefore;
    const lastSeqDuring = conversations.map((c) => Math.max(...[...c.visitor.acked, ...c.agent.acked].map((m) => m.seq)));

    await cluster.redis.up();
    const upAt = Date.now();
    await until(
      'live delivery across nodes again',
      () => conversations.every((c) => liveFromPeerSince(c.visitor, 'agent', upAt) && liveFromPeerSince(c.agent, 'visitor', upAt)),
      LIVENESS_MS,
      10,
    );
    const resumedMs = Date.now() - upAt;
    await until(
      'every client to have every message written during the outage',
      () => conversations.every((c, i) => c.visitor.lastSeq(c.threadId) >= lastSeqDuring[i] && c.agent.lastSeq(c.threadId) >= lastSeqDuring[i]),
      LIVENESS_MS,
      10,
    );
    const filledMs = Date.now() - upAt;
    await until('both nodes ready again', async () => (await readiness()).every((r) => r.status === 200 && r.redis === 'up'), LIVENESS_MS);
    const readyMs = Date.now() - upAt;
    await sleep(500);
    const sent = await traffic.stop();
    await Promise.all(clients.map((c) => c.syncAll()));

    expect(ackedDuring).toBeGreaterThan(0);
    expect(a.running && b.running).toBe(true);
    expect(readFileSync(a.process.logFile, 'utf8')).toContain(`Redis adapter: ${adapter}`);
    await expectNothingLost(cluster.db, conversations);
    console.log(
      `[redis-restart, ${adapter}] Redis down for ${upAt - downAt} ms; ${ackedDuring} messages acked meanwhile, ${sent} in all; after Redis returned: ` +
        `live cross-node delivery in ${resumedMs} ms, gaps filled in ${filledMs} ms, both nodes ready in ${readyMs} ms; gap syncs ${total(clients, 'gapSyncs')}`,
    );
  });
});
