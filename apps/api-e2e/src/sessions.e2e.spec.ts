import { AuthResponseSchema, ErrorCode } from '@parley/contracts';
import { adminToken, type AgentActor, newAgent } from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, connectRefused, waitForDisconnect } from './support/sockets';

afterEach(closeAllSockets);

/** A second sign-in of the same agent: another device, another session. */
async function signInAgain(agent: AgentActor): Promise<string> {
  const res = await api('post', '/auth/login', { body: { email: agent.email, password: agent.password } });
  expectStatus(res, 200);
  return AuthResponseSchema.parse(res.body).token;
}

const stillWorks = async (token: string) => expectStatus(await api('get', '/agents/me', { token }), 200);
const ended = async (token: string) => {
  expectProblem(await api('get', '/agents/me', { token }), ErrorCode.Unauthenticated);
  expect((await connectRefused(token)).message).toBe(ErrorCode.Unauthenticated);
};

describe('agent sessions', () => {
  it('sign-out ends this session only: its token is refused, its socket closes, the other device goes on', async () => {
    const agent = await newAgent();
    const laptop = agent.token;
    const phone = await signInAgain(agent);
    const laptopSocket = await connect(laptop);
    const phoneSocket = await connect(phone);
    const closed = waitForDisconnect(laptopSocket);

    expectStatus(await api('post', '/auth/logout', { token: laptop }), 204);
    expect(await closed).toBe('io server disconnect');
    await ended(laptop);
    await stillWorks(phone);
    expect(phoneSocket.connected).toBe(true);
  });

  it('sign-out everywhere ends every session and closes every socket', async () => {
    const agent = await newAgent();
    const tokens = [agent.token, await signInAgain(agent), await signInAgain(agent)];
    const sockets = await Promise.all(tokens.map((t) => connect(t)));
    const closed = sockets.map((s) => waitForDisconnect(s));

    expectStatus(await api('post', '/auth/logout-everywhere', { token: tokens[1] }), 204);
    expect(await Promise.all(closed)).toEqual(tokens.map(() => 'io server disconnect'));
    for (const t of tokens) await ended(t);
    // Signing in again starts a fresh session.
    await stillWorks(await signInAgain(agent));
  });

  it('reactivating an agent does not revive the tokens issued before the deactivation', async () => {
    const agent = await newAgent();
    const before = agent.token;
    expectStatus(await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { active: false } }), 200);
    expectStatus(await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { active: true } }), 200);
    await ended(before);
    await stillWorks(await signInAgain(agent));
  });

  it('a role change ends the sessions, so no socket keeps powers the agent no longer has', async () => {
    const agent = await newAgent('admin');
    const socket = await connect(agent.token);
    const closed = waitForDisconnect(socket);
    expectStatus(await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { role: 'agent' } }), 200);
    expect(await closed).toBe('io server disconnect');
    await ended(agent.token);
    const again = await signInAgain(agent);
    expectProblem(await api('get', '/api-keys', { token: again }), ErrorCode.Forbidden);
  });

  it('visitors and API keys cannot call sign-out (agents only)', async () => {
    expectProblem(await api('post', '/auth/logout'), ErrorCode.Unauthenticated);
  });
});

describe('login throttle per account', () => {
  const login = (email: string, password: string) => api('post', '/auth/login', { body: { email, password } });

  it('locks an account after 10 failed logins, right password or not, and says when to retry', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 10; i++) expectProblem(await login(agent.email, `wrong-password-${i}`), ErrorCode.InvalidCredentials);
    // The tenth failure locked the account: from then on even the right password waits.
    const locked = expectProblem(await login(agent.email, agent.password), ErrorCode.RateLimited);
    expect(locked.status).toBe(429);
    expect(locked.detail).toMatch(/try again in \d+ s/);
    // Sessions already open are not touched by a lockout.
    await stillWorks(agent.token);
  });

  it('answers an account that does not exist exactly like one that does', async () => {
    const email = `nobody-${Date.now()}@agents.test`;
    for (let i = 0; i < 10; i++) expectProblem(await login(email, `wrong-password-${i}`), ErrorCode.InvalidCredentials);
    expectProblem(await login(email, 'any-password-1'), ErrorCode.RateLimited);
  });

  it('a successful login starts the count again', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 9; i++) expectProblem(await login(agent.email, `wrong-password-${i}`), ErrorCode.InvalidCredentials);
    expectStatus(await login(agent.email, agent.password), 200);
    for (let i = 0; i < 9; i++) expectProblem(await login(agent.email, `wrong-password-${i}`), ErrorCode.InvalidCredentials);
    expectStatus(await login(agent.email, agent.password), 200);
  });
});
