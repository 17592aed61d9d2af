import type { AuthResponse, Message, Thread } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { Actors } from '../testing/actors';
import { describeBackends, createTestApp, type TestApp } from '../testing/test-app';
import { MessageWriter } from './message.writer';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

/** The thread rules against a real database: the same suite on PostgreSQL and on embedded PGlite. */
describeBackends('threads', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  let threads: ThreadsService;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp(backend);
    actors = new Actors(t.app);
    admin = await actors.admin();
    threads = t.app.get(ThreadsService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const visitorPrincipal = (id: string) => ({ kind: 'visitor' as const, id, name: 'V' });

  it('gives a visitor one open thread however many starts race', async () => {
    const v = await actors.visitor();
    const results = await Promise.all(Array.from({ length: 20 }, () => threads.start(visitorPrincipal(v.visitor.id))));
    expect(new Set(results.map((r) => r.thread.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM threads WHERE visitor_id = $1`, [v.visitor.id]);
    expect(count).toBe(1);
  });

  it('numbers concurrent messages 1..N with no gap or double', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        threads.postMessage(visitorPrincipal(v.visitor.id), thread.id, { clientMsgId: `m-${i}`, body: `message ${i}` }),
      ),
    );
    const seqs = sent.map((s) => s.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const rows: Array<{ seq: number }> = await db.query(`SELECT seq FROM messages WHERE thread_id = $1 ORDER BY seq`, [thread.id]);
    expect(rows.map((r) => r.seq)).toEqual(seqs);
    const [{ last_seq }] = await db.query(`SELECT last_seq FROM threads WHERE id = $1`, [thread.id]);
    expect(last_seq).toBe(50);
  });

  it('stores a message once however often, and however concurrently, it is resent', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const p = visitorPrincipal(v.visitor.id);
    const first = await threads.postMessage(p, thread.id, { clientMsgId: 'same', body: 'hi' });
    const again = await Promise.all(Array.from({ length: 10 }, () => threads.postMessage(p, thread.id, { clientMsgId: 'same', body: 'hi' })));
    expect(first.duplicate).toBe(false);
    for (const r of again) {
      expect(r.duplicate).toBe(true);
      expect(r.message).toEqual(first.message);
    }
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => threads.postMessage(p, thread.id, { clientMsgId: 'race', body: 'x' })));
    expect(new Set(concurrent.map((r) => r.message.id)).size).toBe(1);
    expect(concurrent.filter((r) => !r.duplicate)).toHaveLength(1);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM messages WHERE thread_id = $1`, [thread.id]);
    expect(count).toBe(2);
    const [{ last_seq }] = await db.query(`SELECT last_seq FROM threads WHERE id = $1`, [thread.id]);
    expect(last_seq).toBe(2);
  });

  it('writes messages that arrive together in one batch, each with its own verdict', async () => {
    const agent = await actors.agent(admin.token, 'Batch Agent');
    const agentPrincipal = { kind: 'agent' as const, id: agent.agent.id, name: agent.agent.name, role: 'agent' as const };
    const [v1, v2, v3] = await Promise.all([actors.visitor(), actors.visitor(), actors.visitor()]);
    const [t1, t2, t3] = await Promise.all([v1, v2, v3].map((v) => actors.thread(v.token)));
    await actors.http.post(`/api/v1/threads/${t1.id}/claim`).set(auth(agent.token)).expect(200);
    await threads.close(visitorPrincipal(v3.visitor.id), t3.id);
    const p1 = visitorPrincipal(v1.visitor.id);
    // Everything below is posted in one turn of the event loop, so it is written as one batch.
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => threads.postMessage(p1, t1.id, { clientMsgId: `v-${i}`, body: `v ${i}` })),
      ...Array.from({ length: 10 }, (_, i) => threads.postMessage(agentPrincipal, t1.id, { clientMsgId: `a-${i}`, body: `a ${i}` })),
      threads.postMessage(p1, t1.id, { clientMsgId: 'v-0', body: 'v 0' }),
      threads.postMessage(visitorPrincipal(v2.visitor.id), t2.id, { clientMsgId: 'x', body: 'queued is fine' }),
      threads.postMessage(agentPrincipal, t2.id, { clientMsgId: 'y', body: 'not mine' }),
      threads.postMessage(p1, t2.id, { clientMsgId: 'z', body: 'not my thread' }),
      threads.postMessage(visitorPrincipal(v3.visitor.id), t3.id, { clientMsgId: 'w', body: 'closed' }),
    ]);
    const ok = results.slice(0, 21).map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(ok.every(Boolean)).toBe(true);
    const stored = ok.slice(0, 20).map((r) => r?.message.seq ?? 0);
    // The claim's note is seq 1; the 20 new messages take 2..21 in the order they were posted.
    expect(stored).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(ok[20]).toEqual({ message: ok[0]?.message, duplicate: true });
    expect(results[21]).toMatchObject({ status: 'fulfilled', value: { duplicate: false, message: { seq: 1 } } });
    expect(results[22]).toMatchObject({ status: 'rejected', reason: { code: 'FORBIDDEN' } });
    expect(results[23]).toMatchObject({ status: 'rejected', reason: { code: 'THREAD_NOT_FOUND' } });
    expect(results[24]).toMatchObject({ status: 'rejected', reason: { code: 'THREAD_CLOSED' } });
    const [{ last_seq }] = await db.query(`SELECT last_seq FROM threads WHERE id = $1`, [t1.id]);
    expect(last_seq).toBe(21);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM messages WHERE thread_id = ANY($1)`, [[t2.id, t3.id]]);
    expect(count).toBe(2); // t2's one message and t3's closing note
  });

  it('stores a message once when a copy reaches another node while the first is being written', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const p = visitorPrincipal(v.visitor.id);
    // A second writer over the same database stands for another API node.
    const otherNode = new MessageWriter(t.app.get(ThreadsRepository));
    // On PostgreSQL a transaction holding the thread's row lock keeps the first batch waiting, so the
    // copy's batch starts before the first commits and only the unique index can tell it is a copy.
    // Each step waits until PostgreSQL shows the writer blocked on that lock, whatever the machine's speed.
    const locker = backend === 'postgres' ? db.createQueryRunner() : null;
    const waitingOnLocks = async (n: number) => {
      for (;;) {
        const [{ waiting }] = await db.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (waiting >= n) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await locker?.connect();
    await locker?.startTransaction();
    await locker?.query(`SELECT 1 FROM threads WHERE id = $1 FOR UPDATE`, [thread.id]);
    const first = threads.postMessage(p, thread.id, { clientMsgId: 'k', body: 'once' });
    if (locker) await waitingOnLocks(1);
    const copy = otherNode.write({ threadId: thread.id, authorType: 'visitor', authorId: p.id, authorName: p.name, body: 'once', clientMsgId: 'k' });
    if (locker) await waitingOnLocks(2);
    await locker?.commitTransaction();
    await locker?.release();
    const [a, b] = await Promise.all([first, copy]);
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ inserted: false, message: a.message });
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM messages WHERE thread_id = $1`, [thread.id]);
    expect(count).toBe(1);
  });

  it('lets exactly one of two racing agents claim a thread', async () => {
    const [a, b] = await Promise.all([actors.agent(admin.token, 'Alice'), actors.agent(admin.token, 'Bob')]);
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const [ra, rb] = await Promise.all(
      [a, b].map((x) => actors.http.post(`/api/v1/threads/${thread.id}/claim`).set(auth(x.token))),
    );
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    const winner = ra.status === 200 ? a : b;
    expect(loser.body.code).toBe('THREAD_ALREADY_CLAIMED');
    expect(loser.body.detail).toContain(winner.agent.name);
    const res = await actors.http.get(`/api/v1/threads/${thread.id}`).set(auth(admin.token)).expect(200);
    expect((res.body as Thread).assignedAgent?.id).toBe(winner.agent.id);
    const msgs = await actors.http.get(`/api/v1/threads/${thread.id}/messages`).set(auth(admin.token)).expect(200);
    expect((msgs.body.items as Message[]).filter((m) => m.authorType === 'system')).toHaveLength(1);
  });

  it('closes with the caller as closer and then refuses messages, changing nothing', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'a', body: 'bye' }).expect(201);
    const closed = await actors.http.post(`/api/v1/threads/${thread.id}/close`).set(auth(v.token)).expect(200);
    expect(closed.body.closedBy).toEqual({ type: 'visitor', id: v.visitor.id });
    const refused = await actors.http
      .post(`/api/v1/threads/${thread.id}/messages`)
      .set(auth(v.token))
      .send({ clientMsgId: 'b', body: 'too late' })
      .expect(409);
    expect(refused.body.code).toBe('THREAD_CLOSED');
    const after = await actors.http.get(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).expect(200);
    expect(after.body.items.map((m: Message) => m.body)).toEqual(['bye', 'Conversation closed by the visitor']);
    // A new conversation may start once the old one is closed.
    const next = await actors.thread(v.token);
    expect(next.id).not.toBe(thread.id);
  });

  it('gives each thread its first visitor message and its newest message that is not a system note', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const empty = await actors.http.get(`/api/v1/threads/${thread.id}`).set(auth(admin.token)).expect(200);
    expect(empty.body).toMatchObject({ preview: null, lastMessage: null });
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'a', body: 'first' }).expect(201);
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'b', body: 'x'.repeat(300) }).expect(201);
    await actors.http.post(`/api/v1/threads/${thread.id}/claim`).set(auth(admin.token)).expect(200);
    const res = await actors.http.get(`/api/v1/threads/${thread.id}`).set(auth(admin.token)).expect(200);
    const t = res.body as Thread;
    expect(t.preview).toBe('first');
    expect(t.lastMessage).toMatchObject({ seq: 2, authorType: 'visitor', authorId: v.visitor.id, body: 'x'.repeat(140) });
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(admin.token)).send({ clientMsgId: 'c', body: 'on it' }).expect(201);
    const list = await actors.http.get('/api/v1/threads').query({ status: 'active', assignee: 'me' }).set(auth(admin.token)).expect(200);
    const listed = (list.body.items as Thread[]).find((x) => x.id === thread.id);
    expect(listed?.lastMessage).toMatchObject({ seq: 4, authorType: 'agent', authorId: admin.agent.id, body: 'on it' });
  });

  it('gives each result of a search the first message that matched, as an excerpt around the match', async () => {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    const tag = `q${Date.now().toString(36)}`;
    const long = `${'a'.repeat(300)} the 100%_${tag} part ${'b'.repeat(300)}`;
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'a', body: 'hello' }).expect(201);
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'b', body: long }).expect(201);
    await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set(auth(v.token)).send({ clientMsgId: 'c', body: `again ${tag}` }).expect(201);
    // LIKE's wildcards in the term are taken as text; case does not matter.
    const found = await actors.http.get('/api/v1/threads').query({ q: `100%_${tag.toUpperCase()}` }).set(auth(admin.token)).expect(200);
    const [hit] = (found.body.items as Thread[]).filter((x) => x.id === thread.id);
    expect(hit.match?.seq).toBe(2);
    expect(hit.match?.excerpt).toContain(`the 100%_${tag} part`);
    expect(hit.match?.excerpt.startsWith('…')).toBe(true);
    expect(hit.match?.excerpt.endsWith('…')).toBe(true);
    expect(hit.match?.excerpt.length).toBeLessThanOrEqual(162);
    // Matched on the visitor's email only: no message to show. Not searched: no match at all.
    const byEmail = await actors.http.get('/api/v1/threads').query({ q: v.visitor.email }).set(auth(admin.token)).expect(200);
    expect((byEmail.body.items as Thread[]).find((x) => x.id === thread.id)?.match).toBeNull();
    const plain = await actors.http.get(`/api/v1/threads/${thread.id}`).set(auth(admin.token)).expect(200);
    expect(plain.body).not.toHaveProperty('match');
  });

  it('pages threads by cursor without skipping or repeating', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await actors.thread((await actors.visitor()).token)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '3', order: 'asc', status: 'queued' };
      if (cursor) query['cursor'] = cursor;
      const res = await actors.http.get('/api/v1/threads').query(query).set(auth(admin.token)).expect(200);
      seen.push(...res.body.items.map((x: Thread) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created));
  });

  it('migrates down and up again', async () => {
    // Every migration, newest first, down to the empty schema.
    for (const _ of db.migrations) await db.undoLastMigration();
    const [{ exists }] = await db.query(`SELECT to_regclass('public.messages') IS NOT NULL AS exists`);
    expect(exists).toBe(false);
    await db.runMigrations();
    const [{ again }] = await db.query(`SELECT to_regclass('public.messages') IS NOT NULL AS again`);
    expect(again).toBe(true);
  });
});
