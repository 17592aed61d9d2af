import { ClientEvent, ErrorCode, VisitorSchema } from '@parley/contracts';
import { eventually } from '@parley/test-support';
import { newAgent, newVisitor } from './support/actors';
import { api, expectServerAlive, expectStatus } from './support/http';
import { closeAllSockets, connect, connectRefused, emitAck, expectAckOk } from './support/sockets';
import { e2e } from './support/state';
import { expiredToken, forgedToken, signToken } from './support/tokens';

afterEach(closeAllSockets);

describe('socket handshake', () => {
  it('connects an agent and a visitor from the allowed origin', async () => {
    const [agent, visitor] = await Promise.all([newAgent(), newVisitor()]);
    const agentSocket = await connect(agent.token, { origin: e2e().allowedOrigin });
    const visitorSocket = await connect(visitor.token, { origin: e2e().allowedOrigin });
    expect(agentSocket.connected && visitorSocket.connected).toBe(true);
    expectAckOk(await emitAck(visitorSocket, ClientEvent.ThreadStart, {}));
  });

  it("moves a visitor's last-seen time when its socket connects and when it goes away", async () => {
    const visitor = await newVisitor();
    const lastSeen = async () => {
      const res = await api('get', '/visitors/me', { token: visitor.token });
      expectStatus(res, 200);
      return Date.parse(VisitorSchema.parse(res.body).lastSeenAt);
    };
    const created = await lastSeen();
    const socket = await connect(visitor.token);
    const connected = await eventually(async () => {
      const seen = await lastSeen();
      expect(seen).toBeGreaterThan(created);
      return seen;
    }, 5000, 25);
    socket.disconnect();
    await eventually(async () => expect(await lastSeen()).toBeGreaterThan(connected), 5000, 25);
  });

  it('refuses a handshake without a token: UNAUTHENTICATED', async () => {
    expect((await connectRefused(undefined)).message).toBe(ErrorCode.Unauthenticated);
  });

  it('refuses a garbage token, a forged token and a token for nobody: UNAUTHENTICATED', async () => {
    expect((await connectRefused('not-a-jwt')).message).toBe(ErrorCode.Unauthenticated);
    expect((await connectRefused(forgedToken(e2e().admin.id, 'agent'))).message).toBe(
      ErrorCode.Unauthenticated,
    );
    expect((await connectRefused(signToken('00000000-0000-4000-8000-000000000000', 'visitor'))).message).toBe(
      ErrorCode.Unauthenticated,
    );
  });

  it('refuses an expired token: TOKEN_EXPIRED', async () => {
    const visitor = await newVisitor();
    expect((await connectRefused(expiredToken(e2e().admin.id, 'agent'))).message).toBe(
      ErrorCode.TokenExpired,
    );
    expect((await connectRefused(expiredToken(visitor.visitor.id, 'visitor'))).message).toBe(
      ErrorCode.TokenExpired,
    );
  });

  it('refuses a handshake from an origin that is not allowed, even with a valid token', async () => {
    const agent = await newAgent();
    const error = await connectRefused(agent.token, { origin: 'http://evil.test' });
    expect(error).toBeInstanceOf(Error);
    await expectServerAlive();
    const ok = await connect(agent.token);
    expect(ok.connected).toBe(true);
  });
});
