import { ErrorCode, type RouteBody, ServerEvent, type Tag, TagSchema, type Thread, ThreadPageSchema, ThreadSchema } from '@parley/contracts';
import { until, WebhookReceiver } from '@parley/test-support';
import { adminToken, createApiKey, getThread, newAgent, newVisitor, startThread, unique } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { SOME_ID } from './support/routes';
import { closeAllSockets, connect, waitFor } from './support/sockets';

const LIVENESS_MS = 30_000;

async function createTag(name = unique('tag'), color?: string | null, token = adminToken()): Promise<Tag> {
  const res = await call('post /tags', { token, body: { name, ...(color === undefined ? {} : { color }) } });
  expectStatus(res, 201);
  return TagSchema.parse(res.body);
}

async function setTag(token: string, threadId: string, tagId: string, on = true): Promise<Thread> {
  const res = await call(on ? 'put /threads/{id}/tags/{tagId}' : 'delete /threads/{id}/tags/{tagId}', { token, params: { id: threadId, tagId } });
  expectStatus(res, 200);
  return ThreadSchema.parse(res.body);
}

async function queuedThread(): Promise<{ visitor: { token: string }; thread: Thread }> {
  const visitor = await newVisitor();
  return { visitor, thread: await startThread(visitor.token) };
}

afterAll(async () => {
  await closeAllSockets();
});

describe('tags: the list (admins)', () => {
  it('creates, lists by name, renames, recolours and deletes a tag', async () => {
    const name = unique('Billing');
    const tag = await createTag(name, '#AA3300');
    expect(tag).toEqual({ id: expect.any(String), name, color: '#aa3300' });
    const list = await call('get /tags', { token: adminToken() });
    expectStatus(list, 200);
    const names = (list.body as Tag[]).map((t) => t.name);
    expect(names).toContain(name);
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    const renamed = await call('patch /tags/{id}', { token: adminToken(), params: { id: tag.id }, body: { name: `${name} 2` } });
    expectStatus(renamed, 200);
    expect(renamed.body).toEqual({ id: tag.id, name: `${name} 2`, color: '#aa3300' });
    const uncoloured = await call('patch /tags/{id}', { token: adminToken(), params: { id: tag.id }, body: { color: null } });
    expect(uncoloured.body).toEqual({ id: tag.id, name: `${name} 2`, color: null });

    expectStatus(await call('delete /tags/{id}', { token: adminToken(), params: { id: tag.id } }), 204);
    expectProblem(await call('delete /tags/{id}', { token: adminToken(), params: { id: tag.id } }), ErrorCode.TagNotFound);
    expectProblem(await call('patch /tags/{id}', { token: adminToken(), params: { id: tag.id }, body: { name: 'x' } }), ErrorCode.TagNotFound);
    const after = await call('get /tags', { token: adminToken() });
    expect((after.body as Tag[]).map((t) => t.id)).not.toContain(tag.id);
  });

  it('refuses a second tag of the same name, in any case, on create and on rename (409 TAG_NAME_TAKEN)', async () => {
    const name = unique('Refund');
    await createTag(name);
    const again = expectProblem(await call('post /tags', { token: adminToken(), body: { name: name.toUpperCase() } }), ErrorCode.TagNameTaken);
    expect(again.status).toBe(409);
    const other = await createTag();
    expectProblem(await call('patch /tags/{id}', { token: adminToken(), params: { id: other.id }, body: { name: ` ${name.toLowerCase()} ` } }), ErrorCode.TagNameTaken);
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '   ' }],
    ['a name over 40 characters', { name: 'x'.repeat(41) }],
    ['a name with a control character', { name: 'a\u0007b' }],
    ['a colour that is not #rrggbb', { name: 'ok', color: 'red' }],
    ['a colour with an alpha channel', { name: 'ok', color: '#11223344' }],
    ['an unknown field', { name: 'ok', priority: 1 }],
  ])('refuses %s (400)', async (_what, body) => {
    expectProblem(await call('post /tags', { token: adminToken(), body: body as RouteBody<'post /tags'> }), ErrorCode.ValidationFailed);
  });

  it('refuses a change with nothing to change, and a bad id (400)', async () => {
    const tag = await createTag();
    expectProblem(await call('patch /tags/{id}', { token: adminToken(), params: { id: tag.id }, body: {} as RouteBody<'patch /tags/{id}'> }), ErrorCode.ValidationFailed);
    expectProblem(await call('patch /tags/{id}', { token: adminToken(), params: { id: 'not-an-id' }, body: { name: 'x' } }), ErrorCode.ValidationFailed);
  });

  it('lets agents and API keys with threads:read list tags, and only admins change them', async () => {
    const agent = await newAgent();
    const tag = await createTag();
    expectStatus(await call('get /tags', { token: agent.token }), 200);
    expectProblem(await call('post /tags', { token: agent.token, body: { name: unique('nope') } }), ErrorCode.Forbidden);
    expectProblem(await call('patch /tags/{id}', { token: agent.token, params: { id: tag.id }, body: { name: 'x' } }), ErrorCode.Forbidden);
    expectProblem(await call('delete /tags/{id}', { token: agent.token, params: { id: tag.id } }), ErrorCode.Forbidden);
    const reader = await createApiKey({ scopes: ['threads:read'] });
    expectStatus(await call('get /tags', { token: reader.key }), 200);
    const writer = await createApiKey({ scopes: ['threads:write'] });
    expectProblem(await call('get /tags', { token: writer.key }), ErrorCode.InsufficientScope);
    const visitor = await newVisitor();
    expect((await call('get /tags', { token: visitor.token })).status).toBe(403);
    expect((await call('get /tags')).status).toBe(401);
  });
});

