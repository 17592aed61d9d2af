import { randomBytes } from 'node:crypto';
import { type AuditAction, type AuditEvent, AuditEventPageSchema, CreatedApiKeySchema, CreatedWebhookSchema, ErrorCode, RetentionSettingsSchema, type WidgetSettings } from '@parley/contracts';
import { adminToken, createApiKey, newAgent, unique } from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { e2e } from './support/state';

const UA = 'audit-e2e/1.0';
const headers = { 'user-agent': UA };

/** Every entry matching the query (all pages), newest first. */
async function auditEntries(query: Record<string, string | number>, token = adminToken()): Promise<AuditEvent[]> {
  const items: AuditEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const res = await api('get', '/audit-events', { token, query: cursor ? { ...query, cursor } : query });
    expectStatus(res, 200);
    const parsed = AuditEventPageSchema.parse(res.body);
    items.push(...parsed.items);
    cursor = parsed.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('the audit log did not end within 100 pages');
}

/** The actions recorded about one target, oldest first. */
async function actionsOn(targetId: string): Promise<AuditAction[]> {
  return (await auditEntries({ targetId })).map((e) => e.action).reverse();
}

function fromThisClient(e: AuditEvent): void {
  expect(e.ip).toMatch(/127\.0\.0\.1$/);
  expect(e.userAgent).toBe(UA);
}

