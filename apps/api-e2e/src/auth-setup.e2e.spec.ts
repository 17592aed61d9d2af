import {
  AgentSchema,
  AuthResponseSchema,
  ErrorCode,
  SetupStatusSchema,
  VisitorSchema,
  VisitorSessionResponseSchema,
} from '@parley/contracts';
import { adminToken, newAgent, newVisitor, startThread, unique } from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { e2e } from './support/state';

describe('first-run setup', () => {
  it('reported needsSetup:true on the fresh database', async () => {
    const { status } = e2e().firstRun;
    expect(status.status).toBe(200);
    expect(SetupStatusSchema.parse(status.body)).toEqual({ needsSetup: true });
  });

  it('created the first admin with POST /setup (201, token, role admin)', async () => {
    const { setup } = e2e().firstRun;
    expect(setup.status).toBe(201);
    const auth = AuthResponseSchema.parse(setup.body);
    expect(auth.agent).toMatchObject({ email: e2e().admin.email, name: e2e().admin.name, role: 'admin' });
    expect(Date.parse(auth.expiresAt)).toBeGreaterThan(Date.now());
    const me = await api('get', '/agents/me', { token: auth.token });
    expectStatus(me, 200);
    expect(AgentSchema.parse(me.body).id).toBe(auth.agent.id);
  });

  it('reports needsSetup:false once an admin exists', async () => {
    const res = await api('get', '/setup');
    expectStatus(res, 200);
    expect(SetupStatusSchema.parse(res.body)).toEqual({ needsSetup: false });
  });

  it('refuses a second setup with 409 SETUP_ALREADY_DONE and creates nobody', async () => {
    const email = `${unique('second-admin')}@e2e.test`;
    const res = await api('post', '/setup', {
      body: { email, name: 'Second Admin', password: 'another-password-1' },
    });
    expectProblem(res, ErrorCode.SetupAlreadyDone);
    const login = await api('post', '/auth/login', { body: { email, password: 'another-password-1' } });
    expectProblem(login, ErrorCode.InvalidCredentials);
  });
});

describe('agent login', () => {
  it('returns an AuthResponse for the right password', async () => {
    const { email, password, id } = e2e().admin;
    const res = await api('post', '/auth/login', { body: { email, password } });
    expectStatus(res, 200);
    const auth = AuthResponseSchema.parse(res.body);
    expect(auth.agent.id).toBe(id);
    expect(Date.parse(auth.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('accepts the email in another case (emails are normalised)', async () => {
    const { email, password } = e2e().admin;
    const res = await api('post', '/auth/login', { body: { email: email.toUpperCase(), password } });
    expectStatus(res, 200);
  });

  it('answers 401 INVALID_CREDENTIALS for a wrong password', async () => {
    const res = await api('post', '/auth/login', {
      body: { email: e2e().admin.email, password: 'wrong-password-123' },
    });
    expectProblem(res, ErrorCode.InvalidCredentials);
  });

  it('answers the same 401 INVALID_CREDENTIALS for an unknown email', async () => {
    const res = await api('post', '/auth/login', {
      body: { email: 'nobody@e2e.test', password: 'whatever-123' },
    });
    expectProblem(res, ErrorCode.InvalidCredentials);
  });
});

describe('agents (admin)', () => {
  it('creates an agent (201, default role agent) who can log in', async () => {
    const email = `${unique('new-agent')}@agents.test`;
    const res = await api('post', '/agents', {
      token: adminToken(),
      body: { email, name: 'New Agent', password: 'new-agent-pass' },
    });
    expectStatus(res, 201);
    const agent = AgentSchema.parse(res.body);
    expect(agent).toMatchObject({ email, name: 'New Agent', role: 'agent' });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(res.body).not.toHaveProperty('password');
    const login = await api('post', '/auth/login', { body: { email, password: 'new-agent-pass' } });
    expectStatus(login, 200);
    expect(AuthResponseSchema.parse(login.body).agent.id).toBe(agent.id);
  });

  it('creates an admin when role admin is given', async () => {
    const admin2 = await newAgent('admin', 'Second Admin');
    expect(admin2.agent.role).toBe('admin');
    const res = await api('post', '/agents', {
      token: admin2.token,
      body: {
        email: `${unique('by-admin2')}@agents.test`,
        name: 'Made By Admin2',
        password: 'made-by-admin2',
      },
    });
    expectStatus(res, 201);
  });

  it('lists the agents for an agent', async () => {
    const { agent, token } = await newAgent();
    const res = await api('get', '/agents', { token });
    expectStatus(res, 200);
    const ids = (res.body as unknown[]).map((a) => AgentSchema.parse(a).id);
    expect(ids).toEqual(expect.arrayContaining([agent.id, e2e().admin.id]));
  });

  it('answers 403 FORBIDDEN when a non-admin agent creates an agent', async () => {
    const { token } = await newAgent();
    const email = `${unique('forbidden')}@agents.test`;
    const res = await api('post', '/agents', {
      token,
      body: { email, name: 'Nope', password: 'nope-nope-nope' },
    });
    expectProblem(res, ErrorCode.Forbidden);
    const login = await api('post', '/auth/login', { body: { email, password: 'nope-nope-nope' } });
    expectProblem(login, ErrorCode.InvalidCredentials);
  });

  it('answers 409 EMAIL_TAKEN for a duplicate email, in any case', async () => {
    const { email } = await newAgent();
    const same = await api('post', '/agents', {
      token: adminToken(),
      body: { email, name: 'Dup', password: 'duplicate-pass' },
    });
    expectProblem(same, ErrorCode.EmailTaken);
    const upper = await api('post', '/agents', {
      token: adminToken(),
      body: { email: email.toUpperCase(), name: 'Dup', password: 'duplicate-pass' },
    });
    expectProblem(upper, ErrorCode.EmailTaken);
  });

  it('rejects a password shorter than 10 characters with VALIDATION_FAILED', async () => {
    const res = await api('post', '/agents', {
      token: adminToken(),
      body: { email: `${unique('short')}@agents.test`, name: 'Short', password: 'short' },
    });
    expectProblem(res, ErrorCode.ValidationFailed);
  });
});

describe('visitor sessions', () => {
  it('creates a visitor and returns the visitor token (201)', async () => {
    const email = `${unique('pre-chat')}@visitor.test`;
    const res = await api('post', '/visitors/session', { body: { name: '  Vic  ', email } });
    expectStatus(res, 201);
    const session = VisitorSessionResponseSchema.parse(res.body);
    expect(session.visitor).toMatchObject({ name: 'Vic', email });
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    const me = await api('get', '/visitors/me', { token: session.token });
    expectStatus(me, 200);
    expect(VisitorSchema.parse(me.body).id).toBe(session.visitor.id);
  });

  it('never returns a token in other responses', async () => {
    const { token, visitor } = await newVisitor();
    const me = await api('get', '/visitors/me', { token });
    const thread = await startThread(token);
    expect(me.body).not.toHaveProperty('token');
    expect(JSON.stringify(thread)).not.toContain(token);
    expect(thread.visitor.id).toBe(visitor.id);
  });

  it('rejects a malformed email with VALIDATION_FAILED', async () => {
    const res = await api('post', '/visitors/session', { body: { name: 'Vic', email: 'not-an-email' } });
    expectProblem(res, ErrorCode.ValidationFailed);
  });
});