describe('tags: on threads', () => {
  it('any agent tags and untags any thread; doing it twice changes nothing; the thread model carries the tags by name', async () => {
    const [b, a] = [await createTag(unique('b-tag'), '#112233'), await createTag(unique('a-tag'))];
    const { thread } = await queuedThread();
    const agent = await newAgent();
    expect(thread.tags).toEqual([]);
    await setTag(agent.token, thread.id, b.id);
    const both = await setTag(agent.token, thread.id, a.id);
    expect(both.tags).toEqual([a, b]);
    expect((await setTag(agent.token, thread.id, a.id)).tags).toEqual([a, b]);
    expect((await getThread(adminToken(), thread.id)).tags).toEqual([a, b]);
    expect((await setTag(agent.token, thread.id, a.id, false)).tags).toEqual([b]);
    expect((await setTag(agent.token, thread.id, a.id, false)).tags).toEqual([b]);
  });

  it('tags a closed thread too (history)', async () => {
    const tag = await createTag();
    const { visitor, thread } = await queuedThread();
    expectStatus(await call('post /threads/{id}/close', { token: visitor.token, params: { id: thread.id } }), 200);
    expect((await setTag(adminToken(), thread.id, tag.id)).tags).toEqual([tag]);
  });

  it('answers THREAD_NOT_FOUND and TAG_NOT_FOUND (404), and 400 for ids that are not ids', async () => {
    const tag = await createTag();
    const { thread } = await queuedThread();
    const agent = await newAgent();
    expectProblem(await call('put /threads/{id}/tags/{tagId}', { token: agent.token, params: { id: SOME_ID, tagId: tag.id } }), ErrorCode.ThreadNotFound);
    expectProblem(await call('put /threads/{id}/tags/{tagId}', { token: agent.token, params: { id: thread.id, tagId: SOME_ID } }), ErrorCode.TagNotFound);
    expectProblem(await call('delete /threads/{id}/tags/{tagId}', { token: agent.token, params: { id: thread.id, tagId: SOME_ID } }), ErrorCode.TagNotFound);
    expectProblem(await call('put /threads/{id}/tags/{tagId}', { token: agent.token, params: { id: thread.id, tagId: 'x' } }), ErrorCode.ValidationFailed);
  });

  it('visitors cannot tag, and never see tags: their thread reads with none, over REST and sockets', async () => {
    const tag = await createTag();
    const { visitor, thread } = await queuedThread();
    expect((await call('put /threads/{id}/tags/{tagId}', { token: visitor.token, params: { id: thread.id, tagId: tag.id } })).status).toBe(403);
    const agent = await newAgent();
    const [agentSocket, visitorSocket] = await Promise.all([connect(agent.token), connect(visitor.token)]);
    const toAgent = waitFor(agentSocket, ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.tags.length === 1);
    const toVisitor = waitFor(visitorSocket, ServerEvent.ThreadUpdated, (t) => t.id === thread.id);
    await setTag(agent.token, thread.id, tag.id);
    expect((await toAgent).tags).toEqual([tag]);
    expect((await toVisitor).tags).toEqual([]);
    expect((await getThread(visitor.token, thread.id)).tags).toEqual([]);
    const mine = await call('get /threads', { token: visitor.token });
    expect(ThreadPageSchema.parse(mine.body).items.map((t) => t.tags)).toEqual([[]]);
    const started = await call('post /threads', { token: visitor.token, body: {} });
    expect(ThreadSchema.parse(started.body).tags).toEqual([]);
    expectProblem(await call('get /threads', { token: visitor.token, query: { tag: tag.id } }), ErrorCode.ValidationFailed);
  });

  it('API keys tag with threads:write; threads:read alone is refused naming the scope', async () => {
    const tag = await createTag();
    const { thread } = await queuedThread();
    const writer = await createApiKey({ scopes: ['threads:write'] });
    expect((await setTag(writer.key, thread.id, tag.id)).tags).toEqual([tag]);
    const reader = await createApiKey({ scopes: ['threads:read'] });
    const refused = expectProblem(await call('delete /threads/{id}/tags/{tagId}', { token: reader.key, params: { id: thread.id, tagId: tag.id } }), ErrorCode.InsufficientScope);
    expect(refused.detail).toContain('threads:write');
  });

  it('deleting a tag takes it off every thread', async () => {
    const [keep, gone] = [await createTag(), await createTag()];
    const { thread } = await queuedThread();
    await setTag(adminToken(), thread.id, keep.id);
    await setTag(adminToken(), thread.id, gone.id);
    expectStatus(await call('delete /tags/{id}', { token: adminToken(), params: { id: gone.id } }), 204);
    expect((await getThread(adminToken(), thread.id)).tags).toEqual([keep]);
  });
});