describe('audit log', () => {
  it('records each admin action on an agent once, with who, when, from where and what changed, and never a password', async () => {
    const before = Date.now();
    const admin = e2e().admin;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const created = await api('post', '/agents', { token: adminToken(), headers, body: { email: `${unique('audited')}@agents.test`, name: 'Audited Agent', password, role: 'agent' } });
    expectStatus(created, 201);
    const id = (created.body as { id: string }).id;
    expectStatus(await api('patch', `/agents/${id}`, { token: adminToken(), headers, body: { role: 'admin' } }), 200);
    expectStatus(await api('patch', `/agents/${id}`, { token: adminToken(), headers, body: { active: false } }), 200);
    const newPassword = `pw-${randomBytes(8).toString('hex')}`;
    expectStatus(await api('post', `/agents/${id}/password`, { token: adminToken(), headers, body: { password: newPassword } }), 204);

    const entries = (await auditEntries({ targetId: id })).reverse();
    expect(entries.map((e) => e.action)).toEqual(['agent.created', 'agent.updated', 'agent.updated', 'agent.password_reset']);
    for (const e of entries) {
      expect(e.actor).toEqual({ type: 'agent', id: admin.id, name: admin.name });
      expect(e.target).toEqual({ type: 'agent', id });
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(before - 5000);
      fromThisClient(e);
    }
    expect(entries[1].details).toEqual({ changes: { role: 'admin' } });
    expect(entries[2].details).toEqual({ changes: { active: false } });
    expect(entries[0].details['changes']).toMatchObject({ name: 'Audited Agent', role: 'agent', password: '[Redacted]' });
    const all = JSON.stringify(entries);
    expect(all).not.toContain(password);
    expect(all).not.toContain(newPassword);
  });

  it("records an agent's own password change and sign-out everywhere against the agent", async () => {
    const agent = await newAgent();
    const newPassword = `pw-${randomBytes(8).toString('hex')}`;
    expectStatus(await api('post', '/auth/password', { token: agent.token, headers, body: { currentPassword: agent.password, newPassword } }), 204);
    expectStatus(await api('post', '/auth/logout-everywhere', { token: agent.token, headers }), 204);
    const entries = (await auditEntries({ targetId: agent.agent.id })).reverse();
    expect(entries.map((e) => e.action)).toEqual(['agent.created', 'agent.password_changed', 'agent.signed_out_everywhere']);
    expect(entries[1].actor).toMatchObject({ type: 'agent', id: agent.agent.id });
    expect(JSON.stringify(entries)).not.toContain(newPassword);
    expect(JSON.stringify(entries)).not.toContain(agent.password);
  });

  it('records API keys created, rotated and revoked; an Idempotency-Key replay is not a second action', async () => {
    const idem = { ...headers, 'Idempotency-Key': unique('idem') };
    const body = { name: unique('audited-key'), scopes: ['threads:read'] };
    const first = await api('post', '/api-keys', { token: adminToken(), headers: idem, body });
    expectStatus(first, 201);
    const replay = await api('post', '/api-keys', { token: adminToken(), headers: idem, body });
    expectStatus(replay, 201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const key = CreatedApiKeySchema.parse(first.body);
    expectStatus(await api('post', `/api-keys/${key.id}/rotate`, { token: adminToken(), headers, body: {} }), 200);
    expectStatus(await api('delete', `/api-keys/${key.id}`, { token: adminToken(), headers }), 200);
    expect(await actionsOn(key.id)).toEqual(['api_key.created', 'api_key.rotated', 'api_key.revoked']);
    expect(JSON.stringify(await auditEntries({ targetId: key.id }))).not.toContain(key.key);
  });

  it('records webhook changes, by an integrator too, and never the signing secret', async () => {
    const integrator = await createApiKey({ scopes: ['webhooks:manage'] });
    const created = await api('post', '/webhooks', { token: integrator.key, headers, body: { url: 'http://127.0.0.1:9/audit?token=abc123', events: ['thread.created'] } });
    expectStatus(created, 201);
    const hook = CreatedWebhookSchema.parse(created.body);
    expectStatus(await api('patch', `/webhooks/${hook.id}`, { token: adminToken(), headers, body: { enabled: false } }), 200);
    const rotated = await api('post', `/webhooks/${hook.id}/rotate-secret`, { token: adminToken(), headers, body: {} });
    expectStatus(rotated, 200);
    expectStatus(await api('delete', `/webhooks/${hook.id}`, { token: adminToken(), headers }), 200);
    const entries = (await auditEntries({ targetId: hook.id })).reverse();
    expect(entries.map((e) => e.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.secret_rotated', 'webhook.deleted']);
    expect(entries[0].actor).toEqual({ type: 'apiKey', id: integrator.id, name: integrator.name });
    const all = JSON.stringify(entries);
    expect(all).not.toContain(hook.secret);
    expect(all).not.toContain((rotated.body as { secret: string }).secret);
    // A credential in the URL's query is not kept either.
    expect(all).not.toContain('abc123');
  });

  it('records widget settings and identity secrets', async () => {
    const current = (await api('get', '/widget/settings/admin', { token: adminToken() })).body as WidgetSettings;
    const since = (await auditEntries({ action: 'widget_settings.updated', limit: 1 }))[0]?.id ?? '0';
    const { title, greetingLines, color, allowedOrigins, identityRequired } = current;
    expectStatus(await api('put', '/widget/settings', { token: adminToken(), headers, body: { title, greetingLines, color, allowedOrigins, identityRequired } }), 200);
    const settings = (await auditEntries({ action: 'widget_settings.updated' })).filter((e) => BigInt(e.id) > BigInt(since) && e.userAgent === UA);
    expect(settings).toHaveLength(1);
    expect(settings[0].details['changes']).toMatchObject({ title });

    const secret = await api('post', '/widget/identity-secrets', { token: adminToken(), headers, body: {} });
    expectStatus(secret, 201);
    const secretId = (secret.body as { id: string; secret: string }).id;
    expectStatus(await api('delete', `/widget/identity-secrets/${secretId}`, { token: adminToken(), headers }), 204);
    expect(await actionsOn(secretId)).toEqual(['identity_secret.created', 'identity_secret.deleted']);
    expect(JSON.stringify(await auditEntries({ targetId: secretId }))).not.toContain((secret.body as { secret: string }).secret);
  });

  it('records one entry per lockout after repeated failed logins, with the address it came from', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 10; i++) {
      expectProblem(await api('post', '/auth/login', { headers, body: { email: agent.email, password: `wrong-${i}` } }), ErrorCode.InvalidCredentials);
    }
    // Further tries while locked are refused and are not new lockouts.
    expectProblem(await api('post', '/auth/login', { headers, body: { email: agent.email, password: 'wrong-again' } }), ErrorCode.RateLimited);
    const locks = (await auditEntries({ action: 'login.locked' })).filter((e) => e.details['email'] === agent.email);
    expect(locks).toHaveLength(1);
    expect(locks[0].actor).toEqual({ type: 'anonymous', id: null, name: null });
    expect(locks[0].details).toMatchObject({ failures: 10 });
    fromThisClient(locks[0]);
  });

  it('writes nothing for a refused or failed call', async () => {
    const agent = await newAgent();
    expectProblem(await api('patch', `/agents/${agent.agent.id}`, { token: agent.token, body: { role: 'admin' } }), ErrorCode.Forbidden);
    expectProblem(await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { role: 'owner' } }), ErrorCode.ValidationFailed);
    expect(await actionsOn(agent.agent.id)).toEqual(['agent.created']);
  });

  it('pages newest first and filters by action, actor, target and time', async () => {
    const agent = await newAgent();
    for (const name of ['One', 'Two', 'Three']) expectStatus(await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { name } }), 200);
    const pages: AuditEvent[][] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { targetId: agent.agent.id, limit: 2 };
      if (cursor) query['cursor'] = cursor;
      const page = AuditEventPageSchema.parse((await api('get', '/audit-events', { token: adminToken(), query })).body);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat().map((e) => e.action)).toEqual(['agent.updated', 'agent.updated', 'agent.updated', 'agent.created']);
    expect(pages.flat().map((e) => (e.details['changes'] as { name?: string }).name)).toEqual(['Three', 'Two', 'One', 'Alex Agent']);
    const ids = pages.flat().map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);

    const byActor = await auditEntries({ actorId: e2e().admin.id, action: 'agent.updated', targetId: agent.agent.id });
    expect(byActor).toHaveLength(3);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await auditEntries({ targetId: agent.agent.id, from: future })).toEqual([]);
    expect(await auditEntries({ targetId: agent.agent.id, to: future })).toHaveLength(4);
  });

  it('is for admins and API keys with audit:read only, and refuses bad filters by name', async () => {
    const agent = await newAgent();
    expectProblem(await api('get', '/audit-events', { token: agent.token }), ErrorCode.Forbidden);
    expectProblem(await api('get', '/audit-events'), ErrorCode.Unauthenticated);
    const without = await createApiKey({ scopes: ['threads:read'] });
    expectProblem(await api('get', '/audit-events', { token: without.key }), ErrorCode.InsufficientScope);
    const reader = await createApiKey({ scopes: ['audit:read'] });
    expectStatus(await api('get', '/audit-events', { token: reader.key, query: { limit: 1 } }), 200);
    for (const [field, value] of [
      ['action', 'agent.exploded'],
      ['actorId', 'me'],
      ['cursor', 'abc'],
      ['from', 'yesterday'],
      ['limit', '0'],
    ] as const) {
      const problem = expectProblem(await api('get', '/audit-events', { token: adminToken(), query: { [field]: value } }), ErrorCode.ValidationFailed);
      expect(JSON.stringify(problem)).toContain(field);
    }
  });
});

