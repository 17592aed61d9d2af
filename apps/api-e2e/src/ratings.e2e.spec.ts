import { CreatedWebhookSchema, ErrorCode, LIMITS, RATING_COMMENT_MAX, ServerEvent, type Thread, ThreadPageSchema, ThreadSchema } from '@parley/contracts';
import { until, WebhookReceiver } from '@parley/test-support';
import { Client } from 'pg';
import { activeConversation, adminToken, type Conversation, createApiKey, getThread, newAgent, newVisitor, startThread, unique } from './support/actors';
import { call, expectProblem, expectStatus, http } from './support/http';
import { closeAllSockets, connect, waitFor } from './support/sockets';
import { e2e } from './support/state';

const LIVENESS_MS = 30_000;

/** A conversation the agent claimed and then closed. */
async function closedConversation(): Promise<Conversation & { closed: Thread }> {
  const c = await activeConversation();
  const res = await call('post /threads/{id}/close', { params: { id: c.thread.id }, token: c.agent.token });
  expectStatus(res, 200);
  return { ...c, closed: ThreadSchema.parse(res.body) };
}

function rate(token: string, id: string, body: object) {
  return http('post', `/api/v1/threads/${id}/rating`, { token, body });
}

afterAll(async () => {
  await closeAllSockets();
});

