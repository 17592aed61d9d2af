import { API_KEY_SCOPES, type ApiKeyScope, ApiKeySchema, type CreatedApiKey, CreatedApiKeySchema, ERROR_HTTP_STATUS, ErrorCode, REST_ROUTE_LIST } from '@parley/contracts';
import { eventually } from '@parley/test-support';
import { activeConversation, adminToken, createApiKey, newAgent, unique } from './support/actors';
import { api, call, expectProblem, expectStatus, http } from './support/http';
import { CREDENTIALED_ROUTES, SOME_ID } from './support/routes';

async function listedKey(id: string) {
  const res = await api('get', '/api-keys', { token: adminToken() });
  expectStatus(res, 200);
  const found = (res.body as unknown[]).map((k) => ApiKeySchema.parse(k)).find((k) => k.id === id);
  if (!found) throw new Error(`key ${id} is not listed`);
  return found;
}

describe('API key scopes: every route x every scope, from the route table', () => {
  const keys = new Map<ApiKeyScope, CreatedApiKey>();

  beforeAll(async () => {
    for (const scope of API_KEY_SCOPES) keys.set(scope, await createApiKey({ name: `only ${scope}`, scopes: [scope] }));
  });

  it('gives every route an API key may call a scope, and no other route one', () => {
    const apiKeyRoutes = REST_ROUTE_LIST.filter((r) => r.callers.includes('apiKey'));
    expect(apiKeyRoutes.length).toBeGreaterThan(0);
    expect(apiKeyRoutes.filter((r) => !r.scope)).toEqual([]);
    expect(REST_ROUTE_LIST.filter((r) => r.scope && !r.callers.includes('apiKey'))).toEqual([]);
  });

  const cases = CREDENTIALED_ROUTES.flatMap((c) => API_KEY_SCOPES.map((scope) => ({ ...c, scope, name: `${c.key} with a ${scope} key` })));

  it.each(cases)('$name', async ({ route, method, path, body, scope }) => {
    const res = await http(method, path, { token: keys.get(scope)?.key, body });
    if (!route.callers.includes('apiKey')) {
      expectProblem(res, ErrorCode.Forbidden);
    } else if (route.scope === scope) {
      // Past the guard: the route's own answer, success or one of the codes it documents.
      const documented = [route.status, ...(route.errors ?? []).map((c) => ERROR_HTTP_STATUS[c])];
      const answer = { status: res.status, code: res.status < 400 ? null : (res.body as { code?: string }).code };
      expect(documented.includes(answer.status) && (answer.code === null || (route.errors ?? []).some((c) => c === answer.code)) ? 'documented' : answer).toBe('documented');
    } else {
      const problem = expectProblem(res, ErrorCode.InsufficientScope);
      expect(problem.detail).toContain(route.scope);
      expect(res.headers['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="${route.scope}"`);
    }
  });

  it('a key with several scopes may do what each of them allows, and nothing else', async () => {
    const { thread } = await activeConversation();
    const key = await createApiKey({ scopes: ['threads:read', 'messages:write'] });
    expectStatus(await api('get', `/threads/${thread.id}`, { token: key.key }), 200);
    expectStatus(await api('post', `/threads/${thread.id}/messages`, { token: key.key, body: { clientMsgId: unique('s'), body: 'hello' } }), 201);
    expectProblem(await api('post', `/threads/${thread.id}/close`, { token: key.key }), ErrorCode.InsufficientScope);
    expectProblem(await api('get', '/agents', { token: key.key }), ErrorCode.InsufficientScope);
  });

  it('a key made without scopes gets every scope', async () => {
    const key = await createApiKey();
    expect([...key.scopes].sort()).toEqual([...API_KEY_SCOPES].sort());
  });
});

describe('API key creation: bad input', () => {
  const create = (body: object) => api('post', '/api-keys', { token: adminToken(), body: { name: unique('bad'), ...body } });

  it('refuses an unknown scope, naming it (400)', async () => {
    const problem = expectProblem(await create({ scopes: ['threads:read', 'threads:delete'] }), ErrorCode.ValidationFailed);
    expect(problem.detail).toContain('"threads:delete"');
    expect(problem.errors?.[0]?.path).toBe('scopes.1');
  });

  it('refuses an empty scope list, a scope that is not a string and scopes that are not a list (400)', async () => {
    expectProblem(await create({ scopes: [] }), ErrorCode.ValidationFailed);
    expectProblem(await create({ scopes: [42] }), ErrorCode.ValidationFailed);
    expectProblem(await create({ scopes: 'threads:read' }), ErrorCode.ValidationFailed);
  });

  it('refuses an expiry in the past or one that is not a timestamp (400)', async () => {
    const past = expectProblem(await create({ expiresAt: new Date(Date.now() - 60_000).toISOString() }), ErrorCode.ValidationFailed);
    expect(past.detail).toContain('future');
    expectProblem(await create({ expiresAt: 'tomorrow' }), ErrorCode.ValidationFailed);
    expectProblem(await create({ expiresAt: 1 }), ErrorCode.ValidationFailed);
  });
});

describe('API key expiry', () => {
  it('a key used before its expiry works and lists it', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const key = await createApiKey({ scopes: ['threads:read'], expiresAt });
    expect(Date.parse(key.expiresAt ?? '')).toBe(Date.parse(expiresAt));
    expectStatus(await api('get', '/threads', { token: key.key }), 200);
    expect(Date.parse((await listedKey(key.id)).expiresAt ?? '')).toBe(Date.parse(expiresAt));
  });

  it('an expired key gets 401 API_KEY_EXPIRED', async () => {
    // The shortest expiry the server takes; the test waits for the server to refuse it.
    const key = await createApiKey({ scopes: ['threads:read'], expiresAt: new Date(Date.now() + 2000).toISOString() });
    const problem = await eventually(() => api('get', '/threads', { token: key.key }).then((res) => expectProblem(res, ErrorCode.ApiKeyExpired)), 30_000, 250);
    expect(problem.status).toBe(401);
    expect(problem.detail).toContain('expired');
  });
});

describe('API key last use', () => {
  it('records when and from where a key was last used, at most once a minute', async () => {
    const key = await createApiKey({ scopes: ['threads:read'] });
    expect(key).toMatchObject({ lastUsedAt: null, lastUsedIp: null });
    expectStatus(await api('get', '/threads', { token: key.key }), 200);
    const first = await listedKey(key.id);
    expect(first.lastUsedAt).not.toBeNull();
    expect(first.lastUsedIp).toMatch(/127\.0\.0\.1$|^::1$/);
    expectStatus(await api('get', '/threads', { token: key.key }), 200);
    const second = await listedKey(key.id);
    // Within the minute the second use writes nothing (a test machine would need a minute between two requests to miss it).
    if (Date.now() - Date.parse(first.lastUsedAt ?? '') < 50_000) expect(second.lastUsedAt).toBe(first.lastUsedAt);
    else expect(Date.parse(second.lastUsedAt ?? '')).toBeGreaterThan(Date.parse(first.lastUsedAt ?? ''));
  });
});

describe('API key rotation', () => {
  it('gives a new secret for the same id, name, scopes and expiry; the old secret is refused at once', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const old = await createApiKey({ scopes: ['threads:read', 'agents:read'], expiresAt });
    expectStatus(await api('get', '/threads', { token: old.key }), 200);
    const res = await call('post /api-keys/{id}/rotate', { token: adminToken(), params: { id: old.id } });
    expectStatus(res, 200);
    const rotated = CreatedApiKeySchema.parse(res.body);
    expect(rotated).toMatchObject({ id: old.id, name: old.name, scopes: old.scopes, expiresAt: old.expiresAt, revokedAt: null });
    expect(rotated.rotatedAt).not.toBeNull();
    expect(rotated.key).not.toBe(old.key);
    expect(rotated.key).toContain(rotated.prefix);
    expectProblem(await api('get', '/threads', { token: old.key }), ErrorCode.Unauthenticated);
    expectStatus(await api('get', '/threads', { token: rotated.key }), 200);
    expectProblem(await api('post', `/threads/${SOME_ID}/close`, { token: rotated.key }), ErrorCode.InsufficientScope);
    const listed = await listedKey(old.id);
    expect(listed).toMatchObject({ prefix: rotated.prefix, rotatedAt: rotated.rotatedAt });
    expect(JSON.stringify(listed)).not.toContain(rotated.key);
  });

  it('refuses an unknown or revoked key (404 API_KEY_NOT_FOUND) and anyone but an admin (403)', async () => {
    expectProblem(await call('post /api-keys/{id}/rotate', { token: adminToken(), params: { id: SOME_ID } }), ErrorCode.ApiKeyNotFound);
    const revoked = await createApiKey();
    expectStatus(await api('delete', `/api-keys/${revoked.id}`, { token: adminToken() }), 200);
    expectProblem(await call('post /api-keys/{id}/rotate', { token: adminToken(), params: { id: revoked.id } }), ErrorCode.ApiKeyNotFound);
    expectProblem(await api('get', '/threads', { token: revoked.key }), ErrorCode.Unauthenticated);
    const agent = await newAgent();
    const live = await createApiKey();
    expectProblem(await call('post /api-keys/{id}/rotate', { token: agent.token, params: { id: live.id } }), ErrorCode.Forbidden);
    expectProblem(await call('post /api-keys/{id}/rotate', { token: live.key, params: { id: live.id } }), ErrorCode.Forbidden);
    expectStatus(await api('get', '/threads', { token: live.key }), 200);
  });
});
