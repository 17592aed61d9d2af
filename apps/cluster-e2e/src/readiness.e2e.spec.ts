import { TcpProxy, until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { postgresAddress, throughProxy } from './support/database';
import { request } from './support/http';
import { LIVENESS_MS } from './support/processes';

import { TestClient } from './support/test-client';

let cluster: Cluster;
let db: TcpProxy;
const clients: TestClient[] = [];

beforeAll(async () => {
  // The node reaches PostgreSQL through a proxy the test can cut; the machine's server stays up.
  db = await TcpProxy.start(postgresAddress());
  cluster = await Cluster.start({ nodes: 1, envOf: (_, database) => ({ DATABASE_URL: throughProxy(database.url, db.port) }) });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cluster?.stop();
  await db?.cut();
});

/** Polls readiness until it answers `status` with `checks`; returns how long that took. */
async function readyBecomes(status: number, checks: Record<string, string>, timeoutMs = LIVENESS_MS): Promise<number> {
  const node = cluster.nodes[0];
  const started = Date.now();
  const expected = { status: status === 200 ? 'ok' : 'unavailable', checks };
  await until(`ready ${status} ${JSON.stringify(checks)}`, async () => {
    const r = await node.ready();
    if (r.status !== status) throw new Error(`got ${r.status} ${JSON.stringify(r.body)}`);
    return JSON.stringify(r.body) === JSON.stringify(expected) || undefined;
  }, timeoutMs, 100);
  return Date.now() - started;
}

async function liveAndRunning(): Promise<void> {
  const node = cluster.nodes[0];
  expect((await request(`${node.url}/api/health/live`)).status).toBe(200);
  expect(node.running).toBe(true);
}

describe('readiness reflects reality', () => {
  it('reports a lost database and a lost Redis as not ready, keeps running, and recovers by itself', async () => {
    const node = cluster.nodes[0];
    await readyBecomes(200, { database: 'up', redis: 'up' });
    const { visitor, agent, thread } = await cluster.conversation();
    const visitorClient = await TestClient.create({ name: 'visitor', token: visitor.token, urls: [node.url] });
    clients.push(visitorClient);
    await visitorClient.connect();
    await visitorClient.track(thread.id);

    await db.cut();
    const dbDownMs = await readyBecomes(503, { database: 'down', redis: 'up' });
    await liveAndRunning();
    await db.restore();
    const dbBackMs = await readyBecomes(200, { database: 'up', redis: 'up' });

    await cluster.redis.down('SIGKILL');
    const redisDownMs = await readyBecomes(503, { database: 'up', redis: 'down' });
    await liveAndRunning();
    // Without Redis the node still stores and acks: only the fan-out to other nodes waits.
    const duringOutage = await visitorClient.send(thread.id, 'while Redis is away');
    await cluster.redis.up();
    const redisBackMs = await readyBecomes(200, { database: 'up', redis: 'up' });

    // Both at once, and back.
    await Promise.all([db.cut(), cluster.redis.down('SIGKILL')]);
    await readyBecomes(503, { database: 'down', redis: 'down' });
    await Promise.all([db.restore(), cluster.redis.up()]);
    await readyBecomes(200, { database: 'up', redis: 'up' });

    // The node works as before: the agent's reply reaches the visitor's socket live.
    const agentClient = await TestClient.create({ name: 'agent', token: agent.token, urls: [node.url] });
    clients.push(agentClient);
    await agentClient.connect();
    await agentClient.track(thread.id);
    const reply = await agentClient.send(thread.id, 'back to normal');
    await visitorClient.waitFor('the reply, live', (c) => c.received.created.some((m) => m.id === reply.id));
    expect((await cluster.db.messages(thread.id)).map((m) => m.id)).toEqual(expect.arrayContaining([duringOutage.id, reply.id]));
    console.log(
      `[readiness] database cut → 503 in ${dbDownMs} ms, back → 200 in ${dbBackMs} ms; Redis killed → 503 in ${redisDownMs} ms, restarted → 200 in ${redisBackMs} ms`,
    );
  });
});
