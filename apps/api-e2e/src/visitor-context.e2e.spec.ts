import { ClientEvent, ErrorCode, LIMITS, ServerEvent, type VisitorContext, VisitorContextSchema } from '@parley/contracts';
import { activeConversation, adminToken, type Conversation, newAgent, newApiKey, newVisitor, startThread } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { type ClientSocket, closeAllSockets, connect, emitAck, emitRaw, expectAckError, expectAckOk, waitFor } from './support/sockets';

const CHROME_ON_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SHOP = 'https://shop.example.com';

afterEach(closeAllSockets);

async function contextOf(token: string, threadId: string): Promise<VisitorContext> {
  const res = await call('get /threads/{id}/visitor-context', { params: { id: threadId }, token });
  expectStatus(res, 200);
  return VisitorContextSchema.parse(res.body);
}

async function setShowVisitorIp(on: boolean): Promise<void> {
  const current = await call('get /widget/settings/admin', { token: adminToken() });
  expectStatus(current, 200);
  const { title, greetingLines, color, allowedOrigins } = current.body as { title: string; greetingLines: string[]; color: string; allowedOrigins: string[] };
  expectStatus(await call('put /widget/settings', { token: adminToken(), body: { title, greetingLines, color, allowedOrigins, showVisitorIp: on } }), 200);
}