describe('ratings (CSAT)', () => {
  it('lets the visitor rate its closed conversation (201), credited to the agent assigned at close; agents read it in the thread and in history', async () => {
    const { visitor, agent, thread } = await closedConversation();
    const res = await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 4, comment: '  Helpful, thanks  ' } });
    expectStatus(res, 201);
    const rated = ThreadSchema.parse(res.body);
    expect(rated.rating).toMatchObject({ score: 4, comment: 'Helpful, thanks', ratedAgent: { id: agent.agent.id, name: agent.agent.name } });
    expect(rated.rating?.createdAt).toBe(rated.rating?.updatedAt);

    expect((await getThread(agent.token, thread.id)).rating).toEqual(rated.rating);
    expect((await getThread(visitor.token, thread.id)).rating).toEqual(rated.rating);
    const history = await call('get /threads', { token: adminToken(), query: { status: 'closed', assignee: agent.agent.id } });
    expectStatus(history, 200);
    expect(ThreadPageSchema.parse(history.body).items.find((t) => t.id === thread.id)?.rating).toEqual(rated.rating);
  });

  it('a second rating within 24 h replaces the first (200), keeping when it was first given and whom it credits', async () => {
    const { visitor, agent, thread } = await closedConversation();
    const first = ThreadSchema.parse((await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 2, comment: 'slow' } })).body);
    // An admin takes nothing from the credit: the thread is closed, so it cannot be reassigned.
    const changed = await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 5 } });
    expectStatus(changed, 200);
    const rating = ThreadSchema.parse(changed.body).rating;
    expect(rating).toMatchObject({ score: 5, comment: null, ratedAgent: { id: agent.agent.id }, createdAt: first.rating?.createdAt });
    expect(Date.parse(rating?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(first.rating?.updatedAt ?? ''));
  });

  it('tells connected agents at once: the rated thread comes as thread.updated', async () => {
    const { visitor, thread } = await closedConversation();
    const watcher = await newAgent();
    const socket = await connect(watcher.token);
    const heard = waitFor(socket, ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.rating?.score === 3);
    expectStatus(await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 3 } }), 201);
    expect((await heard).rating).toMatchObject({ score: 3 });
  });

  it('sends rating.created to the webhook endpoints that subscribe, first and changed', async () => {
    const receiver = await WebhookReceiver.start();
    const path = `/${unique('rating')}`;
    const created = await call('post /webhooks', { token: adminToken(), body: { url: receiver.url(path), events: ['rating.created'] } });
    expectStatus(created, 201);
    const hook = CreatedWebhookSchema.parse(created.body);
    try {
      const { visitor, thread } = await closedConversation();
      // The node re-reads subscriptions at once after a change made on it.
      expectStatus(await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 1, comment: 'no' } }), 201);
      expectStatus(await call('post /threads/{id}/rating', { params: { id: thread.id }, token: visitor.token, body: { score: 2 } }), 200);
      const got = await until('two rating.created deliveries', () => (receiver.at(path).length >= 2 ? receiver.at(path) : undefined), LIVENESS_MS);
      const bodies = got.map((r) => ({ type: r.body.type, data: r.body.data as { rating: { score: number }; thread: { id: string }; updated: boolean } }));
      expect(bodies.map((b) => [b.type, b.data.thread.id, b.data.rating.score, b.data.updated])).toEqual([
        ['rating.created', thread.id, 1, false],
        ['rating.created', thread.id, 2, true],
      ]);
    } finally {
      await call('delete /webhooks/{id}', { params: { id: hook.id }, token: adminToken() });
      await receiver.close();
    }
  });

  it('refuses a conversation that is still open: 409 THREAD_NOT_CLOSED (queued and active)', async () => {
    const visitor = await newVisitor();
    const queued = await startThread(visitor.token);
    expectProblem(await rate(visitor.token, queued.id, { score: 5 }), ErrorCode.ThreadNotClosed);
    const { visitor: v2, thread: active } = await activeConversation();
    expectProblem(await rate(v2.token, active.id, { score: 5 }), ErrorCode.ThreadNotClosed);
    expect((await getThread(v2.token, active.id)).rating).toBeNull();
  });

  it('refuses a score outside 1..5, a fraction, a string, a missing score, an unknown field and a comment too long (400)', async () => {
    const { visitor, thread } = await closedConversation();
    const bad: object[] = [
      { score: 0 },
      { score: 6 },
      { score: -1 },
      { score: 4.5 },
      { score: '5' },
      { score: null },
      {},
      { score: 5, agentId: thread.id },
      { score: 5, comment: 'x'.repeat(RATING_COMMENT_MAX + 1) },
      { score: 5, comment: '   ' },
    ];
    for (const body of bad) expectProblem(await rate(visitor.token, thread.id, body), ErrorCode.ValidationFailed);
    expect((await getThread(visitor.token, thread.id)).rating).toBeNull();
    expect(RATING_COMMENT_MAX).toBeLessThan(LIMITS.messageBodyMax);
  });

  it("reads someone else's thread, and one that does not exist, as not found (404); only visitors rate", async () => {
    const { thread, agent } = await closedConversation();
    const stranger = await newVisitor();
    expectProblem(await rate(stranger.token, thread.id, { score: 1 }), ErrorCode.ThreadNotFound);
    expectProblem(await rate(stranger.token, '00000000-0000-4000-8000-000000000000', { score: 1 }), ErrorCode.ThreadNotFound);
    expectProblem(await rate(stranger.token, 'not-a-uuid', { score: 1 }), ErrorCode.ValidationFailed);
    expectProblem(await rate(agent.token, thread.id, { score: 5 }), ErrorCode.Forbidden);
    expectProblem(await rate(adminToken(), thread.id, { score: 5 }), ErrorCode.Forbidden);
    expectProblem(await rate((await createApiKey()).key, thread.id, { score: 5 }), ErrorCode.Forbidden);
    expectProblem(await http('post', `/api/v1/threads/${thread.id}/rating`, { body: { score: 5 } }), ErrorCode.Unauthenticated);
    expect((await getThread(agent.token, thread.id)).rating).toBeNull();
  });

  // PostgreSQL only: the test ages the rating in the server's database (on PGlite the database lives
  // inside the server; the same rule is covered there by ratings.integration.spec on both back ends).
  if (e2e().backend === 'postgres') {
    it('refuses a change more than 24 h after the first rating: 409 RATING_LOCKED, the rating stays', async () => {
      const { visitor, thread } = await closedConversation();
      expectStatus(await rate(visitor.token, thread.id, { score: 4 }), 201);
      const db = new Client({ connectionString: e2e().databaseUrl });
      await db.connect();
      try {
        await db.query(`UPDATE threads SET rated_at = rated_at - interval '24 hours 1 second' WHERE id = $1`, [thread.id]);
      } finally {
        await db.end();
      }
      expectProblem(await rate(visitor.token, thread.id, { score: 1 }), ErrorCode.RatingLocked);
      expect((await getThread(visitor.token, thread.id)).rating?.score).toBe(4);
    });
  }
});
