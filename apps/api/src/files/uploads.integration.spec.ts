import type { AuthResponse, Thread, Upload, VisitorSessionResponse } from '@parley/contracts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Actors } from '../testing/actors';
import { createTestApp, describeBackends, type TestApp } from '../testing/test-app';
import { UploadsCleanup } from './uploads.cleanup';

/**
 * The cleanup against a real database (PostgreSQL and the embedded PGlite): rows deleted by any
 * cascade queue their files, expired unattached uploads go, attached ones stay. Driven by calling
 * one round directly, so nothing waits on the interval.
 */
describeBackends('uploads cleanup', (backend) => {
  let t: TestApp;
  let actors: Actors;
  let cleanup: UploadsCleanup;
  let db: DataSource;
  let dir: string;
  let admin: AuthResponse;

  beforeAll(async () => {
    // The timer stays out of the way: each test runs the rounds it needs.
    t = await createTestApp(backend, { UPLOAD_CLEANUP_INTERVAL_SECONDS: '86400' });
    actors = new Actors(t.app);
    admin = await actors.admin();
    cleanup = t.app.get(UploadsCleanup);
    db = t.app.get(DataSource);
    dir = t.app.get(AppConfig).uploads.dir;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function uploadText(visitor: VisitorSessionResponse, thread: Thread, text: string): Promise<Upload> {
    const res = await actors.http
      .post(`/api/v1/threads/${thread.id}/uploads`)
      .set('authorization', `Bearer ${visitor.token}`)
      .attach('file', Buffer.from(text), { filename: 'notes.txt', contentType: 'text/plain' })
      .expect(201);
    return res.body as Upload;
  }

  async function fileOf(uploadId: string): Promise<string> {
    const [row] = (await db.query(`SELECT storage_key FROM uploads WHERE id = $1`, [uploadId])) as { storage_key: string }[];
    const key = row.storage_key;
    return join(dir, key.slice(0, 2), key.slice(2, 4), key);
  }

  it("deleting a thread deletes its files, attached or not", async () => {
    const visitor = await actors.visitor();
    const thread = await actors.thread(visitor.token);
    const attached = await uploadText(visitor, thread, 'attached\n');
    await actors.http
      .post(`/api/v1/threads/${thread.id}/messages`)
      .set('authorization', `Bearer ${visitor.token}`)
      .send({ clientMsgId: 'm-1', attachments: [attached.uploadId] })
      .expect(201);
    const pending = await uploadText(visitor, thread, 'pending\n');
    const files = [await fileOf(attached.uploadId), await fileOf(pending.uploadId)];
    expect(files.map(existsSync)).toEqual([true, true]);

    await db.query(`DELETE FROM threads WHERE id = $1`, [thread.id]);
    expect(files.map(existsSync)).toEqual([true, true]);
    await cleanup.run();
    expect(files.map(existsSync)).toEqual([false, false]);
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM storage_garbage`)) as { n: number }[];
    expect(n).toBe(0);
  });

  it('an upload never attached goes once it is older than the ttl; an attached one of the same age stays', async () => {
    const visitor = await actors.visitor();
    const thread = await actors.thread(visitor.token);
    const kept = await uploadText(visitor, thread, 'kept\n');
    await actors.http
      .post(`/api/v1/threads/${thread.id}/messages`)
      .set('authorization', `Bearer ${visitor.token}`)
      .send({ clientMsgId: 'm-2', attachments: [kept.uploadId] })
      .expect(201);
    const fresh = await uploadText(visitor, thread, 'fresh\n');
    const old = await uploadText(visitor, thread, 'old\n');
    const [keptFile, freshFile, oldFile] = [await fileOf(kept.uploadId), await fileOf(fresh.uploadId), await fileOf(old.uploadId)];
    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`, [[kept.uploadId, old.uploadId]]);

    await cleanup.run();
    expect({ kept: existsSync(keptFile), fresh: existsSync(freshFile), old: existsSync(oldFile) }).toEqual({ kept: true, fresh: true, old: false });
    const ids = ((await db.query(`SELECT id FROM uploads WHERE thread_id = $1`, [thread.id])) as { id: string }[]).map((r) => r.id).sort();
    expect(ids).toEqual([kept.uploadId, fresh.uploadId].sort());
    // The admin reads the transcript with the file still there.
    await actors.http.get(`/api/v1/attachments/${kept.uploadId}`).set('authorization', `Bearer ${admin.token}`).expect(200);
  });
});
