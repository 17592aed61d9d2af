import { randomBytes } from 'node:crypto';
import { API_PREFIX, CreatedWebhookSchema } from '@parley/contracts';
import { until, verifyWebhookSignature, WebhookReceiver } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { request } from './support/http';
import { LIVENESS_MS } from './support/processes';

let cluster: Cluster;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  cluster = await Cluster.start({
    nodes: 2,
    env: {
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      // The nodes run as in production, where webhooks are https only; the receiver is plain http.
      WEBHOOK_REQUIRE_HTTPS: 'false',
      WEBHOOK_POLL_INTERVAL: '100ms',
      // A short timeout, so the lease of a dead node's delivery (timeout + 10 s) runs out soon.
      WEBHOOK_TIMEOUT: '2s',
      WEBHOOK_RETRY_SCHEDULE: '0.2s,0.5s,1s,1s,1s,1s,1s,1s,1s,1s',
    },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await receiver?.close();
});

describe('webhooks across nodes', () => {
  it('a node SIGKILLed while a receiver holds its requests: the other node delivers them, with the same delivery ids, nothing lost', async () => {
    const [a, b] = cluster.nodes;
    // Only A runs while the events are written and first sent, so the requests in flight are A's.
    await b.stop('SIGTERM');
    receiver.answer = () => 'hold';
    const api = (path: string) => `${a.url}${API_PREFIX}${path}`;
    const created = await request(api('/webhooks'), {
      token: cluster.adminToken,
      body: { url: receiver.url('/cluster'), events: ['thread.created', 'message.created'] },
    });
    expect(created.status).toBe(201);
    const hook = CreatedWebhookSchema.parse(created.body);

    const actors = cluster.actors(0);
    const threads: string[] = [];
    for (let i = 0; i < 3; i++) {
      const visitor = await actors.visitor();
      const thread = await actors.startThread(visitor.token);
      threads.push(thread.id);
      for (const body of ['first', 'second']) {
        const sent = await request(api(`/threads/${thread.id}/messages`), {
          token: visitor.token,
          body: { clientMsgId: `m-${randomBytes(4).toString('hex')}`, body },
        });
        expect(sent.status).toBe(201);
      }
    }
    // Each thread's first event is in flight, held open by the receiver; the later ones wait behind it.
    await until('a held request for each thread', () => new Set(receiver.at('/cluster').map((r) => r.delivery)).size >= 3, LIVENESS_MS);
    const heldByA = receiver.at('/cluster').map((r) => r.delivery);
    expect(receiver.at('/cluster').every((r) => r.event === 'thread.created')).toBe(true);

    const beforeKill = receiver.at('/cluster').length;
    a.process.child.kill('SIGKILL');
    expect((await a.process.waitExit(LIVENESS_MS))?.signal).toBe('SIGKILL');
    receiver.answer = () => 200;
    await b.start();

    // B takes over once A's leases run out: three threads × (thread.created + two messages).
    // Everything after the kill comes from B and is answered 200.
    await until('all nine events delivered through node B', () => new Set(receiver.at('/cluster').slice(beforeKill).map((r) => r.body.id)).size === 9, 90_000);

    const all = receiver.at('/cluster');
    // At least once: every event arrived; an event seen twice came with the same delivery id.
    const deliveryOf = new Map<string, string>();
    for (const r of all) {
      expect(verifyWebhookSignature(r.signature, r.raw, hook.secret)).toBe(true);
      const known = deliveryOf.get(r.body.id);
      if (known) expect(r.delivery).toBe(known);
      else deliveryOf.set(r.body.id, r.delivery);
    }
    expect(deliveryOf.size).toBe(9);
    // A's held deliveries were sent again by B, under the same ids.
    for (const id of heldByA) expect(all.filter((r) => r.delivery === id).length).toBeGreaterThanOrEqual(2);
    // Each thread's events in order: thread.created, then its messages by seq.
    for (const threadId of threads) {
      const firsts = [...new Map(all.filter((r) => ((r.body.data as { thread?: { id: string } }).thread?.id ?? '') === threadId).map((r) => [r.body.id, r])).values()];
      expect(firsts.map((r) => r.event)).toEqual(['thread.created', 'message.created', 'message.created']);
      expect(firsts.slice(1).map((r) => (r.body.data as { message: { body: string } }).message.body)).toEqual(['first', 'second']);
    }
    const log = await request(`${b.url}${API_PREFIX}/webhooks/${hook.id}/deliveries?limit=50`, { token: cluster.adminToken });
    const items = (log.body as { items: { id: string; status: string; attempts: number }[] }).items;
    expect(items.filter((d) => d.status === 'succeeded')).toHaveLength(9);
    for (const id of heldByA) expect(items.find((d) => d.id === id)?.attempts).toBeGreaterThanOrEqual(2);
  });
});
