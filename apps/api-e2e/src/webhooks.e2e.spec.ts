import {
  type CreatedWebhook,
  CreatedWebhookSchema,
  ErrorCode,
  ServerEvent,
  type RouteBody,
  type WebhookDelivery,
  WebhookDeliveryPageSchema,
  WebhookDeliverySchema,
  WebhookSchema,
} from '@parley/contracts';
import { type ReceivedWebhook, until, verifyWebhookSignature, WebhookReceiver } from '@parley/test-support';
import { adminToken, claimThread, createApiKey, newAgent, newVisitor, postMessage, startThread, unique } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, record } from './support/sockets';

const LIVENESS_MS = 30_000;
let receiver: WebhookReceiver;
const made: string[] = [];

async function deleteAllWebhooks(): Promise<void> {
  const res = await call('get /webhooks', { token: adminToken() });
  expectStatus(res, 200);
  for (const w of res.body as { id: string }[]) expectStatus(await call('delete /webhooks/{id}', { params: { id: w.id }, token: adminToken() }), 200);
}

async function createWebhook(body: RouteBody<'post /webhooks'>, token = adminToken()): Promise<CreatedWebhook> {
  const res = await call('post /webhooks', { token, body });
  expectStatus(res, 201);
  const hook = CreatedWebhookSchema.parse(res.body);
  made.push(hook.id);
  return hook;
}

/** An endpoint on its own receiver path, subscribed to every event that is sent. */
async function endpoint(name: string): Promise<{ hook: CreatedWebhook; path: string }> {
  const path = `/${unique(name)}`;
  const hook = await createWebhook({ url: receiver.url(path), events: ['thread.created', 'thread.updated', 'message.created'] });
  return { hook, path };
}

async function deliveries(id: string): Promise<WebhookDelivery[]> {
  const res = await call('get /webhooks/{id}/deliveries', { params: { id }, token: adminToken(), query: { limit: 200 } });
  expectStatus(res, 200);
  return WebhookDeliveryPageSchema.parse(res.body).items;
}

function threadOf(r: ReceivedWebhook): string | undefined {
  const d = r.body.data as { thread?: { id?: string }; message?: { threadId?: string } };
  return d.thread?.id ?? d.message?.threadId;
}

/** The order-defining seq of an event: a message's seq, or the thread's lastSeq. */
function seqOf(r: ReceivedWebhook): number {
  const d = r.body.data as { thread?: { lastSeq?: number }; message?: { seq?: number } };
  return d.message?.seq ?? d.thread?.lastSeq ?? -1;
}

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  await deleteAllWebhooks();
});

afterEach(async () => {
  receiver.answer = () => 200;
  for (const id of made.splice(0)) await call('delete /webhooks/{id}', { params: { id }, token: adminToken() });
});

afterAll(async () => {
  await closeAllSockets();
  await receiver.close();
});

describe('webhooks: endpoints', () => {
  it('creates an endpoint and shows its secret once; lists, reads, changes and deletes it', async () => {
    const hook = await createWebhook({ url: receiver.url('/crud'), events: ['message.created'], description: 'CRM' });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(hook).toMatchObject({ enabled: true, events: ['message.created'], description: 'CRM', disabledReason: null });
    const read = await call('get /webhooks/{id}', { params: { id: hook.id }, token: adminToken() });
    expectStatus(read, 200);
    expect(read.body).not.toHaveProperty('secret');
    expect(WebhookSchema.parse(read.body).url).toBe(receiver.url('/crud'));
    const list = await call('get /webhooks', { token: adminToken() });
    expect((list.body as { id: string; secret?: string }[]).find((w) => w.id === hook.id)).toMatchObject({ id: hook.id });
    expect(JSON.stringify(list.body)).not.toContain(hook.secret);
    const patched = await call('patch /webhooks/{id}', { params: { id: hook.id }, token: adminToken(), body: { enabled: false, events: ['thread.created', 'thread.created'] } });
    expectStatus(patched, 200);
    expect(WebhookSchema.parse(patched.body)).toMatchObject({ enabled: false, events: ['thread.created'] });
    expectStatus(await call('delete /webhooks/{id}', { params: { id: hook.id }, token: adminToken() }), 200);
    expectProblem(await call('get /webhooks/{id}', { params: { id: hook.id }, token: adminToken() }), ErrorCode.WebhookNotFound);
  });

  it('an API key with webhooks:manage manages endpoints; one without it is refused naming the scope', async () => {
    const manager = await createApiKey({ scopes: ['webhooks:manage'] });
    const reader = await createApiKey({ scopes: ['threads:read'] });
    const hook = await createWebhook({ url: receiver.url('/by-key'), events: ['thread.created'] }, manager.key);
    expectStatus(await call('get /webhooks/{id}', { params: { id: hook.id }, token: manager.key }), 200);
    const refused = expectProblem(await call('get /webhooks', { token: reader.key }), ErrorCode.InsufficientScope);
    expect(refused.detail).toContain('webhooks:manage');
    const agent = await newAgent();
    expectProblem(await call('get /webhooks', { token: agent.token }), ErrorCode.Forbidden);
  });
});

