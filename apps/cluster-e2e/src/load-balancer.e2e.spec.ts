import path from 'node:path';
import { freePort, NODE_BIN, type Proc, until, WORKSPACE_ROOT } from '@parley/test-support';
import { TestDatabase } from './support/database';
import { Actors, request } from './support/http';
import { LIVENESS_MS, spawnLogged } from './support/processes';
import { RedisServer } from './support/redis';
import { TestClient } from './support/test-client';

interface ClusterInfo {
  url: string;
  nodes: Array<{ name: string; url: string; pid: number }>;
  nginxPid: number;
}

let db: TestDatabase;
let redis: RedisServer;
let tool: Proc;
let info: ClusterInfo;
let adminToken: string;
const clients: TestClient[] = [];

// The README's command, as a user runs it (over a fresh database and a Redis of the test's own).
beforeAll(async () => {
  db = await TestDatabase.create();
  redis = await RedisServer.start();
  const args = [path.join(WORKSPACE_ROOT, 'tools/cluster/cluster.mjs'), '--nodes', '2', '--port', String(await freePort())];
  tool = spawnLogged(NODE_BIN, [...args, '--database-url', db.url, '--redis-url', redis.url, '--json'], { logName: 'cluster-tool' });
  const line = await until(
    'the cluster tool to report its URLs',
    () => {
      if (!tool.running) throw new Error(`cluster tool exited: ${tool.tail()}`);
      return /^CLUSTER (.+)$/m.exec(tool.tail())?.[1];
    },
    60_000,
    100,
  );
  info = JSON.parse(line) as ClusterInfo;
  adminToken = (await new Actors(info.url).setupAdmin()).token;
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await tool?.stop('SIGTERM', 25_000);
  await redis?.down();
  await db?.drop();
});

/**
 * Which node answered a request through nginx (the local cluster's nginx names it in a header; after
 * a failed try it lists every node it tried, the one that answered last).
 */
async function upstreamOf(url: string): Promise<string> {
  const res = await fetch(`${url}/api/health/ready`, { signal: AbortSignal.timeout(5000) });
  await res.text();
  return `http://${res.headers.get('x-parley-upstream')?.split(', ').at(-1)}`;
}

// Without nginx (only possible outside CI: run.cjs fails under CI=true) these tests are reported as skipped.
const describeWithNginx = process.env.CLUSTER_E2E_NGINX ? describe : describe.skip;

describeWithNginx('the local cluster behind nginx (tools/cluster)', () => {
  it('serves REST and both socket.io transports through nginx; polling works because the balancer is sticky', async () => {
    const { visitor, agent, thread } = await new Actors(info.url).conversation(adminToken);
    // Long-polling is a series of HTTP requests that must all reach the node that holds the session.
    for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']] as const) {
      const c = await TestClient.create({ name: `visitor-${transports.join('+')}`, token: visitor.token, urls: [info.url], transports: [...transports] });
      clients.push(c);
      await c.connect();
      await c.track(thread.id);
      expect((await c.send(thread.id, `through nginx over ${transports.join('+')}`)).threadId).toBe(thread.id);
    }
    // An agent straight on the other node hears what came in through the balancer.
    const served = await upstreamOf(info.url);
    const other = info.nodes.find((n) => n.url !== served);
    const direct = await TestClient.create({ name: 'agent-direct', token: agent.token, urls: [other?.url ?? ''] });
    clients.push(direct);
    await direct.connect();
    await direct.track(thread.id);
    const hello = await clients[0].send(thread.id, 'across the nodes'); // the polling one
    await direct.waitFor('the message from the balanced node', (c) => c.received.created.some((m) => m.id === hello.id));
  });

  it('moves clients to the other node when the node nginx chose is killed', async () => {
    const { visitor, thread } = await new Actors(info.url).conversation(adminToken);
    const visitorClient = await TestClient.create({ name: 'visitor-polling', token: visitor.token, urls: [info.url], transports: ['polling'] });
    clients.push(visitorClient);
    await visitorClient.connect();
    await visitorClient.track(thread.id);
    await visitorClient.send(thread.id, 'before the failover');
    const threadId = thread.id;
    const served = await upstreamOf(info.url);
    const victim = info.nodes.find((n) => n.url === served);
    if (!victim) throw new Error(`nginx answered from ${served}, not one of ${JSON.stringify(info.nodes)}`);
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    await until('the node to be gone', () => request(`${victim.url}/api/health/live`).then(() => false, () => true), LIVENESS_MS);
    // The polling client reconnects through nginx, which now picks the surviving node.
    await until('the client to be connected again', () => visitorClient.connected && visitorClient.outages.at(-1)?.backAt !== undefined, LIVENESS_MS);
    const reconnectMs = (visitorClient.outages.at(-1)?.backAt ?? Infinity) - killedAt;
    expect(await upstreamOf(info.url)).not.toBe(served);
    const after = await visitorClient.send(threadId, 'after the failover');
    await visitorClient.syncAll();
    expect(visitorClient.messages(threadId).map((m) => [m.seq, m.id])).toEqual((await db.messages(threadId)).map((m) => [m.seq, m.id]));
    expect(after.seq).toBe(visitorClient.lastSeq(threadId));
    expect(Number.isFinite(reconnectMs)).toBe(true); // how fast: the figure logged below
    console.log(`[load-balancer] killed ${victim.name}; the polling client was back through nginx after ${reconnectMs} ms`);
  });

  // Last: it ends the cluster the tests above used.
  it('stops every process it started on SIGTERM and exits 0', async () => {
    const exit = await tool.stop('SIGTERM', 25_000);
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of [info.nginxPid, ...info.nodes.map((n) => n.pid)]) {
      expect(() => process.kill(pid, 0)).toThrow();
    }
    await expect(request(`${info.url}/api/health/live`, { timeoutMs: 2000 })).rejects.toThrow();
  });
});
