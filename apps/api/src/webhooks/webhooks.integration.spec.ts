import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthResponse } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { ThreadsService } from '../threads/threads.service';
import { Actors } from '../testing/actors';
import { createTestApp, describeBackends, type TestApp } from '../testing/test-app';
import { until } from '../testing/wait';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksService } from './webhooks.service';

/** The webhook outbox against a real database: written with the change, or not at all. */
describeBackends('webhook outbox', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  let threads: ThreadsService;
  let hooks: WebhooksService;
  let outbox: WebhookOutbox;
  let db: DataSource;

  beforeAll(async () => {
    // Port 9 on 127.0.0.1 answers nothing: deliveries fail and wait; what is under test is what the outbox holds.
    t = await createTestApp(backend, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '1h' });
    actors = new Actors(t.app);
    admin = await actors.admin();
    threads = t.app.get(ThreadsService);
    hooks = t.app.get(WebhooksService);
    outbox = t.app.get(WebhookOutbox);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const visitorPrincipal = (id: string) => ({ kind: 'visitor' as const, id, name: 'V' });
  const eventsOf = (threadId: string): Promise<{ type: string; data: { message?: { seq: number } } }[]> =>
    db.query(`SELECT type, data FROM webhook_events WHERE thread_id = $1 ORDER BY ord`, [threadId]);

  it('writes nothing while no endpoint subscribes', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    await threads.postMessage(visitorPrincipal(v.visitor.id), thread.id, { clientMsgId: 'quiet', body: 'nobody listens' });
    expect(await eventsOf(thread.id)).toEqual([]);
    expect(outbox.wants('message.created')).toBe(false);
  });

  it('writes each new message of a group-commit batch with a delivery per subscribed endpoint, in seq order', async () => {
    const hook = await hooks.create({ url: 'http://127.0.0.1:9/a', events: ['message.created', 'thread.created'] }, `agent:${admin.agent.id}`);
    await hooks.create({ url: 'http://127.0.0.1:9/b', events: ['thread.created'] }, `agent:${admin.agent.id}`);
    expect(outbox.wants('message.created')).toBe(true);
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const p = visitorPrincipal(v.visitor.id);
    await Promise.all(Array.from({ length: 20 }, (_, i) => threads.postMessage(p, thread.id, { clientMsgId: `m-${i}`, body: `message ${i}` })));
    // A resend is not a new message: no event.
    await threads.postMessage(p, thread.id, { clientMsgId: 'm-3', body: 'message 3' });
    const events = await eventsOf(thread.id);
    expect(events.map((e) => e.type)).toEqual(['thread.created', ...Array<string>(20).fill('message.created')]);
    expect(events.slice(1).map((e) => e.data.message?.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const deliveries: { webhook_id: string; event_type: string }[] = await db.query(
      `SELECT d.webhook_id, d.event_type FROM webhook_deliveries d WHERE d.thread_id = $1 ORDER BY d.ord`,
      [thread.id],
    );
    // thread.created to both endpoints, the messages to the one that asked for them.
    expect(deliveries.filter((d) => d.event_type === 'thread.created')).toHaveLength(2);
    expect(deliveries.filter((d) => d.event_type === 'message.created').every((d) => d.webhook_id === hook.id)).toBe(true);
    expect(deliveries.filter((d) => d.event_type === 'message.created')).toHaveLength(20);
  });

  it('writes nothing for a change whose transaction rolls back', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const before = await eventsOf(thread.id);
    await expect(
      db.transaction(async (sql) => {
        await outbox.record(sql, [{ type: 'message.created', threadId: thread.id, data: { rolledBack: true } }]);
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    expect(await eventsOf(thread.id)).toEqual(before);
  });

  it('records claim and close as thread.updated with their system messages, in the transaction of the change', async () => {
    await hooks.create({ url: 'http://127.0.0.1:9/c', events: ['thread.updated'] }, `agent:${admin.agent.id}`);
    const v = await actors.visitor();
    const agent = await actors.agent(admin.token);
    const thread = await actors.thread(v.token);
    await threads.claim({ kind: 'agent', id: agent.agent.id, name: agent.agent.name, role: 'agent' }, thread.id);
    await threads.close(visitorPrincipal(v.visitor.id), thread.id);
    const events = await eventsOf(thread.id);
    const updates = events.filter((e) => e.type === 'thread.updated').map((e) => (e.data as { change?: string }).change);
    expect(updates).toEqual(['claimed', 'closed']);
    expect(events.map((e) => e.type)).toEqual(['thread.created', 'thread.updated', 'message.created', 'thread.updated', 'message.created']);
  });

  it('stops writing once the endpoints are turned off', async () => {
    for (const h of await hooks.list()) await hooks.update(h.id, { enabled: false });
    expect(outbox.wants('message.created')).toBe(false);
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    await threads.postMessage(visitorPrincipal(v.visitor.id), thread.id, { clientMsgId: 'off', body: 'after' });
    expect(await eventsOf(thread.id)).toEqual([]);
  });
});

/** An endpoint whose deliveries all fail for WEBHOOK_DISABLE_AFTER is turned off, with the reason. */
describeBackends('webhook endpoint failing for too long', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  let server: Server;
  let attempts = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      attempts += 1;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await createTestApp(backend, {
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '0.1s,0.1s,0.1s,0.1s,0.1s,0.1s,0.1s,0.1s,0.1s,0.1s',
      WEBHOOK_DISABLE_AFTER: '300ms',
      WEBHOOK_POLL_INTERVAL: '50ms',
    });
    actors = new Actors(t.app);
    admin = await actors.admin();
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('turns the endpoint off with a reason once every delivery failed for that long', async () => {
    const hooks = t.app.get(WebhooksService);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/failing`;
    const hook = await hooks.create({ url, events: ['thread.created'] }, `agent:${admin.agent.id}`);
    const v = await actors.visitor();
    await actors.thread(v.token);
    const current = await until('the endpoint is turned off', async () => {
      const w = await hooks.get(hook.id);
      return !w.enabled && w;
    });
    expect(current.enabled).toBe(false);
    expect(current.disabledReason).toMatch(/^Every delivery failed for 300 ms \(last: HTTP 500\)$/);
    expect(attempts).toBeGreaterThanOrEqual(2);
  });
});

/** The delivery log is kept WEBHOOK_LOG_RETENTION; what is still to be sent is kept whatever its age. */
describeBackends('webhook log retention', (backend) => {
  let t: TestApp;
  let admin: AuthResponse;
  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url === '/ok' ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await createTestApp(backend, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '1h', WEBHOOK_LOG_RETENTION: '1ms', WEBHOOK_POLL_INTERVAL: '50ms' });
    admin = await new Actors(t.app).admin();
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('deletes finished deliveries and their events past the retention, and keeps pending ones', async () => {
    const hooks = t.app.get(WebhooksService);
    const db = t.app.get(DataSource);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ok = await hooks.create({ url: `${base}/ok`, events: ['thread.created'] }, `agent:${admin.agent.id}`);
    const failing = await hooks.create({ url: `${base}/fail`, events: ['thread.created'] }, `agent:${admin.agent.id}`);
    const sent = await hooks.test(ok.id);
    const waiting = await hooks.test(failing.id);
    const tried = async () => {
      const rows: { id: string; status: string; attempts: number }[] = await db.query(`SELECT id, status, attempts FROM webhook_deliveries WHERE id = ANY($1::uuid[])`, [[sent.id, waiting.id]]);
      return rows.find((r) => r.id === sent.id)?.status === 'succeeded' && (rows.find((r) => r.id === waiting.id)?.attempts ?? 0) >= 1;
    };
    expect(await until('both deliveries were tried once', tried)).toBe(true);

    expect(await t.app.get(WebhookDispatcher).sweep()).toBe(1);
    const left: { id: string; status: string }[] = await db.query(`SELECT id, status FROM webhook_deliveries WHERE id = ANY($1::uuid[])`, [[sent.id, waiting.id]]);
    expect(left).toEqual([{ id: waiting.id, status: 'pending' }]);
    const events: { id: string }[] = await db.query(`SELECT id FROM webhook_events WHERE id = ANY($1::uuid[])`, [[sent.eventId, waiting.eventId]]);
    expect(events).toEqual([{ id: waiting.eventId }]);
  });
});
