import { type CannedResponse, CannedResponseSchema, ErrorCode, LIMITS, type RouteBody } from '@parley/contracts';
import { z } from 'zod';
import { adminToken, newAgent, newApiKey, newVisitor, unique } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';

const CannedListSchema = z.array(CannedResponseSchema);

/** A shortcut no other test (or earlier run on the same database) uses: lower case, digits, hyphens. */
const shortcut = (prefix: string) => unique(prefix);

async function create(token: string, body: RouteBody<'post /canned-responses'>): Promise<CannedResponse> {
  const res = await call('post /canned-responses', { token, body });
  expectStatus(res, 201);
  return CannedResponseSchema.parse(res.body);
}

async function list(token: string, scope?: 'personal' | 'shared'): Promise<CannedResponse[]> {
  const res = await call('get /canned-responses', { token, query: { scope } });
  expectStatus(res, 200);
  return CannedListSchema.parse(res.body);
}

const ids = (items: CannedResponse[]) => items.map((c) => c.id);

describe('canned responses: personal', () => {
  it('an agent saves, lists, reads, changes and deletes its own replies', async () => {
    const alex = await newAgent();
    const made = await create(alex.token, { shortcut: shortcut('hi'), title: 'Greeting', body: 'Hello {{visitor.name}}, I am {{agent.name}}.' });
    expect(made).toMatchObject({ scope: 'personal', ownerId: alex.agent.id, title: 'Greeting', body: 'Hello {{visitor.name}}, I am {{agent.name}}.' });

    expect(ids(await list(alex.token))).toContain(made.id);
    expect(ids(await list(alex.token, 'personal'))).toEqual([made.id]);
    expect(ids(await list(alex.token, 'shared'))).not.toContain(made.id);

    const read = await call('get /canned-responses/{id}', { token: alex.token, params: { id: made.id } });
    expectStatus(read, 200);
    expect(CannedResponseSchema.parse(read.body)).toEqual(made);

    const renamed = shortcut('hello');
    const patched = await call('patch /canned-responses/{id}', { token: alex.token, params: { id: made.id }, body: { shortcut: renamed, body: 'Hi there' } });
    expectStatus(patched, 200);
    const changed = CannedResponseSchema.parse(patched.body);
    expect(changed).toMatchObject({ id: made.id, shortcut: renamed, title: 'Greeting', body: 'Hi there', scope: 'personal' });
    expect(Date.parse(changed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(made.updatedAt));

    const removed = await call('delete /canned-responses/{id}', { token: alex.token, params: { id: made.id } });
    expectStatus(removed, 200);
    expect(CannedResponseSchema.parse(removed.body).id).toBe(made.id);
    expectProblem(await call('get /canned-responses/{id}', { token: alex.token, params: { id: made.id } }), ErrorCode.CannedResponseNotFound);
    expectProblem(await call('delete /canned-responses/{id}', { token: alex.token, params: { id: made.id } }), ErrorCode.CannedResponseNotFound);
    expect(ids(await list(alex.token))).not.toContain(made.id);
  });

  it("another agent, and an admin too, never sees, changes or deletes an agent's personal reply (404)", async () => {
    const [owner, other] = await Promise.all([newAgent(), newAgent()]);
    const mine = await create(owner.token, { shortcut: shortcut('mine'), title: 'Mine', body: 'Only mine' });
    for (const token of [other.token, adminToken()]) {
      expect(ids(await list(token))).not.toContain(mine.id);
      expectProblem(await call('get /canned-responses/{id}', { token, params: { id: mine.id } }), ErrorCode.CannedResponseNotFound);
      expectProblem(await call('patch /canned-responses/{id}', { token, params: { id: mine.id }, body: { body: 'stolen' } }), ErrorCode.CannedResponseNotFound);
      expectProblem(await call('delete /canned-responses/{id}', { token, params: { id: mine.id } }), ErrorCode.CannedResponseNotFound);
    }
    const still = await call('get /canned-responses/{id}', { token: owner.token, params: { id: mine.id } });
    expectStatus(still, 200);
    expect(CannedResponseSchema.parse(still.body)).toEqual(mine);
  });
});

describe('canned responses: shared', () => {
  it('an admin creates a shared reply every agent sees; the admin changes and deletes it', async () => {
    const [a, b] = await Promise.all([newAgent(), newAgent()]);
    const shared = await create(adminToken(), { scope: 'shared', shortcut: shortcut('refund'), title: 'Refunds', body: 'Refunds take 5 days.' });
    expect(shared).toMatchObject({ scope: 'shared', ownerId: null });
    for (const token of [a.token, b.token, adminToken()]) {
      expect(ids(await list(token))).toContain(shared.id);
      expect(ids(await list(token, 'shared'))).toContain(shared.id);
      expect(ids(await list(token, 'personal'))).not.toContain(shared.id);
      expectStatus(await call('get /canned-responses/{id}', { token, params: { id: shared.id } }), 200);
    }
    const patched = await call('patch /canned-responses/{id}', { token: adminToken(), params: { id: shared.id }, body: { title: 'Refund policy' } });
    expectStatus(patched, 200);
    expect(CannedResponseSchema.parse(patched.body)).toMatchObject({ title: 'Refund policy', scope: 'shared' });
    expectStatus(await call('delete /canned-responses/{id}', { token: adminToken(), params: { id: shared.id } }), 200);
    expect(ids(await list(a.token))).not.toContain(shared.id);
  });

  it('an agent may not create, change or delete a shared reply (403 FORBIDDEN), and nothing changes', async () => {
    const agent = await newAgent();
    const shared = await create(adminToken(), { scope: 'shared', shortcut: shortcut('ship'), title: 'Shipping', body: 'We ship worldwide.' });
    expectProblem(await call('post /canned-responses', { token: agent.token, body: { scope: 'shared', shortcut: shortcut('x'), title: 'X', body: 'x' } }), ErrorCode.Forbidden);
    expectProblem(await call('patch /canned-responses/{id}', { token: agent.token, params: { id: shared.id }, body: { body: 'We ship nowhere.' } }), ErrorCode.Forbidden);
    expectProblem(await call('delete /canned-responses/{id}', { token: agent.token, params: { id: shared.id } }), ErrorCode.Forbidden);
    const read = await call('get /canned-responses/{id}', { token: agent.token, params: { id: shared.id } });
    expect(CannedResponseSchema.parse(read.body)).toEqual(shared);
    expect((await list(agent.token, 'shared')).filter((c) => c.title === 'X')).toEqual([]);
    expectStatus(await call('delete /canned-responses/{id}', { token: adminToken(), params: { id: shared.id } }), 200);
  });
});

describe('canned responses: shortcuts', () => {
  it('a shortcut is unique within its scope (409 SHORTCUT_TAKEN), not across scopes or agents', async () => {
    const [a, b] = await Promise.all([newAgent(), newAgent()]);
    const name = shortcut('dup');
    const first = await create(a.token, { shortcut: name, title: 'One', body: 'one' });
    expectProblem(await call('post /canned-responses', { token: a.token, body: { shortcut: name, title: 'Two', body: 'two' } }), ErrorCode.ShortcutTaken);
    // Another agent's personal scope, and the shared one, are other scopes.
    await create(b.token, { shortcut: name, title: 'Two', body: 'two' });
    const shared = await create(adminToken(), { scope: 'shared', shortcut: name, title: 'Shared', body: 'shared' });
    expectProblem(await call('post /canned-responses', { token: adminToken(), body: { scope: 'shared', shortcut: name, title: 'Again', body: 'again' } }), ErrorCode.ShortcutTaken);
    // The agent sees both of its /name replies, its own first.
    expect((await list(a.token)).filter((c) => c.shortcut === name).map((c) => c.id)).toEqual([first.id, shared.id]);

    // Renaming onto a taken shortcut is refused too; the reply keeps its old one.
    const second = await create(a.token, { shortcut: shortcut('other'), title: 'Other', body: 'other' });
    expectProblem(await call('patch /canned-responses/{id}', { token: a.token, params: { id: second.id }, body: { shortcut: name } }), ErrorCode.ShortcutTaken);
    const read = await call('get /canned-responses/{id}', { token: a.token, params: { id: second.id } });
    expect(CannedResponseSchema.parse(read.body).shortcut).toBe(second.shortcut);
    expectStatus(await call('delete /canned-responses/{id}', { token: adminToken(), params: { id: shared.id } }), 200);
  });

  it.each([
    ['upper case', 'Hello'],
    ['a space', 'hello there'],
    ['a slash', '/hello'],
    ['an underscore', 'hello_there'],
    ['empty', ''],
    ['33 characters', 'a'.repeat(33)],
    ['non-ASCII', 'héllo'],
  ])('refuses a shortcut with %s (400 VALIDATION_FAILED)', async (_what, bad) => {
    const agent = await newAgent();
    const problem = expectProblem(await call('post /canned-responses', { token: agent.token, body: { shortcut: bad, title: 'T', body: 'b' } }), ErrorCode.ValidationFailed);
    expect(problem.errors?.map((e) => e.path)).toContain('shortcut');
    const made = await create(agent.token, { shortcut: shortcut('ok'), title: 'T', body: 'b' });
    expectProblem(await call('patch /canned-responses/{id}', { token: agent.token, params: { id: made.id }, body: { shortcut: bad } }), ErrorCode.ValidationFailed);
  });

  it('accepts a 32-character shortcut of letters, digits and hyphens', async () => {
    const agent = await newAgent();
    const long = `${shortcut('l')}${'-9'.repeat(16)}`.slice(0, 32);
    const made = await create(agent.token, { shortcut: long, title: 'Long', body: 'b' });
    expect(made.shortcut).toBe(long);
  });
});

describe('canned responses: bad input', () => {
  it('refuses a body over the message limit, an empty body or title, a long title, unknown fields, an empty change and a bad scope (400)', async () => {
    const agent = await newAgent();
    const ok = { shortcut: shortcut('b'), title: 'T', body: 'b' };
    const refused = [
      { ...ok, body: 'x'.repeat(LIMITS.messageBodyMax + 1) },
      { ...ok, body: '   ' },
      { ...ok, title: '' },
      { ...ok, title: 'x'.repeat(LIMITS.cannedTitleMax + 1) },
      { ...ok, ownerId: agent.agent.id },
      { ...ok, scope: 'team' },
      { shortcut: ok.shortcut, title: 'T' },
    ];
    for (const body of refused) {
      expectProblem(await call('post /canned-responses', { token: agent.token, body: body as RouteBody<'post /canned-responses'> }), ErrorCode.ValidationFailed);
    }
    const atLimit = await create(agent.token, { ...ok, body: 'x'.repeat(LIMITS.messageBodyMax) });
    expect(atLimit.body).toHaveLength(LIMITS.messageBodyMax);
    const id = atLimit.id;
    expectProblem(await call('patch /canned-responses/{id}', { token: agent.token, params: { id }, body: {} }), ErrorCode.ValidationFailed);
    expectProblem(await call('patch /canned-responses/{id}', { token: agent.token, params: { id }, body: { body: 'x'.repeat(LIMITS.messageBodyMax + 1) } }), ErrorCode.ValidationFailed);
    expectProblem(
      await call('patch /canned-responses/{id}', { token: agent.token, params: { id }, body: { scope: 'shared' } as RouteBody<'patch /canned-responses/{id}'> }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await call('get /canned-responses/{id}', { token: agent.token, params: { id: 'not-a-uuid' } }), ErrorCode.ValidationFailed);
    expectProblem(await call('get /canned-responses', { token: agent.token, query: { scope: 'team' as 'shared' } }), ErrorCode.ValidationFailed);
    const unchanged = await call('get /canned-responses/{id}', { token: agent.token, params: { id } });
    expect(CannedResponseSchema.parse(unchanged.body)).toEqual(atLimit);
  });

  it('keeps markup in a body as text', async () => {
    const agent = await newAgent();
    const made = await create(agent.token, { shortcut: shortcut('m'), title: '<b>T</b>', body: '<img src=x onerror=alert(1)>' });
    expect(made).toMatchObject({ title: '<b>T</b>', body: '<img src=x onerror=alert(1)>' });
  });
});

describe('canned responses: callers', () => {
  it('visitors and API keys may not use them (403 FORBIDDEN), nor anyone without credentials (401)', async () => {
    const [visitor, key] = await Promise.all([newVisitor(), newApiKey()]);
    for (const token of [visitor.token, key]) {
      expectProblem(await call('get /canned-responses', { token }), ErrorCode.Forbidden);
      expectProblem(await call('post /canned-responses', { token, body: { shortcut: shortcut('v'), title: 'T', body: 'b' } }), ErrorCode.Forbidden);
    }
    expectProblem(await call('get /canned-responses', {}), ErrorCode.Unauthenticated);
  });
});
