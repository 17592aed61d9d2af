import {
  AgentSchema,
  ApiKeySchema,
  type CreatedApiKey,
  CreatedApiKeySchema,
  ErrorCode,
  MessagePageSchema,
  MessageSchema,
  ServerEvent,
  ThreadPageSchema,
  ThreadSchema,
  type Thread,
} from '@parley/contracts';
import {
  activeConversation,
  adminToken,
  claimThread,
  newAgent,
  newVisitor,
  startThread,
  unique,
} from './support/actors';
import { api, expectProblem, expectStatus, type Method } from './support/http';
import { e2e } from './support/state';
import { closeAllSockets, connect, waitFor } from './support/sockets';

afterEach(closeAllSockets);

async function createKey(name = unique('key')): Promise<CreatedApiKey> {
  const res = await api('post', '/api-keys', { token: adminToken(), body: { name } });
  expectStatus(res, 201);
  return CreatedApiKeySchema.parse(res.body);
}

async function listAllThreads(token: string, query: Record<string, string | number>): Promise<Thread[]> {
  const items: Thread[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const res = await api('get', '/threads', { token, query: cursor ? { ...query, cursor } : query });
    expectStatus(res, 200);
    const parsed = ThreadPageSchema.parse(res.body);
    items.push(...parsed.items);
    cursor = parsed.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('pagination did not end within 1000 pages');
}

describe('API key management', () => {
  it('creates a key (201) whose secret is shown once and never listed', async () => {
    const name = unique('crm');
    const created = await createKey(name);
    expect(created).toMatchObject({ name, revokedAt: null });
    expect(created.key.length).toBeGreaterThan(20);
    // The listed prefix identifies the key without revealing it.
    expect(created.key).toContain(created.prefix);
    expect(created.key.length).toBeGreaterThan(created.prefix.length + 16);

    const list = await api('get', '/api-keys', { token: adminToken() });
    expectStatus(list, 200);
    const keys = list.body as Record<string, unknown>[];
    expect(keys.map((k) => ApiKeySchema.parse(k).id)).toContain(created.id);
    for (const k of keys) expect(k).not.toHaveProperty('key');
    expect(JSON.stringify(list.body)).not.toContain(created.key);
  });

  it('is admin only: 403 for an agent and a visitor, 401 without a token', async () => {
    const agent = await newAgent();
    const visitor = await newVisitor();
    expectProblem(
      await api('post', '/api-keys', { token: agent.token, body: { name: 'x' } }),
      ErrorCode.Forbidden,
    );
    expectProblem(await api('get', '/api-keys', { token: agent.token }), ErrorCode.Forbidden);
    expectProblem(
      await api('post', '/api-keys', { token: visitor.token, body: { name: 'x' } }),
      ErrorCode.Forbidden,
    );
    expectProblem(await api('post', '/api-keys', { body: { name: 'x' } }), ErrorCode.Unauthenticated);
  });

  it('revokes a key: DELETE returns it with revokedAt, then the key gets 401 UNAUTHENTICATED', async () => {
    const [doomed, survivor] = [await createKey(), await createKey()];
    expectStatus(await api('get', '/threads', { token: doomed.key }), 200);
    const res = await api('delete', `/api-keys/${doomed.id}`, { token: adminToken() });
    expectStatus(res, 200);
    const revoked = ApiKeySchema.parse(res.body);
    expect(revoked.id).toBe(doomed.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(res.body).not.toHaveProperty('key');
    const { thread } = await activeConversation();
    const routes: [Method, string, object?][] = [
      ['get', '/threads'],
      ['get', `/threads/${thread.id}`],
      ['get', `/threads/${thread.id}/messages`],
      ['post', `/threads/${thread.id}/messages`, { clientMsgId: unique('revoked'), body: 'revoked' }],
      ['post', `/threads/${thread.id}/close`],
    ];
    for (const [method, path, body] of routes) {
      expectProblem(await api(method, path, { token: doomed.key, body }), ErrorCode.Unauthenticated);
    }
    expectStatus(await api('get', `/threads/${thread.id}`, { token: survivor.key }), 200);
    expect((await api('get', `/threads/${thread.id}`, { token: survivor.key })).body).toMatchObject({
      status: 'active',
    });
  });

  it('answers 404 API_KEY_NOT_FOUND when revoking an unknown key', async () => {
    const res = await api('delete', '/api-keys/00000000-0000-4000-8000-000000000000', {
      token: adminToken(),
    });
    expectProblem(res, ErrorCode.ApiKeyNotFound);
  });

  it('refuses a made-up key with the right prefix (401 UNAUTHENTICATED)', async () => {
    const real = await createKey();
    // Same shape and prefix as a real key, different secret.
    const head = real.key.slice(0, real.key.indexOf(real.prefix) + real.prefix.length);
    const fake = head + real.key.slice(head.length).replace(/[A-Za-z0-9]/g, (c) => (c === 'A' ? 'B' : 'A'));
    expectProblem(await api('get', '/threads', { token: fake }), ErrorCode.Unauthenticated);
  });
});

describe('integrators with an API key', () => {
  let key: CreatedApiKey;

  beforeAll(async () => {
    key = await createKey('integration-suite');
  });

  it('reads a thread and its messages, and posts as a bot the visitor hears', async () => {
    const { visitor, thread } = await activeConversation();
    const read = await api('get', `/threads/${thread.id}`, { token: key.key });
    expectStatus(read, 200);
    expect(ThreadSchema.parse(read.body).id).toBe(thread.id);

    const visitorSocket = await connect(visitor.token);
    const heard = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.authorType === 'bot');
    const post = await api('post', `/threads/${thread.id}/messages`, {
      token: key.key,
      body: { clientMsgId: unique('bot'), body: 'Order #42 shipped' },
    });
    expectStatus(post, 201);
    const message = MessageSchema.parse(post.body);
    expect(message).toMatchObject({ authorType: 'bot', body: 'Order #42 shipped' });
    expect(await heard).toEqual(message);

    const page = await api('get', `/threads/${thread.id}/messages`, { token: key.key });
    expectStatus(page, 200);
    expect(MessagePageSchema.parse(page.body).items.at(-1)).toEqual(message);
  });

  it('lists the agents', async () => {
    const res = await api('get', '/agents', { token: key.key });
    expectStatus(res, 200);
    expect((res.body as unknown[]).map((a) => AgentSchema.parse(a).id)).toContain(e2e().admin.id);
  });

  it('assigns a thread to an agent; an unknown agent is 404 AGENT_NOT_FOUND', async () => {
    const visitor = await newVisitor();
    const agent = await newAgent();
    const thread = await startThread(visitor.token);
    const missing = await api('post', `/threads/${thread.id}/assign`, {
      token: key.key,
      body: { agentId: '00000000-0000-4000-8000-000000000000' },
    });
    expectProblem(missing, ErrorCode.AgentNotFound);
    const res = await api('post', `/threads/${thread.id}/assign`, {
      token: key.key,
      body: { agentId: agent.agent.id },
    });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body)).toMatchObject({
      status: 'active',
      assignedAgent: { id: agent.agent.id },
    });
  });

  it('closes a thread: closedBy is the integration', async () => {
    const { thread } = await activeConversation();
    const res = await api('post', `/threads/${thread.id}/close`, { token: key.key });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body)).toMatchObject({
      status: 'closed',
      closedBy: { type: 'integration', id: key.id },
    });
  });

  it('filters GET /threads by status and assignee', async () => {
    const agent = await newAgent();
    const mine = await activeConversation();
    const v = await newVisitor();
    const queued = await startThread(v.token);
    const assigned = await claimThread(agent.token, (await startThread((await newVisitor()).token)).id);

    const byStatus = await listAllThreads(key.key, { status: 'queued', limit: 200 });
    expect(byStatus.every((t) => t.status === 'queued')).toBe(true);
    expect(byStatus.map((t) => t.id)).toContain(queued.id);

    const unassigned = await listAllThreads(key.key, { assignee: 'none', limit: 200 });
    expect(unassigned.every((t) => t.assignedAgent === null)).toBe(true);
    expect(unassigned.map((t) => t.id)).toContain(queued.id);

    const byAgent = await listAllThreads(key.key, { assignee: agent.agent.id });
    expect(byAgent.map((t) => t.id)).toEqual([assigned.id]);

    const me = await listAllThreads(mine.agent.token, { assignee: 'me' });
    expect(me.map((t) => t.id)).toEqual([mine.thread.id]);
  });

  it('walks every page of GET /threads without duplicates or gaps', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 7; i += 1) created.add((await startThread((await newVisitor()).token)).id);
    const walked = await listAllThreads(key.key, { limit: 3 });
    const ids = walked.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of created) expect(ids).toContain(id);
    const single = await listAllThreads(key.key, { limit: 200 });
    expect(new Set(single.map((t) => t.id))).toEqual(new Set(ids));
  });
});
