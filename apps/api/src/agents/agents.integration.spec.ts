import type { Agent, AuthResponse, Thread } from '@parley/contracts';
import { Actors } from '../testing/actors';
import { describeBackends, createTestApp, type TestApp } from '../testing/test-app';

describeBackends('agents and thread search', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp(backend);
    actors = new Actors(t.app);
    admin = await actors.admin();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a second setup and a duplicate email', async () => {
    const again = await actors.http.post('/api/v1/setup').send({ email: 'x@example.com', name: 'X', password: 'long-enough-1' }).expect(409);
    expect(again.body.code).toBe('SETUP_ALREADY_DONE');
    await actors.http.post('/api/v1/agents').set(auth(admin.token)).send({ email: 'dup@example.com', name: 'D', password: 'long-enough-1' }).expect(201);
    const dup = await actors.http.post('/api/v1/agents').set(auth(admin.token)).send({ email: 'DUP@example.com', name: 'D', password: 'long-enough-1' }).expect(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
  });

  it('deactivates an agent: its token stops working and it cannot sign in', async () => {
    const bob = await actors.agent(admin.token, 'Bob');
    await actors.http.get('/api/v1/agents/me').set(auth(bob.token)).expect(200);
    const res = await actors.http.patch(`/api/v1/agents/${bob.agent.id}`).set(auth(admin.token)).send({ active: false }).expect(200);
    expect((res.body as Agent).active).toBe(false);
    // The holder of Bob's own token learns why; the login tells nobody, whatever the password.
    const refused = await actors.http.get('/api/v1/agents/me').set(auth(bob.token)).expect(401);
    expect(refused.body.code).toBe('ACCOUNT_DEACTIVATED');
    const login = await actors.http.post('/api/v1/auth/login').send({ email: bob.agent.email, password: 'agent-password-1' }).expect(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
    const wrong = await actors.http.post('/api/v1/auth/login').send({ email: bob.agent.email, password: 'not-the-password' }).expect(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    await actors.http.patch(`/api/v1/agents/${bob.agent.id}`).set(auth(admin.token)).send({ active: true, role: 'admin' }).expect(200);
    await actors.http.post('/api/v1/auth/login').send({ email: bob.agent.email, password: 'agent-password-1' }).expect(200);
  });

  it('keeps at least one active admin', async () => {
    const admins = ((await actors.http.get('/api/v1/agents').set(auth(admin.token)).expect(200)).body as Agent[]).filter(
      (a) => a.role === 'admin' && a.active,
    );
    for (const a of admins.slice(1)) {
      await actors.http.patch(`/api/v1/agents/${a.id}`).set(auth(admin.token)).send({ role: 'agent' }).expect(200);
    }
    const last = await actors.http.patch(`/api/v1/agents/${admin.agent.id}`).set(auth(admin.token)).send({ active: false }).expect(403);
    expect(last.body.detail).toContain('at least one active admin');
  });

  it('sets presence', async () => {
    const res = await actors.http.patch('/api/v1/agents/me').set(auth(admin.token)).send({ status: 'away' }).expect(200);
    expect((res.body as Agent).status).toBe('away');
    await actors.http.patch('/api/v1/agents/me').set(auth(admin.token)).send({ status: 'offline' }).expect(400);
  });

  it('finds threads by visitor name, email or message text, and shows the first words', async () => {
    const v = await actors.visitor('Zelda Quartermaine');
    const thread = await actors.thread(v.token);
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'a', body: 'My parcel 100% vanished_' }).expect(201);
    const find = async (q: string) =>
      ((await actors.http.get('/api/v1/threads').query({ q }).set(auth(admin.token)).expect(200)).body.items as Thread[]).map((x) => x.id);
    expect(await find('quartermaine')).toEqual([thread.id]);
    expect(await find(v.visitor.email)).toEqual([thread.id]);
    expect(await find('100% vanished_')).toEqual([thread.id]);
    expect(await find('nothing like this')).toEqual([]);
    const read = await actors.http.get(`/api/v1/threads/${thread.id}`).set(auth(admin.token)).expect(200);
    expect((read.body as Thread).preview).toBe('My parcel 100% vanished_');
  });
});