describe('visitor context', () => {
  let conv: Conversation;
  let visitorSocket: ClientSocket;
  let agentSocket: ClientSocket;

  // Whatever an earlier file left: the address is off unless a test turns it on.
  beforeAll(() => setShowVisitorIp(false));

  beforeEach(async () => {
    conv = await activeConversation();
    agentSocket = await connect(conv.agent.token);
    const online = waitFor(agentSocket, ServerEvent.VisitorContext, (c) => c.visitorId === conv.visitor.visitor.id && c.online);
    visitorSocket = await connect(conv.visitor.token, { headers: { 'User-Agent': CHROME_ON_MAC } });
    await online;
  });

  it('tells the agents each page the visitor opens, with its browser, OS and time zone, and REST gives the same', async () => {
    const heard = waitFor(agentSocket, ServerEvent.VisitorContext, (c) => c.visitorId === conv.visitor.visitor.id && c.pages.length === 2);
    expectAckOk(await emitAck(visitorSocket, ClientEvent.VisitorPage, { url: `${SHOP}/`, title: 'Shop', timeZone: 'Asia/Tokyo' }));
    expectAckOk(await emitAck(visitorSocket, ClientEvent.VisitorPage, { url: `${SHOP}/pricing?plan=pro`, title: 'Pricing', timeZone: 'Asia/Tokyo' }));
    const live = await heard;
    expect(live.pages.map((p) => [p.url, p.title])).toEqual([
      [`${SHOP}/pricing?plan=pro`, 'Pricing'],
      [`${SHOP}/`, 'Shop'],
    ]);
    expect(live).toMatchObject({ online: true, timeZone: 'Asia/Tokyo', browser: { name: 'Chrome', version: '131.0.0.0' }, os: { name: 'macOS' }, device: 'desktop' });
    expect(live).not.toHaveProperty('ip');
    expect(await contextOf(conv.agent.token, conv.thread.id)).toEqual(live);
  });

  it('keeps one entry for a page reported again (its title follows), and only the newest pages of the visit', async () => {
    expectAckOk(await emitAck(visitorSocket, ClientEvent.VisitorPage, { url: `${SHOP}/a`, title: 'Loading…' }));
    expectAckOk(await emitAck(visitorSocket, ClientEvent.VisitorPage, { url: `${SHOP}/a`, title: 'Article A' }));
    let ctx = await contextOf(conv.agent.token, conv.thread.id);
    expect(ctx.pages.map((p) => [p.url, p.title])).toEqual([[`${SHOP}/a`, 'Article A']]);
    for (let i = 0; i < LIMITS.visitorPagesMax + 2; i += 1) {
      expectAckOk(await emitAck(visitorSocket, ClientEvent.VisitorPage, { url: `${SHOP}/p/${i}`, title: `Page ${i}` }));
    }
    ctx = await contextOf(conv.agent.token, conv.thread.id);
    expect(ctx.pages).toHaveLength(LIMITS.visitorPagesMax);
    expect(ctx.pages[0].url).toBe(`${SHOP}/p/${LIMITS.visitorPagesMax + 1}`);
    expect(ctx.pages.at(-1)?.url).toBe(`${SHOP}/p/2`);
  });

  it('refuses what is not a page of a web site, with VALIDATION_FAILED, and stores none of it', async () => {
    const refused: unknown[] = [
      { url: 'javascript:alert(1)', title: 'x' },
      { url: 'data:text/html,<b>x</b>', title: 'x' },
      { url: '/relative/path', title: 'x' },
      { url: 'https://user:secret@shop.example.com/', title: 'x' },
      { url: `${SHOP}/${'a'.repeat(LIMITS.pageUrlMax)}`, title: 'x' },
      { url: `${SHOP}/`, title: 't'.repeat(LIMITS.pageTitleMax + 1) },
      { url: `${SHOP}/`, title: 'bad\u0000title' },
      { url: `${SHOP}/`, title: 'x', timeZone: 'Mars/Olympus_Mons' },
      { url: `${SHOP}/`, title: 'x', referrer: 'https://elsewhere.example' },
      { url: `${SHOP}/` },
      undefined,
    ];
    for (const payload of refused) expectAckError(await emitRaw(visitorSocket, ClientEvent.VisitorPage, payload), ErrorCode.ValidationFailed);
    expect((await contextOf(conv.agent.token, conv.thread.id)).pages).toEqual([]);
  });

  it('takes pages from visitors only: an agent is refused with FORBIDDEN', async () => {
    expectAckError(await emitRaw(agentSocket, ClientEvent.VisitorPage, { url: `${SHOP}/`, title: 'x' }), ErrorCode.Forbidden);
  });

  it('is for agents: the visitor itself, another visitor and an API key are refused (FORBIDDEN), no credentials 401; an unknown thread is THREAD_NOT_FOUND', async () => {
    const other = await newVisitor('Otto Other');
    await startThread(other.token);
    for (const token of [conv.visitor.token, other.token, await newApiKey()]) {
      expectProblem(await call('get /threads/{id}/visitor-context', { params: { id: conv.thread.id }, token }), ErrorCode.Forbidden);
    }
    expectStatus(await call('get /threads/{id}/visitor-context', { params: { id: conv.thread.id } }), 401);
    const stranger = await newAgent();
    expectStatus(await call('get /threads/{id}/visitor-context', { params: { id: conv.thread.id }, token: stranger.token }), 200);
    expectProblem(await call('get /threads/{id}/visitor-context', { params: { id: '00000000-0000-4000-8000-000000000000' }, token: conv.agent.token }), ErrorCode.ThreadNotFound);
  });

  it('shows the visitor address only while the admin setting showVisitorIp is on', async () => {
    expect(await contextOf(conv.agent.token, conv.thread.id)).not.toHaveProperty('ip');
    await setShowVisitorIp(true);
    try {
      const ctx = await contextOf(conv.agent.token, conv.thread.id);
      expect(ctx.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
      const admin = await call('get /widget/settings/admin', { token: adminToken() });
      expect(admin.body).toMatchObject({ showVisitorIp: true });
      const pub = await call('get /widget/settings');
      expect(pub.body).not.toHaveProperty('showVisitorIp');
    } finally {
      await setShowVisitorIp(false);
    }
    expect(await contextOf(conv.agent.token, conv.thread.id)).not.toHaveProperty('ip');
  });

  it('says when the visitor left: its last socket closed (after the grace for a reload)', async () => {
    const left = waitFor(agentSocket, ServerEvent.VisitorContext, (c) => c.visitorId === conv.visitor.visitor.id && !c.online);
    visitorSocket.disconnect();
    const ctx = await left;
    expect(Date.parse(ctx.lastSeenAt)).toBeGreaterThan(0);
    expect((await contextOf(conv.agent.token, conv.thread.id)).online).toBe(false);
  });
});
