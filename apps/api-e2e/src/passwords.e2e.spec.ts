import { randomBytes } from 'node:crypto';
import { AuthResponseSchema, ErrorCode } from '@parley/contracts';
import { adminToken, type AgentActor, newAgent, newVisitor } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, connectRefused, waitForDisconnect } from './support/sockets';

afterEach(closeAllSockets);

const strongPassword = () => `ferry-${randomBytes(6).toString('hex')}-lantern`;

const login = (email: string, password: string) => call('post /auth/login', { body: { email, password } });

async function signInAgain(agent: AgentActor, password = agent.password): Promise<string> {
  const res = await login(agent.email, password);
  expectStatus(res, 200);
  return AuthResponseSchema.parse(res.body).token;
}

const stillWorks = async (token: string) => expectStatus(await call('get /agents/me', { token }), 200);
const ended = async (token: string) => {
  expectProblem(await call('get /agents/me', { token }), ErrorCode.Unauthenticated);
  expect((await connectRefused(token)).message).toBe(ErrorCode.Unauthenticated);
};

describe('an agent changes its own password', () => {
  it('needs the current password; afterwards only the new one signs in, the other sessions end and this one goes on', async () => {
    const agent = await newAgent();
    const here = agent.token;
    const elsewhere = await signInAgain(agent);
    const hereSocket = await connect(here);
    const elsewhereSocket = await connect(elsewhere);
    const closed = waitForDisconnect(elsewhereSocket);
    const newPassword = strongPassword();

    expectStatus(await call('post /auth/password', { token: here, body: { currentPassword: agent.password, newPassword } }), 204);

    expect(await closed).toBe('io server disconnect');
    await ended(elsewhere);
    await stillWorks(here);
    expect(hereSocket.connected).toBe(true);
    expectProblem(await login(agent.email, agent.password), ErrorCode.InvalidCredentials);
    await stillWorks(await signInAgain(agent, newPassword));
  });

  it('a wrong current password is refused with WRONG_PASSWORD (403), changes nothing and ends no session', async () => {
    const agent = await newAgent();
    const res = await call('post /auth/password', { token: agent.token, body: { currentPassword: 'not-my-password-1', newPassword: strongPassword() } });
    const problem = expectProblem(res, ErrorCode.WrongPassword);
    expect(problem.status).toBe(403);
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'currentPassword' })]);
    await stillWorks(agent.token);
    await stillWorks(await signInAgain(agent));
  });

  it('wrong current passwords count like failed logins: after 10 the account is locked', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 10; i++) {
      expectProblem(
        await call('post /auth/password', { token: agent.token, body: { currentPassword: `guess-${i}`, newPassword: strongPassword() } }),
        ErrorCode.WrongPassword,
      );
    }
    // Locked: neither the right current password nor a login gets through until the lockout ends.
    expectProblem(
      await call('post /auth/password', { token: agent.token, body: { currentPassword: agent.password, newPassword: strongPassword() } }),
      ErrorCode.RateLimited,
    );
    expectProblem(await login(agent.email, agent.password), ErrorCode.RateLimited);
    await stillWorks(agent.token);
  });

  it('a weak new password is refused with 400 naming why, and the old one still works', async () => {
    const agent = await newAgent('agent', 'Maria Lopez');
    for (const [newPassword, why] of [
      ['password1234', /common password/],
      ['qwertyuiop123', /row of keys|pattern|common password/],
      [`${agent.email.split('@')[0]}`, /your name or email/],
    ] as const) {
      const problem = expectProblem(await call('post /auth/password', { token: agent.token, body: { currentPassword: agent.password, newPassword } }), ErrorCode.ValidationFailed);
      expect(problem.status).toBe(400);
      expect(problem.detail).toMatch(why);
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'newPassword' })]);
    }
    const tooShort = expectProblem(await call('post /auth/password', { token: agent.token, body: { currentPassword: agent.password, newPassword: 'short' } }), ErrorCode.ValidationFailed);
    expect(tooShort.errors).toEqual([expect.objectContaining({ path: 'newPassword' })]);
    await stillWorks(await signInAgain(agent));
  });

  it('refuses bodies that are not the contract (unknown fields, missing fields) with 400', async () => {
    const agent = await newAgent();
    const token = agent.token;
    expectProblem(await call('post /auth/password', { token, body: { newPassword: strongPassword() } as never }), ErrorCode.ValidationFailed);
    expectProblem(await call('post /auth/password', { token, body: { currentPassword: agent.password, newPassword: strongPassword(), agentId: agent.agent.id } as never }), ErrorCode.ValidationFailed);
    await stillWorks(await signInAgain(agent));
  });

  it('is for signed-in agents only', async () => {
    const body = { currentPassword: 'whatever-1', newPassword: strongPassword() };
    expectProblem(await call('post /auth/password', { body }), ErrorCode.Unauthenticated);
    expectProblem(await call('post /auth/password', { token: (await newVisitor()).token, body }), ErrorCode.Forbidden);
  });
});

