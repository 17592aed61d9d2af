import { AgentSchema, ErrorCode, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, MessageSchema, VisitorSessionResponseSchema } from '@parley/contracts';
import { eventually } from '@parley/test-support';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { activeConversation, adminToken, createApiKey, unique } from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { e2e } from './support/state';

const REPLAYED = IDEMPOTENT_REPLAYED_HEADER.toLowerCase();

function post(path: string, opts: { token?: string; body?: object; key: string }) {
  return api('post', path, { token: opts.token, body: opts.body, headers: { [IDEMPOTENCY_KEY_HEADER]: opts.key } });
}

const agentBody = () => ({ email: `${unique('idem')}@agents.test`, name: 'Ida Idem', password: `pw-${unique('p')}` });
const replayed = (res: Response) => res.headers[REPLAYED] === 'true';

async function agentsWithEmail(email: string): Promise<number> {
  const res = await api('get', '/agents', { token: adminToken() });
  expectStatus(res, 200);
  return (res.body as unknown[]).map((a) => AgentSchema.parse(a)).filter((a) => a.email === email).length;
}

describe('Idempotency-Key on REST POSTs', () => {
  it('a retry with the same key and body gets the first answer, marked replayed, and the work is done once', async () => {
    const key = unique('k');
    const body = agentBody();
    const first = await post('/agents', { token: adminToken(), body, key });
    expectStatus(first, 201);
    expect(replayed(first)).toBe(false);
    const retry = await post('/agents', { token: adminToken(), body: { password: body.password, name: body.name, email: body.email }, key });
    expectStatus(retry, 201);
    expect(retry.headers[REPLAYED]).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await agentsWithEmail(body.email)).toBe(1);
    // Without the key the same request runs again, and the agent already exists.
    expectProblem(await api('post', '/agents', { token: adminToken(), body }), ErrorCode.EmailTaken);
  });

  it('the same key with another body, or on another route, is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = unique('k');
    expectStatus(await post('/agents', { token: adminToken(), body: agentBody(), key }), 201);
    const other = expectProblem(await post('/agents', { token: adminToken(), body: agentBody(), key }), ErrorCode.IdempotencyKeyReused);
    expect(other.status).toBe(422);
    expectProblem(await post('/api-keys', { token: adminToken(), body: { name: 'x' }, key }), ErrorCode.IdempotencyKeyReused);
  });

  it("keys are each caller's own: another API key with the same key runs its own request", async () => {
    const { thread } = await activeConversation();
    const [one, two] = [await createApiKey({ scopes: ['messages:write'] }), await createApiKey({ scopes: ['messages:write'] })];
    const key = unique('k');
    const body = { clientMsgId: unique('m'), body: 'Your parcel left the warehouse' };
    const a1 = await post(`/threads/${thread.id}/messages`, { token: one.key, body, key });
    const a2 = await post(`/threads/${thread.id}/messages`, { token: one.key, body, key });
    const b1 = await post(`/threads/${thread.id}/messages`, { token: two.key, body, key });
    expectStatus(a1, 201);
    expectStatus(a2, 201);
    expectStatus(b1, 201);
    expect([replayed(a1), replayed(a2), replayed(b1)]).toEqual([false, true, false]);
    expect(a2.body).toEqual(a1.body);
    expect(MessageSchema.parse(b1.body).id).not.toBe(MessageSchema.parse(a1.body).id);
  });

  it('an answer that is an error is not stored: the same key runs again', async () => {
    const key = unique('k');
    const body = agentBody();
    expectProblem(await post('/agents', { token: adminToken(), body: { ...body, password: 'short' }, key }), ErrorCode.ValidationFailed);
    const retry = await post('/agents', { token: adminToken(), body, key });
    expectStatus(retry, 201);
    expect(replayed(retry)).toBe(false);
  });

  it('works on public routes too: a retried visitor session is the same visitor', async () => {
    const key = unique('k');
    const body = { name: 'Vera', email: `${unique('v')}@visitor.test` };
    const first = await post('/visitors/session', { body, key });
    const retry = await post('/visitors/session', { body, key });
    expectStatus(first, 201);
    expectStatus(retry, 201);
    expect(replayed(retry)).toBe(true);
    expect(VisitorSessionResponseSchema.parse(retry.body).visitor.id).toBe(VisitorSessionResponseSchema.parse(first.body).visitor.id);
  });

  it('concurrent retries: one runs, the others are 409 IDEMPOTENCY_REQUEST_IN_PROGRESS or its replay', async () => {
    const key = unique('k');
    const body = agentBody();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/agents', { token: adminToken(), body, key })));
    const ran = answers.filter((r) => r.status === 201 && !replayed(r));
    const others = answers.filter((r) => !ran.includes(r));
    expect(ran).toHaveLength(1);
    for (const r of others) {
      if (r.status === 201) expect(r.body).toEqual(ran[0].body);
      else expectProblem(r, ErrorCode.IdempotencyRequestInProgress);
    }
    expect(await agentsWithEmail(body.email)).toBe(1);
  });

  // PGlite serves one session at a time, so no second connection can hold the thread's row lock
  // there: on PGlite the concurrent-retries test above covers the in-progress answer. Registered on
  // PostgreSQL only (not skipped on PGlite: it does not apply to it).
  if (e2e().backend === 'postgres') it(
    'a retry while the first request still runs is 409; once it is answered, the retry gets its answer (postgres: the test holds the thread locked)',
    async () => {
      const { thread, agent } = await activeConversation();
      const lock = new Client({ connectionString: e2e().databaseUrl });
      await lock.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT id FROM threads WHERE id = $1 FOR UPDATE', [thread.id]);
        const key = unique('k');
        const body = { clientMsgId: unique('m'), body: 'held' };
        const first = post(`/threads/${thread.id}/messages`, { token: agent.token, body, key }).then((r) => r);
        // The first request has claimed its key and waits on the lock.
        await eventually(async () => {
          const rows = await lock.query('SELECT status FROM idempotency_keys WHERE key = $1', [key]);
          expect(rows.rows).toEqual([{ status: null }]);
        }, 30_000);
        expectProblem(await post(`/threads/${thread.id}/messages`, { token: agent.token, body, key }), ErrorCode.IdempotencyRequestInProgress);
        await lock.query('COMMIT');
        const answered = await first;
        expectStatus(answered, 201);
        const retry = await post(`/threads/${thread.id}/messages`, { token: agent.token, body, key });
        expectStatus(retry, 201);
        expect(replayed(retry)).toBe(true);
        expect(retry.body).toEqual(answered.body);
      } finally {
        await lock.end();
      }
    },
  );

  it('refuses an empty key and one longer than 255 characters (400 naming the header); takes 255', async () => {
    for (const key of ['', 'x'.repeat(256)]) {
      const problem = expectProblem(await post('/agents', { token: adminToken(), body: agentBody(), key }), ErrorCode.ValidationFailed);
      expect(problem.detail).toContain(IDEMPOTENCY_KEY_HEADER);
    }
    expectStatus(await post('/agents', { token: adminToken(), body: agentBody(), key: `${unique('k')}${'x'.repeat(255)}`.slice(0, 255) }), 201);
  });

  it('leaves other methods alone', async () => {
    expectStatus(await api('get', '/agents', { token: adminToken(), headers: { [IDEMPOTENCY_KEY_HEADER]: 'x'.repeat(300) } }), 200);
  });
});