describe('data retention settings', () => {
  afterAll(async () => {
    expectStatus(await api('put', '/settings/retention', { token: adminToken(), body: { closedThreadsDays: null } }), 200);
  });

  it('is off until an admin sets whole days, at least 30; each change is audited', async () => {
    // Other files on this server may change it (the hostile corpus sends valid values too): start from "off".
    const off = await api('put', '/settings/retention', { token: adminToken(), body: { closedThreadsDays: null } });
    expectStatus(off, 200);
    expect(RetentionSettingsSchema.parse(off.body).closedThreadsDays).toBeNull();
    for (const bad of [29, 30.5, '90', -1, 0, 36_501]) {
      const problem = expectProblem(await api('put', '/settings/retention', { token: adminToken(), body: { closedThreadsDays: bad } }), ErrorCode.ValidationFailed);
      expect(JSON.stringify(problem)).toContain('closedThreadsDays');
    }
    expectProblem(await api('put', '/settings/retention', { token: adminToken(), body: {} }), ErrorCode.ValidationFailed);
    const set = await api('put', '/settings/retention', { token: adminToken(), headers, body: { closedThreadsDays: 90 } });
    expectStatus(set, 200);
    expect(RetentionSettingsSchema.parse(set.body).closedThreadsDays).toBe(90);
    const mine = (await auditEntries({ action: 'retention.updated' })).filter((e) => e.userAgent === UA);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ actor: { id: e2e().admin.id }, details: { changes: { closedThreadsDays: 90 } } });
  });

  it('is for admins only', async () => {
    const agent = await newAgent();
    expectProblem(await api('get', '/settings/retention', { token: agent.token }), ErrorCode.Forbidden);
    expectProblem(await api('put', '/settings/retention', { token: agent.token, body: { closedThreadsDays: 30 } }), ErrorCode.Forbidden);
    const key = await createApiKey();
    expectProblem(await api('get', '/settings/retention', { token: key.key }), ErrorCode.Forbidden);
  });
});