describe('webhooks: bad input', () => {
  const create = (body: object) => call('post /webhooks', { token: adminToken(), body: body as RouteBody<'post /webhooks'> });

  it.each([
    ['localhost (a name that resolves to 127.0.0.1)', 'http://localhost:8080/hook'],
    ['loopback IPv4 not on the allow-list', 'http://127.0.0.2/hook'],
    ['private 10/8', 'http://10.1.2.3/hook'],
    ['private 192.168/16', 'https://192.168.1.1/hook'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
    ['unspecified', 'http://0.0.0.0/hook'],
    ['multicast', 'http://224.0.0.1/hook'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['IPv6 unique-local', 'http://[fd00::1]/hook'],
    ['IPv6 link-local', 'http://[fe80::1]/hook'],
    ['a decimal spelling of 127.0.0.2', 'http://2130706434/hook'],
  ])('refuses a target on %s (400 WEBHOOK_URL_NOT_ALLOWED)', async (_name, url) => {
    const problem = expectProblem(await create({ url, events: ['thread.created'] }), ErrorCode.WebhookUrlNotAllowed);
    expect(problem.errors?.[0]?.path).toBe('url');
  });

  it('refuses a changed URL to a private target too', async () => {
    const hook = await createWebhook({ url: receiver.url('/patch-ssrf'), events: ['thread.created'] });
    expectProblem(await call('patch /webhooks/{id}', { params: { id: hook.id }, token: adminToken(), body: { url: 'http://localhost/x' } }), ErrorCode.WebhookUrlNotAllowed);
  });

  it('refuses a URL that is not http(s), not a URL, or carries credentials, and an unknown or missing event (400)', async () => {
    for (const url of ['ftp://127.0.0.1/hook', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', 'http://user:pw@127.0.0.1/x', '']) {
      expectProblem(await create({ url, events: ['thread.created'] }), ErrorCode.ValidationFailed);
    }
    const unknown = expectProblem(await create({ url: receiver.url('/x'), events: ['thread.deleted'] }), ErrorCode.ValidationFailed);
    expect(unknown.detail).toContain('thread.deleted');
    expectProblem(await create({ url: receiver.url('/x'), events: [] }), ErrorCode.ValidationFailed);
    expectProblem(await create({ url: receiver.url('/x') }), ErrorCode.ValidationFailed);
    expectProblem(await create({ url: receiver.url('/x'), events: ['thread.created'], secret: 'mine' }), ErrorCode.ValidationFailed);
  });

  it('refuses an 11th endpoint (409 WEBHOOK_LIMIT_REACHED)', async () => {
    await deleteAllWebhooks();
    for (let i = 0; i < 10; i++) await createWebhook({ url: receiver.url(`/limit-${i}`), events: ['thread.created'], enabled: false });
    expectProblem(await create({ url: receiver.url('/limit-10'), events: ['thread.created'] }), ErrorCode.WebhookLimitReached);
  });

  it('answers unknown endpoints and deliveries with their not-found codes', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    expectProblem(await call('post /webhooks/{id}/test', { params: { id: none }, token: adminToken() }), ErrorCode.WebhookNotFound);
    const hook = await createWebhook({ url: receiver.url('/nf'), events: ['thread.created'] });
    expectProblem(
      await call('post /webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { id: hook.id, deliveryId: none }, token: adminToken() }),
      ErrorCode.WebhookDeliveryNotFound,
    );
  });
});

describe('webhooks: delivery', () => {
  it('sends a thread\'s events in order, signed, with the payload and headers of the contract', async () => {
    const { hook, path } = await endpoint('signed');
    const [visitor, agent] = await Promise.all([newVisitor(), newAgent()]);
    const thread = await startThread(visitor.token);
    const first = await postMessage(visitor.token, thread.id, 'Hello, my order is late');
    await claimThread(agent.token, thread.id);
    await postMessage(agent.token, thread.id, 'Let me check');
    expectStatus(await call('post /threads/{id}/close', { params: { id: thread.id }, token: agent.token }), 200);

    const ours = () => receiver.at(path).filter((r) => threadOf(r) === thread.id);
    // thread.created, message.created (visitor), thread.updated (claimed) + its note, message.created (agent), thread.updated (closed) + its note.
    const got = await until('seven events of the thread', () => ours().length >= 7 && ours(), LIVENESS_MS);
    expect(got.map((r) => r.event)).toEqual([
      'thread.created',
      'message.created',
      'thread.updated',
      'message.created',
      'message.created',
      'thread.updated',
      'message.created',
    ]);
    expect(got.map((r) => (r.body.data as { change?: string }).change).filter(Boolean)).toEqual(['claimed', 'closed']);
    const seqs = got.map(seqOf);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    for (const r of got) {
      expect(verifyWebhookSignature(r.signature, r.raw, hook.secret)).toBe(true);
      expect(verifyWebhookSignature(r.signature, r.raw, 'whsec_someone-else')).toBe(false);
      expect(r.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.event).toBe(r.body.type);
      expect(r.delivery).toMatch(/^[0-9a-f-]{36}$/);
      expect(Object.keys(r.body).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
    }
    expect(new Set(got.map((r) => r.body.id)).size).toBe(7);
    const visitorMessage = got[1].body.data as { message: { id: string; seq: number; body: string; authorType: string }; thread: { lastSeq: number } };
    expect(visitorMessage.message).toMatchObject({ id: first.id, seq: first.seq, body: 'Hello, my order is late', authorType: 'visitor' });
    expect(visitorMessage.thread.lastSeq).toBe(first.seq);
    // A tampered body fails verification.
    expect(verifyWebhookSignature(got[1].signature, got[1].raw.replace('late', 'early'), hook.secret)).toBe(false);

    const log = await until('the log shows every delivery succeeded', async () => {
      const items = (await deliveries(hook.id)).filter((d) => d.threadId === thread.id);
      return items.length === 7 && items.every((d) => d.status === 'succeeded') && items;
    }, LIVENESS_MS);
    for (const d of log) expect(d).toMatchObject({ attempts: 1, responseStatus: 200, error: null });
    expect(log.every((d) => d.durationMs !== null && d.deliveredAt !== null)).toBe(true);
  });

  it('retries a failing delivery with the same delivery id, and holds the thread\'s later events until it succeeds', async () => {
    const { hook, path } = await endpoint('retry');
    const visitor = await newVisitor();
    let failures = 0;
    receiver.answer = (r) => (r.path === path && r.event === 'thread.created' && failures++ < 2 ? 503 : 200);
    const thread = await startThread(visitor.token);
    await postMessage(visitor.token, thread.id, 'one');
    await postMessage(visitor.token, thread.id, 'two');
    const ours = () => receiver.at(path).filter((r) => threadOf(r) === thread.id);
    const got = await until('the three events, the first after two failures', () => ours().length >= 5 && ours(), LIVENESS_MS);
    expect(got.map((r) => r.event)).toEqual(['thread.created', 'thread.created', 'thread.created', 'message.created', 'message.created']);
    expect(new Set(got.slice(0, 3).map((r) => r.delivery)).size).toBe(1);
    expect(new Set(got.slice(0, 3).map((r) => r.body.id)).size).toBe(1);
    expect(got.slice(3).map((r) => (r.body.data as { message: { body: string } }).message.body)).toEqual(['one', 'two']);
    const created = (await deliveries(hook.id)).find((d) => d.id === got[0].delivery);
    expect(created).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 200 });
  });

  it('gives a delivery up after the last retry and then sends the thread\'s next event', async () => {
    const { hook, path } = await endpoint('give-up');
    const visitor = await newVisitor();
    receiver.answer = (r) => (r.path === path && r.event === 'thread.created' ? 500 : 200);
    const thread = await startThread(visitor.token);
    await postMessage(visitor.token, thread.id, 'after the failure');
    const ours = () => receiver.at(path).filter((r) => threadOf(r) === thread.id);
    // WEBHOOK_RETRY_SCHEDULE of this run has three retries: four attempts, then the message.
    const got = await until('four attempts and the next event', () => ours().some((r) => r.event === 'message.created') && ours(), LIVENESS_MS);
    expect(got.map((r) => r.event)).toEqual(['thread.created', 'thread.created', 'thread.created', 'thread.created', 'message.created']);
    const failed = await until('the delivery shows failed', async () => (await deliveries(hook.id)).find((d) => d.id === got[0].delivery && d.status === 'failed'), LIVENESS_MS);
    expect(failed).toMatchObject({ attempts: 4, responseStatus: 500, error: 'HTTP 500', nextAttemptAt: null });
  });

  it('turns an endpoint off when it answers 410, with a reason admins see, and tells the admins who are connected', async () => {
    const { hook, path } = await endpoint('gone');
    // An admin's socket hears of it; an agent who is not an admin does not.
    const adminSocket = await connect(adminToken());
    const agentSocket = await connect((await newAgent()).token);
    const told = record(adminSocket, ServerEvent.WebhookDisabled);
    const notTold = record(agentSocket, ServerEvent.WebhookDisabled);
    receiver.answer = (r) => (r.path === path ? 410 : 200);
    const visitor = await newVisitor();
    await startThread(visitor.token);
    const off = await until('the endpoint is off', async () => {
      const w = WebhookSchema.parse((await call('get /webhooks/{id}', { params: { id: hook.id }, token: adminToken() })).body);
      return !w.enabled && w;
    }, LIVENESS_MS);
    expect(off.disabledReason).toContain('410');
    expect(off.disabledAt).not.toBeNull();
    const [event] = await until('the admin is told', () => told.events.length > 0 && told.events, LIVENESS_MS);
    expect(event).toMatchObject({ id: hook.id, enabled: false, disabledReason: off.disabledReason });
    // Off: later events are not sent to it.
    const before = receiver.at(path).length;
    const other = await endpoint('after-gone');
    const thread2 = await startThread((await newVisitor()).token);
    await until('the other endpoint got the new thread', () => receiver.at(other.path).some((r) => threadOf(r) === thread2.id), LIVENESS_MS);
    expect(receiver.at(path).length).toBe(before);
    // By now the other endpoint's delivery came after the notice: the agent's socket would have had it.
    expect(told.events).toHaveLength(1);
    expect(notTold.events).toEqual([]);
    told.stop();
    notTold.stop();
    // Turned on again by an admin: the reason is cleared.
    const on = await call('patch /webhooks/{id}', { params: { id: hook.id }, token: adminToken(), body: { enabled: true } });
    expect(WebhookSchema.parse(on.body)).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('sends a test event, and redelivers a delivery as a new delivery of the same event', async () => {
    const { hook, path } = await endpoint('test-redeliver');
    const res = await call('post /webhooks/{id}/test', { params: { id: hook.id }, token: adminToken() });
    expectStatus(res, 202);
    const queued = WebhookDeliverySchema.parse(res.body);
    const test = await until('the test event', () => receiver.at(path).find((r) => r.delivery === queued.id), LIVENESS_MS);
    expect(test.event).toBe('webhook.test');
    expect(verifyWebhookSignature(test.signature, test.raw, hook.secret)).toBe(true);

    const again = await call('post /webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { id: hook.id, deliveryId: queued.id }, token: adminToken() });
    expectStatus(again, 202);
    const redelivery = WebhookDeliverySchema.parse(again.body);
    expect(redelivery).toMatchObject({ redeliveryOf: queued.id, eventId: queued.eventId, status: 'pending' });
    const second = await until('the redelivery', () => receiver.at(path).find((r) => r.delivery === redelivery.id), LIVENESS_MS);
    expect(second.body.id).toBe(test.body.id);
    expect(second.delivery).not.toBe(test.delivery);
  });

  it('signs with the old and the new secret for a while after a rotation', async () => {
    const { hook, path } = await endpoint('rotate');
    const rotated = await call('post /webhooks/{id}/rotate-secret', { params: { id: hook.id }, token: adminToken() });
    expectStatus(rotated, 200);
    const fresh = CreatedWebhookSchema.parse(rotated.body);
    expect(fresh.secret).not.toBe(hook.secret);
    expect(Date.parse(fresh.previousSecretExpiresAt ?? '') - Date.now()).toBeGreaterThan(23 * 3600_000);
    const queued = WebhookDeliverySchema.parse((await call('post /webhooks/{id}/test', { params: { id: hook.id }, token: adminToken() })).body);
    const got = await until('the test event', () => receiver.at(path).find((r) => r.delivery === queued.id), LIVENESS_MS);
    expect(got.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(got.signature, got.raw, fresh.secret)).toBe(true);
    expect(verifyWebhookSignature(got.signature, got.raw, hook.secret)).toBe(true);
  });

  it('tells an assignment and a transfer apart in thread.updated', async () => {
    const path = `/${unique('assign')}`;
    await createWebhook({ url: receiver.url(path), events: ['thread.updated'] });
    const [visitor, first, second] = await Promise.all([newVisitor(), newAgent(), newAgent()]);
    const thread = await startThread(visitor.token);
    for (const agent of [first, second]) {
      expectStatus(await call('post /threads/{id}/assign', { params: { id: thread.id }, token: adminToken(), body: { agentId: agent.agent.id } }), 200);
    }
    const got = await until('two thread.updated', () => receiver.at(path).filter((r) => threadOf(r) === thread.id).length >= 2 && receiver.at(path).filter((r) => threadOf(r) === thread.id), LIVENESS_MS);
    const data = got.map((r) => r.body.data as { change: string; thread: { assignedAgent: { id: string } | null } });
    expect(data.map((d) => [d.change, d.thread.assignedAgent?.id])).toEqual([
      ['assigned', first.agent.id],
      ['transferred', second.agent.id],
    ]);
  });

  it('sends nothing to an endpoint for events it did not subscribe to', async () => {
    const path = `/${unique('only-threads')}`;
    await createWebhook({ url: receiver.url(path), events: ['thread.created'] });
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    await postMessage(visitor.token, thread.id, 'not for this endpoint');
    const control = await endpoint('control');
    await postMessage(visitor.token, thread.id, 'marker');
    // The control endpoint got the marker: everything before it was written (and delivered to those who wanted it).
    await until('the control endpoint got the marker', () => receiver.at(control.path).some((r) => (r.body.data as { message?: { body?: string } }).message?.body === 'marker'), LIVENESS_MS);
    await until('the thread.created', () => receiver.at(path).some((r) => threadOf(r) === thread.id), LIVENESS_MS);
    expect(receiver.at(path).filter((r) => threadOf(r) === thread.id).map((r) => r.event)).toEqual(['thread.created']);
  });
});