describe('tags: filtering lists', () => {
  it('GET /threads?tag= lists only the threads with that tag, newest first, page by page', async () => {
    const tag = await createTag();
    const threads: Thread[] = [];
    for (let i = 0; i < 3; i++) threads.push((await queuedThread()).thread);
    const untagged = (await queuedThread()).thread;
    for (const t of threads) await setTag(adminToken(), t.id, tag.id);
    const agent = await newAgent();
    const first = ThreadPageSchema.parse((await call('get /threads', { token: agent.token, query: { tag: tag.id, limit: 2 } })).body);
    expect(first.items.map((t) => t.id)).toEqual([threads[2].id, threads[1].id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = ThreadPageSchema.parse((await call('get /threads', { token: agent.token, query: { tag: tag.id, limit: 2, cursor: first.nextCursor ?? undefined } })).body);
    expect(second).toEqual({ items: [expect.objectContaining({ id: threads[0].id, tags: [tag] })], nextCursor: null });
    const queued = ThreadPageSchema.parse((await call('get /threads', { token: agent.token, query: { tag: tag.id, status: 'queued' } })).body);
    expect(queued.items.map((t) => t.id)).not.toContain(untagged.id);
    expectProblem(await call('get /threads', { token: agent.token, query: { tag: 'billing' } }), ErrorCode.ValidationFailed);
    const none = ThreadPageSchema.parse((await call('get /threads', { token: agent.token, query: { tag: SOME_ID } })).body);
    expect(none.items).toEqual([]);
  });
});

describe('tags: webhooks', () => {
  it('a tag change is a thread.updated event (change tagged / untagged) carrying the tags', async () => {
    const receiver = await WebhookReceiver.start();
    const created = await call('post /webhooks', { token: adminToken(), body: { url: receiver.url('/tags'), events: ['thread.updated'] } });
    expectStatus(created, 201);
    const hookId = (created.body as { id: string }).id;
    try {
      const tag = await createTag();
      const { thread } = await queuedThread();
      await setTag(adminToken(), thread.id, tag.id);
      await setTag(adminToken(), thread.id, tag.id, false);
      const got = await until(
        'the tagged and untagged events',
        () => {
          const events = receiver.at('/tags').map((r) => r.body.data as { change: string; thread: Thread }).filter((d) => d.thread.id === thread.id);
          return events.length >= 2 && events;
        },
        LIVENESS_MS,
      );
      expect(got.map((d) => [d.change, d.thread.tags])).toEqual([
        ['tagged', [tag]],
        ['untagged', []],
      ]);
    } finally {
      await call('delete /webhooks/{id}', { token: adminToken(), params: { id: hookId } });
      await receiver.close();
    }
  });
});
