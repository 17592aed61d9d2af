import type { AddressInfo } from 'node:net';
import type { AuthResponse, CreatedIdentitySecret, WidgetSettings } from '@parley/contracts';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { io } from 'socket.io-client';
import { OriginPolicy } from '../common/origin-policy';
import { createApp } from '../bootstrap';
import { Actors } from '../testing/actors';
import { describeBackends, createTestDatabase, testConfig, type TestDatabase } from '../testing/test-app';

const SHOP = 'https://shop.example.com';
const BLOG = 'https://blog.example.org:8080';

/** Whether a socket handshake sent with this Origin header is accepted. */
async function handshake(url: string, origin: string): Promise<'connected' | string> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { origin }, auth: { token: 'x' }, timeout: 5000 });
  try {
    return await new Promise((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (err) => resolve(err.message));
    });
  } finally {
    socket.close();
  }
}

describeBackends('widget settings', (backend) => {
  let db: TestDatabase;
  let app: Awaited<ReturnType<typeof createApp>>;
  let actors: Actors;
  let admin: AuthResponse;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const valid = { title: 'Ask EVA', greetingLines: ["Hi, I'm EVA.", 'Tell us who you are.'], color: '#0B7A75', allowedOrigins: [`${SHOP}/`, BLOG, SHOP] };

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    app = await createApp(testConfig(db));
    await app.listen(0, '127.0.0.1');
    actors = new Actors(app);
    admin = await actors.admin();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('starts with defaults anyone may read, the list of allowed sites for admins only', async () => {
    const res = await actors.http.get('/api/v1/widget/settings').expect(200);
    const s = res.body as WidgetSettings;
    expect(s.title).toBe('Chat with us');
    expect(s.greetingLines).toHaveLength(2);
    expect(s.color).toMatch(/^#[0-9a-f]{6}$/i);
    // The public answer is what the widget draws; which sites may embed it is not for every page to read.
    expect(Object.keys(s).sort()).toEqual(['color', 'defaultLocale', 'greetingLines', 'identityRequired', 'title', 'translations', 'updatedAt']);
    expect(s).toMatchObject({ defaultLocale: 'en', translations: {} });
    expect(Date.parse(s.updatedAt)).not.toBeNaN();
    const full = (await actors.http.get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body as WidgetSettings;
    // Admins also see which sites may embed it, its secrets, where it was seen, and whether agents see visitors' addresses.
    expect(full).toEqual({ ...s, allowedOrigins: [], identitySecrets: [], seenOn: null, showVisitorIp: false });
    await actors.http.get('/api/v1/widget/settings/admin').expect(401);
  });

  it('lets an admin change them, normalising and de-duplicating the origins', async () => {
    const before = (await actors.http.get('/api/v1/widget/settings').expect(200)).body as WidgetSettings;
    const res = await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send(valid).expect(200);
    const s = res.body as WidgetSettings;
    expect(s).toMatchObject({ title: 'Ask EVA', greetingLines: valid.greetingLines, color: '#0B7A75', allowedOrigins: [SHOP, BLOG] });
    expect(Date.parse(s.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
    expect((await actors.http.get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body).toEqual(s);
    const { allowedOrigins: _sites, identitySecrets: _secrets, seenOn: _seen, showVisitorIp: _ip, ...shown } = s;
    expect((await actors.http.get('/api/v1/widget/settings').expect(200)).body).toEqual(shown);
  });

  it('keeps the default language and the texts per language, left as they are by a change that does not name them', async () => {
    const translations = { de: { title: 'Fragen Sie uns', greetingLines: ['Hallo!'] }, ar: { closedMessage: 'نحن غير متاحين الآن' }, fr: {} };
    const s = (await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send({ ...valid, defaultLocale: 'de', translations }).expect(200)).body as WidgetSettings;
    expect(s).toMatchObject({ defaultLocale: 'de', translations: { de: translations.de, ar: translations.ar } });
    expect(s.translations).not.toHaveProperty('fr');
    const again = (await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send(valid).expect(200)).body as WidgetSettings;
    expect(again).toMatchObject({ defaultLocale: 'de', translations: { de: translations.de, ar: translations.ar } });
    expect((await actors.http.get('/api/v1/widget/settings').expect(200)).body).toMatchObject({ defaultLocale: 'de', translations: s.translations });
    const cleared = (await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send({ ...valid, defaultLocale: 'en', translations: {} }).expect(200)).body as WidgetSettings;
    expect(cleared).toMatchObject({ defaultLocale: 'en', translations: {} });
  });

  it('records the allowed site whose page last loaded the widget, for admins to see, and no other', async () => {
    await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send(valid).expect(200);
    const before = (await actors.http.get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body as WidgetSettings;
    await actors.http.get('/api/v1/widget/settings').set('origin', 'https://evil.example.net').expect(200);
    await actors.http.get('/api/v1/widget/settings').set('origin', BLOG).expect(200);
    const seen = (await actors.http.get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body as WidgetSettings;
    expect(seen.seenOn?.origin).toBe(BLOG);
    expect(Date.parse(seen.seenOn?.at ?? '')).not.toBeNaN();
    // Being seen is not a change of the settings.
    expect(seen.updatedAt).toBe(before.updatedAt);
    expect((await actors.http.get('/api/v1/widget/settings').set('origin', BLOG).expect(200)).body).not.toHaveProperty('seenOn');
  });

  it('validates the body and names each bad field', async () => {
    const cases: [object, string][] = [
      [{ ...valid, color: 'red' }, 'color'],
      [{ ...valid, title: '  ' }, 'title'],
      [{ ...valid, greetingLines: ['a', 'b', 'c', 'd'] }, 'greetingLines'],
      [{ ...valid, allowedOrigins: ['https://shop.example.com/path'] }, 'allowedOrigins.0'],
      [{ ...valid, allowedOrigins: ['javascript:alert(1)'] }, 'allowedOrigins.0'],
      [{ ...valid, support_agent_id: null }, '(root)'],
      [{ ...valid, defaultLocale: 'xx' }, 'defaultLocale'],
      [{ ...valid, translations: { klingon: { title: 'Qapla' } } }, 'translations'],
      [{ ...valid, translations: { de: { title: 'x'.repeat(61) } } }, 'translations.de.title'],
      [{ ...valid, translations: { de: { greetingLines: ['a', 'b', 'c', 'd'] } } }, 'translations.de.greetingLines'],
      [{ ...valid, translations: { ar: { closedMessage: 'x'.repeat(201) } } }, 'translations.ar.closedMessage'],
      [{ ...valid, translations: { de: { subtitle: 'Hallo' } } }, 'translations.de'],
    ];
    for (const [body, path] of cases) {
      const res = await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('refuses agents who are not admins, visitors and anonymous callers', async () => {
    const agent = await actors.agent(admin.token);
    const visitor = await actors.visitor();
    await actors.http.put('/api/v1/widget/settings').set(auth(agent.token)).send(valid).expect(403);
    await actors.http.put('/api/v1/widget/settings').set(auth(visitor.token)).send(valid).expect(403);
    await actors.http.put('/api/v1/widget/settings').send(valid).expect(401);
  });

  it('hands the managed origins to the origin policy: CORS, frame-ancestors and the socket handshake follow a change at once', async () => {
    const policy = app.get(OriginPolicy);
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send(valid).expect(200);
    expect(policy.isAllowed(SHOP)).toBe(true);

    const allowed = await actors.http.get('/api/v1/widget/settings').set('origin', SHOP).expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP);
    expect(allowed.headers.vary).toContain('Origin');
    const other = await actors.http.get('/api/v1/widget/settings').set('origin', 'https://evil.example.net').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    // The token is bad on purpose: past the Origin check the handshake fails on authentication instead.
    expect(await handshake(url, SHOP)).toBe('UNAUTHENTICATED');
    expect(await handshake(url, 'https://evil.example.net')).not.toBe('UNAUTHENTICATED');

    await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send({ ...valid, allowedOrigins: [BLOG] }).expect(200);
    expect(policy.isAllowed(SHOP)).toBe(false);
    expect(policy.isAllowed(BLOG)).toBe(true);
    expect(await handshake(url, SHOP)).not.toBe('UNAUTHENTICATED');
  });

  it('keeps identity secrets encrypted and lists them by hint only', async () => {
    const created = (await actors.http.post('/api/v1/widget/identity-secrets').set(auth(admin.token)).expect(201)).body as CreatedIdentitySecret;
    const stored = (await app.get(DataSource).query(`SELECT secret, hint FROM identity_secrets WHERE id = $1`, [created.id])) as { secret: Buffer; hint: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0].hint).toBe(created.secret.slice(-4));
    expect(stored[0].secret.toString('latin1')).not.toContain(created.secret);
    const listed = (await actors.http.get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body as WidgetSettings;
    expect(listed.identitySecrets).toContainEqual({ id: created.id, hint: created.hint, createdAt: created.createdAt });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  // Two nodes on one database: PostgreSQL only (the embedded database is one process's).
  if (backend === 'postgres') {
    it("shows admins of every node a secret made on another at once, not the node's copy from before", async () => {
      const second = await createApp(testConfig(db));
      try {
        await second.init();
        const created = (await actors.http.post('/api/v1/widget/identity-secrets').set(auth(admin.token)).expect(201)).body as CreatedIdentitySecret;
        const other = (await request(second.getHttpServer()).get('/api/v1/widget/settings/admin').set(auth(admin.token)).expect(200)).body as WidgetSettings;
        expect(other.identitySecrets[0]).toEqual({ id: created.id, hint: created.hint, createdAt: created.createdAt });
      } finally {
        await second.close();
      }
    });
  }

  it('loads the managed origins at boot', async () => {
    await actors.http.put('/api/v1/widget/settings').set(auth(admin.token)).send({ ...valid, allowedOrigins: [SHOP] }).expect(200);
    // A restart: the first server stops before the next boots. (The embedded database serves one
    // process's one connection, and that server's background work keeps it busy while it runs.)
    await app.close();
    app = await createApp(testConfig(db));
    await app.init();
    expect(app.get(OriginPolicy).isAllowed(SHOP)).toBe(true);
    expect(app.get(OriginPolicy).isAllowed(BLOG)).toBe(false);
  });
});
