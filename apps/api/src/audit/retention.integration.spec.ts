import { randomUUID } from 'node:crypto';
import type { AuthResponse } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { Actors } from '../testing/actors';
import { createTestApp, describeBackends, type TestApp } from '../testing/test-app';
import { AuditService } from './audit.service';
import { RetentionService } from './retention.service';

const DAY = 86_400_000;

/** Data retention against a real database, with a clock of the test's own. */
describeBackends('data retention', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let admin: AuthResponse;
  let retention: RetentionService;
  let db: DataSource;
  const auth = () => ({ authorization: `Bearer ${admin.token}` });

  beforeAll(async () => {
    // The timer never fires during the test: runs happen when the test calls them, on its clock.
    t = await createTestApp(backend, { RETENTION_CHECK_INTERVAL: '24d', UPLOAD_CLEANUP_INTERVAL_SECONDS: '86400' });
    actors = new Actors(t.app);
    admin = await actors.admin();
    retention = t.app.get(RetentionService);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A visitor's thread with two messages, closed `closedDaysAgo` days before `now` (or left open). */
  async function conversation(now: Date, closedDaysAgo: number | null): Promise<string> {
    const v = await actors.visitor();
    const thread = await actors.thread(v.token);
    for (const body of ['hello', 'order 1234']) {
      await actors.http.post(`/api/v1/threads/${thread.id}/messages`).set('authorization', `Bearer ${v.token}`).send({ body, clientMsgId: randomUUID() }).expect(201);
    }
    await db.query(`INSERT INTO webhook_events (type, thread_id, data) VALUES ('thread.created', $1, '{}')`, [thread.id]);
    await actors.http.post(`/api/v1/threads/${thread.id}/notes`).set(auth()).send({ body: 'a private note', clientNoteId: randomUUID() }).expect(201);
    if (closedDaysAgo !== null) {
      await actors.http.post(`/api/v1/threads/${thread.id}/close`).set('authorization', `Bearer ${v.token}`).send({}).expect(200);
      await db.query(`UPDATE threads SET closed_at = $2, created_at = $2 WHERE id = $1`, [thread.id, new Date(now.getTime() - closedDaysAgo * DAY).toISOString()]);
    }
    return thread.id;
  }

  const exists = async (id: string) => ((await db.query(`SELECT count(*)::int AS n FROM threads WHERE id = $1`, [id])) as { n: number }[])[0].n === 1;
  const messagesOf = async (id: string) => ((await db.query(`SELECT count(*)::int AS n FROM messages WHERE thread_id = $1`, [id])) as { n: number }[])[0].n;
  const notesOf = async (id: string) => ((await db.query(`SELECT count(*)::int AS n FROM notes WHERE thread_id = $1`, [id])) as { n: number }[])[0].n;
  const eventsOf = async (id: string) => ((await db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE thread_id = $1`, [id])) as { n: number }[])[0].n;

  it('is off by default: nothing is deleted however old', async () => {
    const now = new Date();
    const old = await conversation(now, 400);
    expect(await retention.runIfDue(now)).toEqual({ ran: false, threads: 0, messages: 0 });
    expect(await exists(old)).toBe(true);
    const settings = await actors.http.get('/api/v1/settings/retention').set(auth()).expect(200);
    expect(settings.body).toMatchObject({ closedThreadsDays: null, lastRunAt: null, lastRunDeleted: null });
  });

  it('deletes exactly the conversations closed longer ago than the setting, with their messages and events, once a day, and records the run', async () => {
    const now = new Date(Date.now() + 2 * DAY);
    await actors.http.put('/api/v1/settings/retention').set(auth()).send({ closedThreadsDays: 30 }).expect(200);
    // Everything older from the test before is due too; count only this test's threads.
    const due = [await conversation(now, 31), await conversation(now, 365)];
    const kept = [await conversation(now, 29), await conversation(now, 1), await conversation(now, null)];
    const messagesBefore = await messagesOf(due[0]);
    expect(messagesBefore).toBeGreaterThanOrEqual(3);

    const run = await retention.runIfDue(now);
    expect(run.ran).toBe(true);
    for (const id of due) {
      expect(await exists(id)).toBe(false);
      expect(await messagesOf(id)).toBe(0);
      expect(await eventsOf(id)).toBe(0);
      expect(await notesOf(id)).toBe(0);
    }
    for (const id of kept) {
      expect(await exists(id)).toBe(true);
      expect(await messagesOf(id)).toBeGreaterThanOrEqual(2);
      expect(await eventsOf(id)).toBe(1);
      expect(await notesOf(id)).toBe(1);
    }
    // The thread of the first test (400 days) went too.
    expect(run.threads).toBe(3);
    expect(run.messages).toBeGreaterThanOrEqual(3 * messagesBefore - 2);

    // Once a day: the same day again does nothing, on any node.
    expect(await retention.runIfDue(new Date(now.getTime() + 3600_000))).toMatchObject({ ran: false });
    // The next day the 29-day-old conversation is exactly 30 days old: not yet older than 30 days.
    const nextDay = new Date(now.getTime() + 1 * DAY);
    const second = await retention.runIfDue(nextDay);
    expect(second.ran).toBe(true);
    expect(await exists(kept[0])).toBe(true);
    const third = await retention.runIfDue(new Date(now.getTime() + 2 * DAY));
    expect(third).toMatchObject({ ran: true, threads: 1 });
    expect(await exists(kept[0])).toBe(false);
    expect(await exists(kept[1])).toBe(true);

    const audit = await t.app.get(AuditService).list({ action: 'retention.ran', limit: 10 });
    expect(audit.items.map((e) => e.details['threads'])).toEqual([1, 0, 3]);
    expect(audit.items[2]).toMatchObject({ actor: { type: 'system' }, details: { days: 30 } });
    const settings = await actors.http.get('/api/v1/settings/retention').set(auth()).expect(200);
    expect(settings.body).toMatchObject({ closedThreadsDays: 30, lastRunDeleted: 1 });
  });

  it('queues the files of deleted conversations for deletion from storage', async () => {
    const now = new Date(Date.now() + 10 * DAY);
    const id = await conversation(now, 60);
    await db.query(
      `INSERT INTO uploads (thread_id, uploader_type, uploader_id, name, size, content_type, storage_key)
       SELECT $1, 'visitor', visitor_id, 'a.txt', 1, 'text/plain', 'retention-test-key' FROM threads WHERE id = $1`,
      [id],
    );
    await retention.runIfDue(now);
    expect(await exists(id)).toBe(false);
    const queued = (await db.query(`SELECT count(*)::int AS n FROM storage_garbage WHERE storage_key = 'retention-test-key'`)) as { n: number }[];
    expect(queued[0].n).toBe(1);
  });
});