describe('an admin resets an agent password', () => {
  it('sets the new password and ends every session of that agent', async () => {
    const agent = await newAgent();
    const tokens = [agent.token, await signInAgain(agent)];
    const sockets = await Promise.all(tokens.map((t) => connect(t)));
    const closed = sockets.map((s) => waitForDisconnect(s));
    const password = strongPassword();

    expectStatus(await call('post /agents/{id}/password', { token: adminToken(), params: { id: agent.agent.id }, body: { password } }), 204);

    expect(await Promise.all(closed)).toEqual(tokens.map(() => 'io server disconnect'));
    for (const t of tokens) await ended(t);
    expectProblem(await login(agent.email, agent.password), ErrorCode.InvalidCredentials);
    await stillWorks(await signInAgain(agent, password));
    // The admin's own session is untouched.
    await stillWorks(adminToken());
  });

  it('unlocks an account locked by failed logins', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 10; i++) expectProblem(await login(agent.email, `wrong-password-${i}`), ErrorCode.InvalidCredentials);
    expectProblem(await login(agent.email, agent.password), ErrorCode.RateLimited);
    const password = strongPassword();
    expectStatus(await call('post /agents/{id}/password', { token: adminToken(), params: { id: agent.agent.id }, body: { password } }), 204);
    await stillWorks(await signInAgain(agent, password));
  });

  it('applies the password policy (400 naming why) and answers AGENT_NOT_FOUND for an unknown agent', async () => {
    const agent = await newAgent();
    const weak = expectProblem(await call('post /agents/{id}/password', { token: adminToken(), params: { id: agent.agent.id }, body: { password: 'iloveyou12345' } }), ErrorCode.ValidationFailed);
    expect(weak.detail).toMatch(/common password/);
    expect(weak.errors).toEqual([expect.objectContaining({ path: 'password' })]);
    await stillWorks(agent.token);
    expectProblem(
      await call('post /agents/{id}/password', { token: adminToken(), params: { id: '00000000-0000-4000-8000-000000000000' }, body: { password: strongPassword() } }),
      ErrorCode.AgentNotFound,
    );
    expectProblem(await call('post /agents/{id}/password', { token: adminToken(), params: { id: 'not-a-uuid' }, body: { password: strongPassword() } }), ErrorCode.ValidationFailed);
  });

  it('is for admins only: an agent cannot reset anyone, itself included', async () => {
    const agent = await newAgent();
    const other = await newAgent();
    const body = { password: strongPassword() };
    expectProblem(await call('post /agents/{id}/password', { token: agent.token, params: { id: other.agent.id }, body }), ErrorCode.Forbidden);
    expectProblem(await call('post /agents/{id}/password', { token: agent.token, params: { id: agent.agent.id }, body }), ErrorCode.Forbidden);
    expectProblem(await call('post /agents/{id}/password', { params: { id: other.agent.id }, body }), ErrorCode.Unauthenticated);
    await stillWorks(await signInAgain(other));
  });
});
