import { type AuthResponse, ErrorCode } from '@parley/contracts';
import { DataSource } from 'typeorm';
import type { AgentPrincipal } from '../auth/principal';
import type { AppError } from '../common/app-error';
import { Actors } from '../testing/actors';
import { createTestApp, describeBackends, type TestApp } from '../testing/test-app';
import { RatingsService } from './ratings.service';
import { ThreadsService } from './threads.service';

/** What reports read from a thread (first assignment, first response) and the rating rules, on both back ends. */
describeBackends('ratings and report timestamps', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  let threads: ThreadsService;
  let ratings: RatingsService;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp(backend);
    actors = new Actors(t.app);
    admin = await actors.admin();
    threads = t.app.get(ThreadsService);
    ratings = t.app.get(RatingsService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const visitor = (id: string) => ({ kind: 'visitor' as const, id, name: 'V' });
  const agentOf = (a: AuthResponse): AgentPrincipal => ({ kind: 'agent', id: a.agent.id, name: a.agent.name, role: a.agent.role });
  const code = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as AppError | null)?.code;
  const times = async (id: string) =>
    ((await db.query(`SELECT assigned_at, first_response_at FROM threads WHERE id = $1`, [id])) as { assigned_at: Date | null; first_response_at: Date | null }[])[0];

  it('sets assigned_at at the first assignment and first_response_at with the first agent message, each once', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const [ann, bob] = [agentOf(await actors.agent(admin.token, 'Ann')), agentOf(await actors.agent(admin.token, 'Bob'))];
    await threads.postMessage(visitor(v.visitor.id), thread.id, { clientMsgId: 'v1', body: 'hello' });
    expect(await times(thread.id)).toEqual({ assigned_at: null, first_response_at: null });

    await threads.claim(ann, thread.id);
    const claimed = await times(thread.id);
    expect(claimed.assigned_at).toBeInstanceOf(Date);
    expect(claimed.first_response_at).toBeNull();

    const first = await threads.postMessage(ann, thread.id, { clientMsgId: 'a1', body: 'hi there' });
    await threads.postMessage(ann, thread.id, { clientMsgId: 'a2', body: 'how can I help?' });
    await threads.assign(agentOf(admin), thread.id, bob.id);
    await threads.postMessage(bob, thread.id, { clientMsgId: 'b1', body: 'taking over' });
    const after = await times(thread.id);
    // The transfer and the later messages change neither: both are firsts.
    expect(after.assigned_at?.toISOString()).toBe(claimed.assigned_at?.toISOString());
    expect(after.first_response_at?.toISOString()).toBe(first.message.createdAt);
  });

  it('lets the visitor rate a closed thread once, change it within 24 h, credits the agent assigned at close', async () => {
    const v = await actors.visitor();
    const other = await actors.visitor();
    const thread = await actors.thread(v.token);
    const ann = agentOf(await actors.agent(admin.token, 'Ann R'));
    await threads.claim(ann, thread.id);

    expect(await code(ratings.rate(visitor(v.visitor.id), thread.id, { score: 5 }))).toBe(ErrorCode.ThreadNotClosed);
    await threads.close(ann, thread.id);
    expect(await code(ratings.rate(visitor(other.visitor.id), thread.id, { score: 5 }))).toBe(ErrorCode.ThreadNotFound);

    const first = await ratings.rate(visitor(v.visitor.id), thread.id, { score: 4, comment: 'fine' });
    expect(first.created).toBe(true);
    expect(first.thread.rating).toMatchObject({ score: 4, comment: 'fine', ratedAgent: { id: ann.id, name: 'Ann R' } });
    const changed = await ratings.rate(visitor(v.visitor.id), thread.id, { score: 2 });
    expect(changed.created).toBe(false);
    expect(changed.thread.rating).toMatchObject({ score: 2, comment: null, ratedAgent: { id: ann.id }, createdAt: first.thread.rating?.createdAt });

    // 25 hours later the rating stands.
    await db.query(`UPDATE threads SET rated_at = now() - interval '25 hours' WHERE id = $1`, [thread.id]);
    expect(await code(ratings.rate(visitor(v.visitor.id), thread.id, { score: 1 }))).toBe(ErrorCode.RatingLocked);
    expect((await threads.get(visitor(v.visitor.id), thread.id)).rating?.score).toBe(2);
  });
});
