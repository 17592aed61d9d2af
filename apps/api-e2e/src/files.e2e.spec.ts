import {
  ClientEvent,
  ErrorCode,
  LIMITS,
  type Message,
  MessageSchema,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  ServerEvent,
  type Upload,
} from '@parley/contracts';
import { eventually, withClient } from '@parley/test-support';
import http from 'node:http';
import sharp from 'sharp';
import { activeConversation, adminToken, claimThread, listMessages, newAgent, newApiKey, newVisitor, startThread, unique } from './support/actors';
import {
  download,
  type FilesServer,
  LocalS3,
  multipart,
  pdf,
  photoWithGps,
  png,
  rawUpload,
  type StorageKind,
  startFilesServer,
  storedFiles,
  temporaryFiles,
  upload,
  uploadOk,
  zip,
} from './support/files';
import { call, expectProblem, expectStatus } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk, waitFor } from './support/sockets';
import { e2e, useServer } from './support/state';

/**
 * Files in conversations, on the disk storage and on an S3-compatible server (s3rver, started
 * here), each against a server of its own with small limits so the refusals are cheap to reach:
 * 1 MiB a file, 3 MiB a thread, 10 uploads per visitor per 10 minutes.
 */
const MAX_BYTES = 1024 * 1024;
const THREAD_MAX_BYTES = 3 * 1024 * 1024;
const VISITOR_UPLOADS = 10;

function expectRawProblem(res: { status: number; body: string }, code: ErrorCode): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`expected a ${code} problem, got ${res.status} ${res.body.slice(0, 300)}`);
  }
  const problem = ProblemSchema.parse(parsed);
  expect({ status: res.status, code: problem.code }).toEqual({ status: problem.status, code });
}

function expectFetchProblem(res: { status: number; body: unknown; headers: Headers }, code: ErrorCode): void {
  const problem = ProblemSchema.safeParse(res.body);
  if (!problem.success || problem.data.code !== code) throw new Error(`expected ${code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  expect(res.status).toBe(problem.data.status);
  expect(res.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
}

/**
 * Tests that reach into the database (deleting a thread, ageing an upload) or share it between
 * nodes: PostgreSQL only, since the embedded database belongs to the server process. They are not
 * registered on PGlite (they do not apply there, so they are neither passed nor skipped);
 * `uploads.integration.spec.ts` runs the same cleanup on PGlite.
 */
function onPostgres(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (e2e().backend === 'postgres') it(name, fn, timeout);
}

async function postWithFiles(token: string, threadId: string, attachments: string[], body?: string, clientMsgId = unique('files')) {
  return call('post /threads/{id}/messages', { params: { id: threadId }, token, body: { clientMsgId, attachments, ...(body ? { body } : {}) } });
}

describe.each<StorageKind>(['disk', 's3'])('files on the %s storage', (storage) => {
  let s3: LocalS3 | undefined;
  let files: FilesServer;
  const admin = { email: 'files@e2e.test', name: 'Files Admin', password: 'e2e-admin-password-1' };

  beforeAll(async () => {
    if (storage === 's3') s3 = await LocalS3.start();
    files = await startFilesServer('files', storage, s3, {
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
      UPLOAD_THREAD_MAX_BYTES: String(THREAD_MAX_BYTES),
      UPLOAD_RATE_VISITOR: `${VISITOR_UPLOADS}/10m`,
      UPLOAD_CLEANUP_INTERVAL_SECONDS: '1',
    });
    useServer(files.server.url, e2e().admin);
    const setup = await call('post /setup', { body: admin });
    expectStatus(setup, 201);
    const body = setup.body as { token: string; agent: { id: string } };
    useServer(files.server.url, { ...admin, id: body.agent.id, token: body.token });
  });

  afterAll(async () => {
    await closeAllSockets();
    await closeAllRaw();
    await files?.stop();
    await s3?.stop();
  });

  describe('upload, attach, download', () => {
    it('a visitor sends a photo: its EXIF and GPS are gone, it is turned upright, and every role that reads the thread downloads it', async () => {
      const { visitor, agent, thread } = await activeConversation();
      const original = await photoWithGps();
      const originalMeta = await sharp(original).metadata();
      expect({ exif: originalMeta.exif !== undefined, orientation: originalMeta.orientation }).toEqual({ exif: true, orientation: 6 });
      expect(original.includes('Parley secret copyright')).toBe(true);

      const sent = await uploadOk(visitor.token, thread.id, { bytes: original, name: 'screen.jpg', type: 'image/jpeg' });
      // Orientation 6: the 40×30 picture is shown 30 wide and 40 high.
      expect(sent).toEqual<Upload>({ uploadId: expect.any(String), name: 'screen.jpg', size: expect.any(Number), contentType: 'image/jpeg', width: 30, height: 40 });

      const post = await postWithFiles(visitor.token, thread.id, [sent.uploadId], 'the error I get');
      expectStatus(post, 201);
      const message = MessageSchema.parse(post.body);
      expect(message.body).toBe('the error I get');
      expect(message.attachments).toEqual([{ id: sent.uploadId, name: 'screen.jpg', size: sent.size, contentType: 'image/jpeg', width: 30, height: 40 }]);

      const otherAgent = await newAgent();
      const apiKey = await newApiKey();
      for (const token of [visitor.token, agent.token, otherAgent.token, adminToken(), apiKey]) {
        const res = await download(token, sent.uploadId);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        expect(res.headers.get('content-disposition')).toBe('inline; filename=screen.jpg');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(res.bytes.length).toBe(sent.size);
        const meta = await sharp(res.bytes).metadata();
        expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif, orientation: meta.orientation }).toEqual({
          format: 'jpeg',
          width: 30,
          height: 40,
          exif: undefined,
          orientation: undefined,
        });
        expect(res.bytes.includes('Parley secret copyright')).toBe(false);
      }
      // The agent's transcript shows the file.
      const page = await listMessages(agent.token, thread.id);
      expect(page.items.find((m) => m.id === message.id)?.attachments.map((a) => a.id)).toEqual([sent.uploadId]);
    });

    it('refusals: another visitor, no token and a bad id read as not found or unauthenticated; an unattached upload is its uploader\'s alone', async () => {
      const { visitor, agent, thread } = await activeConversation();
      const attached = await uploadOk(visitor.token, thread.id, { bytes: await png(), name: 'a.png', type: 'image/png' });
      expectStatus(await postWithFiles(visitor.token, thread.id, [attached.uploadId]), 201);
      const pending = await uploadOk(visitor.token, thread.id, { bytes: await png(), name: 'b.png', type: 'image/png' });
      const stranger = await newVisitor('Stranger');

      expectFetchProblem(await download(stranger.token, attached.uploadId), ErrorCode.AttachmentNotFound);
      expectFetchProblem(await download(undefined, attached.uploadId), ErrorCode.Unauthenticated);
      expectFetchProblem(await download(visitor.token, '00000000-0000-4000-8000-000000000000'), ErrorCode.AttachmentNotFound);
      expectFetchProblem(await download(visitor.token, 'not-a-uuid'), ErrorCode.ValidationFailed);
      // Not yet sent: its uploader sees it, the thread's agent does not.
      expect((await download(visitor.token, pending.uploadId)).status).toBe(200);
      expectFetchProblem(await download(agent.token, pending.uploadId), ErrorCode.AttachmentNotFound);
      expectFetchProblem(await download(adminToken(), pending.uploadId), ErrorCode.AttachmentNotFound);
    });

    it('the agent sends a PDF over socket.io; the visitor hears it live and downloads it as a file, never a page', async () => {
      const { visitor, agent, thread } = await activeConversation();
      const agentSocket = await connect(agent.token);
      const visitorSocket = await connect(visitor.token);
      expectAckOk(await emitAck(visitorSocket, ClientEvent.ThreadJoin, { threadId: thread.id }));
      const sent = await uploadOk(agent.token, thread.id, { bytes: pdf(), name: 'invoice.pdf', type: 'application/pdf' });
      expect(sent).toEqual({ uploadId: expect.any(String), name: 'invoice.pdf', size: pdf().length, contentType: 'application/pdf' });

      const heard = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.attachments.length > 0);
      const ack = expectAckOk(await emitAck(agentSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: unique('pdf'), attachments: [sent.uploadId] }));
      expect(ack.message.body).toBe('');
      const live: Message = await heard;
      expect(live.attachments).toEqual([{ id: sent.uploadId, name: 'invoice.pdf', size: sent.size, contentType: 'application/pdf' }]);

      const res = await download(visitor.token, sent.uploadId);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename=invoice.pdf');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.bytes.equals(pdf())).toBe(true);
    });

    it('the raw WebSocket protocol carries attachments both ways, and an integrator (API key) sends files too', async () => {
      const { visitor, thread } = await activeConversation();
      const raw = await openRaw(thread.id, visitor.token);
      await raw.next('connection_established');
      const text = await uploadOk(visitor.token, thread.id, { bytes: Buffer.from('order 1234\nstill missing\n'), name: 'notes.txt', type: 'text/plain' });
      expect(text.contentType).toBe('text/plain; charset=utf-8');
      raw.send({ clientMsgId: 'raw-files-1', attachments: [text.uploadId] });
      const ack = await raw.next('ack', (f) => f.clientMsgId === 'raw-files-1');
      expect(ack.duplicate).toBe(false);
      const own = await raw.next('chat', (f) => f.clientMsgId === 'raw-files-1');
      expect(own.message).toBe('');
      expect(own.attachments).toEqual([{ id: text.uploadId, name: 'notes.txt', size: text.size, contentType: 'text/plain; charset=utf-8' }]);

      const key = await newApiKey();
      const fromBot = await uploadOk(key, thread.id, { bytes: pdf(), name: 'label.pdf' });
      expectStatus(await postWithFiles(key, thread.id, [fromBot.uploadId], 'your shipping label'), 201);
      const frame = await raw.next('chat', (f) => f.attachments.some((a) => a.id === fromBot.uploadId));
      expect(frame.author.type).toBe('bot');
      expect(frame.message).toBe('your shipping label');
    });

    it('a resend with the same clientMsgId returns the stored message; an upload goes into one message only, of its own thread and uploader', async () => {
      const { visitor, agent, thread } = await activeConversation();
      const a = await uploadOk(visitor.token, thread.id, { bytes: await png(), name: 'a.png', type: 'image/png' });
      const clientMsgId = unique('again');
      const first = await postWithFiles(visitor.token, thread.id, [a.uploadId], undefined, clientMsgId);
      expectStatus(first, 201);
      const again = await postWithFiles(visitor.token, thread.id, [a.uploadId], undefined, clientMsgId);
      expectStatus(again, 200);
      expect(MessageSchema.parse(again.body)).toEqual(MessageSchema.parse(first.body));
      // Used already.
      expectProblem(await postWithFiles(visitor.token, thread.id, [a.uploadId]), ErrorCode.AttachmentNotFound);
      // Another uploader's (the agent's) upload, in the same thread.
      const agents = await uploadOk(agent.token, thread.id, { bytes: pdf(), name: 'x.pdf' });
      expectProblem(await postWithFiles(visitor.token, thread.id, [agents.uploadId]), ErrorCode.AttachmentNotFound);
      // An upload to another thread cannot be moved here, by its uploader or anyone.
      const other = await activeConversation();
      const elsewhere = await uploadOk(other.visitor.token, other.thread.id, { bytes: pdf(), name: 'y.pdf' });
      expectProblem(await postWithFiles(visitor.token, thread.id, [elsewhere.uploadId]), ErrorCode.AttachmentNotFound);
      expectProblem(await postWithFiles(other.visitor.token, thread.id, [elsewhere.uploadId]), ErrorCode.ThreadNotFound);
      // Nothing was stored by the refusals.
      expect((await listMessages(visitor.token, thread.id)).items.filter((m) => m.attachments.length > 0)).toHaveLength(1);
    });

    it('at most five files a message, no upload twice, and a message needs text or files', async () => {
      const { visitor, thread } = await activeConversation();
      const ids = await Promise.all(Array.from({ length: LIMITS.attachmentsPerMessageMax + 1 }, async (_, i) => (await uploadOk(visitor.token, thread.id, { bytes: Buffer.from(`line ${i}\n`), name: `${i}.txt` })).uploadId));
      expectProblem(await postWithFiles(visitor.token, thread.id, ids), ErrorCode.ValidationFailed);
      expectProblem(await postWithFiles(visitor.token, thread.id, [ids[0], ids[0]]), ErrorCode.ValidationFailed);
      expectProblem(await postWithFiles(visitor.token, thread.id, []), ErrorCode.ValidationFailed);
      const socket = await connect(visitor.token);
      expectAckError(await emitAck(socket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: unique('none') }), ErrorCode.ValidationFailed);
      const five = await postWithFiles(visitor.token, thread.id, ids.slice(0, LIMITS.attachmentsPerMessageMax));
      expectStatus(five, 201);
      expect(MessageSchema.parse(five.body).attachments.map((a) => a.id)).toEqual(ids.slice(0, LIMITS.attachmentsPerMessageMax));
    });

    it('who may upload: the visitor, the assignee, admins and API keys; not another agent, another visitor or a closed thread', async () => {
      const { visitor, thread } = await activeConversation();
      const other = await newAgent();
      const stranger = await newVisitor();
      const file = { bytes: pdf(), name: 'f.pdf' };
      expect((await upload(adminToken(), thread.id, file)).status).toBe(201);
      expect((await upload(await newApiKey(), thread.id, file)).status).toBe(201);
      expectFetchProblem(await upload(other.token, thread.id, file), ErrorCode.Forbidden);
      expectFetchProblem(await upload(stranger.token, thread.id, file), ErrorCode.ThreadNotFound);
      const pending = await uploadOk(visitor.token, thread.id, file);
      expectStatus(await call('post /threads/{id}/close', { params: { id: thread.id }, token: visitor.token }), 200);
      expectFetchProblem(await upload(visitor.token, thread.id, file), ErrorCode.ThreadClosed);
      expectProblem(await postWithFiles(visitor.token, thread.id, [pending.uploadId]), ErrorCode.ThreadClosed);
    });
  });

  describe('bad input leaves no file and no row', () => {
    let before: string[];
    let filesBefore: string[];

    /** What is stored now is what must still be stored after the refusals that follow. */
    async function snapshot(): Promise<void> {
      filesBefore = (await storedFiles(files, s3)).sort();
      before = files.database ? await withClient(files.database.url, async (c) => (await c.query<{ id: string }>('SELECT id FROM uploads')).rows.map((r) => r.id)) : [];
    }

    async function expectNothingLeft(): Promise<void> {
      // Refused uploads remove their temporary file before they answer.
      expect(temporaryFiles(files)).toEqual([]);
      expect((await storedFiles(files, s3)).sort()).toEqual(filesBefore);
      if (files.database) {
        const count = await withClient(files.database.url, async (c) => Number((await c.query('SELECT count(*) AS n FROM uploads')).rows[0].n));
        expect(count).toBe(before.length);
      }
    }

    beforeEach(snapshot);

    it('too large: 413 PAYLOAD_TOO_LARGE, answered before the body is read, whether the length is declared or not', async () => {
      const { visitor, thread } = await activeConversation();
      // Declared: the answer comes from the headers alone. The client sends 2 MB of the 500 MB it
      // announced and waits, the request still open: the answer must come all the same.
      let declaredChunks = 0;
      const declared = await rawUpload(visitor.token, thread.id, {
        contentType: 'multipart/form-data; boundary=x',
        declaredLength: 50 * MAX_BYTES,
        body: () => (declaredChunks++ < 32 ? Buffer.alloc(64 * 1024, 0x61) : null),
        end: false,
      });
      expectRawProblem(declared, ErrorCode.PayloadTooLarge);
      expect(declared.sentWhenAnswered).toBeLessThan(50 * MAX_BYTES);
      // Chunked: the file is cut off at the limit, long before the end of what the client would send.
      const head = multipart('x', [], false);
      let sent = 0;
      const chunked = await rawUpload(visitor.token, thread.id, {
        contentType: 'multipart/form-data; boundary=x',
        declaredLength: null,
        body: () => {
          if (sent === 0) {
            sent += 1;
            return Buffer.concat([head, Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n')]);
          }
          sent += 1;
          return sent > 20 * 16 ? null : Buffer.alloc(64 * 1024, 0x62);
        },
      });
      expectRawProblem(chunked, ErrorCode.PayloadTooLarge);
      expect(chunked.sentWhenAnswered).toBeLessThan(20 * MAX_BYTES);
      await expectNothingLeft();
    });

    it('a type not allowed, or bytes that are not what the client claims: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const { visitor, thread } = await activeConversation();
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: zip(), name: 'a.zip', type: 'application/zip' }), ErrorCode.UnsupportedMediaType);
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: zip(), name: 'a.png', type: 'image/png' }), ErrorCode.UnsupportedMediaType);
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: await png(), name: 'a.pdf', type: 'application/pdf' }), ErrorCode.UnsupportedMediaType);
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: Buffer.from('<script>alert(1)</script>'), name: 'a.html', type: 'text/html' }), ErrorCode.UnsupportedMediaType);
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: Buffer.from('plain words'), name: 'a.png', type: 'image/png' }), ErrorCode.UnsupportedMediaType);
      // A PNG signature on bytes that are not a PNG.
      const fake = Buffer.concat([(await png()).subarray(0, 16), Buffer.alloc(200, 7)]);
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: fake, name: 'b.png', type: 'image/png' }), ErrorCode.UnsupportedMediaType);
      // Not multipart at all.
      const json = await rawUpload(visitor.token, thread.id, { contentType: 'application/octet-stream', body: Buffer.from('raw bytes') });
      expectRawProblem(json, ErrorCode.UnsupportedMediaType);
      await expectNothingLeft();
    });

    it('many parts, huge part headers, a truncated or broken-off body, another field, an empty file: 400', async () => {
      const { visitor, thread } = await activeConversation();
      const type = 'multipart/form-data; boundary=b';
      const field = (name: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: 'x' });
      const file = (name = 'file', body: Buffer | string = 'some text\n') => ({ headers: [`Content-Disposition: form-data; name="${name}"; filename="t.txt"`, 'Content-Type: text/plain'], body });

      const many = await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [...Array.from({ length: 50 }, (_, i) => field(`f${i}`)), file()]) });
      expectRawProblem(many, ErrorCode.ValidationFailed);
      const hugeHeader = { headers: [`Content-Disposition: form-data; name="file"; filename="t.txt"`, `X-Padding: ${'p'.repeat(200_000)}`], body: 'x' };
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [hugeHeader]) }), ErrorCode.ValidationFailed);
      // The body ends (its length is what was declared) before the closing boundary.
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [file('file', 'x'.repeat(5000))], false) }), ErrorCode.ValidationFailed);
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [file('document')]) }), ErrorCode.ValidationFailed);
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [file('file'), file('file')]) }), ErrorCode.ValidationFailed);
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: type, body: multipart('b', [file('file', '')]) }), ErrorCode.ValidationFailed);
      expectRawProblem(await rawUpload(visitor.token, thread.id, { contentType: 'multipart/form-data', body: Buffer.from('no boundary') }), ErrorCode.ValidationFailed);
      await expectNothingLeft();

      // A client that goes away in the middle of the file: nobody hears an answer, and nothing stays.
      const partial = multipart('b', [file('file', 'y'.repeat(100_000))], false);
      await new Promise<void>((resolve) => {
        const url = new URL(files.server.url);
        const req = http.request({
          host: url.hostname,
          port: url.port,
          path: `/api/v1/threads/${thread.id}/uploads`,
          method: 'POST',
          headers: { authorization: `Bearer ${visitor.token}`, 'content-type': type, 'content-length': partial.length + 500_000 },
        });
        req.on('error', () => resolve());
        req.write(partial, () => {
          req.destroy();
          resolve();
        });
      });
      await eventually(() => expect(temporaryFiles(files)).toEqual([]));
      await expectNothingLeft();
    });

    it("limits: a visitor's uploads per 10 minutes (429) and a thread's bytes (413)", async () => {
      const visitor = await newVisitor();
      const thread = await startThread(visitor.token);
      for (let i = 0; i < VISITOR_UPLOADS; i++) await uploadOk(visitor.token, thread.id, { bytes: Buffer.from(`n${i}\n`), name: 'n.txt' });
      await snapshot();
      expectFetchProblem(await upload(visitor.token, thread.id, { bytes: Buffer.from('one more\n'), name: 'n.txt' }), ErrorCode.RateLimited);

      // Agents are not counted per visitor; the thread's total is what stops them.
      const agent = await newAgent();
      await claimThread(agent.token, thread.id);
      const big = Buffer.alloc(MAX_BYTES - 1024, 0x41);
      let accepted = 0;
      for (;;) {
        const res = await upload(agent.token, thread.id, { bytes: big, name: 'big.txt' });
        if (res.status !== 201) {
          expectFetchProblem(res, ErrorCode.PayloadTooLarge);
          break;
        }
        accepted += 1;
        await snapshot();
      }
      // The visitor's small files count too.
      expect(accepted).toBe(Math.floor((THREAD_MAX_BYTES - VISITOR_UPLOADS * 3) / big.length));
      await expectNothingLeft();
    });
  });

  describe('cleanup', () => {
    onPostgres('deleting a thread deletes its files (the thread is deleted in SQL, as a retention job would)', async () => {
      if (!files.database) throw new Error('this server has no database of its own to reach');
      const { visitor, thread } = await activeConversation();
      const a = await uploadOk(visitor.token, thread.id, { bytes: await png(), name: 'a.png', type: 'image/png' });
      expectStatus(await postWithFiles(visitor.token, thread.id, [a.uploadId]), 201);
      await uploadOk(visitor.token, thread.id, { bytes: pdf(), name: 'b.pdf' });
      const stored = (await storedFiles(files, s3)).length;
      const database = files.database;
      await withClient(database.url, (c) => c.query('DELETE FROM threads WHERE id = $1', [thread.id]));
      await eventually(async () => expect((await storedFiles(files, s3)).length).toBe(stored - 2), 30_000, 250);
      expectFetchProblem(await download(visitor.token, a.uploadId), ErrorCode.AttachmentNotFound);
    });

    it('an upload never attached is deleted, file and all, once UPLOAD_UNATTACHED_TTL_SECONDS have passed', async () => {
      const short = await startFilesServer('cleanup', storage, s3, { UPLOAD_UNATTACHED_TTL_SECONDS: '1', UPLOAD_CLEANUP_INTERVAL_SECONDS: '1' });
      try {
        useServer(short.server.url, e2e().admin);
        const visitor = await newVisitor();
        const thread = await startThread(visitor.token);
        const dropped = await uploadOk(visitor.token, thread.id, { bytes: pdf(), name: 'dropped.pdf' });
        await eventually(async () => expect(await storedFiles(short, s3)).toEqual([]), 30_000, 250);
        expectFetchProblem(await download(visitor.token, dropped.uploadId), ErrorCode.AttachmentNotFound);
        expectProblem(await postWithFiles(visitor.token, thread.id, [dropped.uploadId]), ErrorCode.AttachmentNotFound);
      } finally {
        useServer(files.server.url, e2e().admin);
        await short.stop();
      }
    });

    onPostgres('only unattached uploads expire: of two uploads made long ago, the one a message carries stays (their age is set in SQL)', async () => {
      if (!files.database) throw new Error('this server has no database of its own to reach');
      const { visitor, thread } = await activeConversation();
      const kept = await uploadOk(visitor.token, thread.id, { bytes: pdf(), name: 'kept.pdf' });
      expectStatus(await postWithFiles(visitor.token, thread.id, [kept.uploadId]), 201);
      const dropped = await uploadOk(visitor.token, thread.id, { bytes: pdf(), name: 'dropped.pdf' });
      const stored = (await storedFiles(files, s3)).length;
      await withClient(files.database.url, (c) => c.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ANY($1::uuid[])`, [[kept.uploadId, dropped.uploadId]]));
      await eventually(async () => expect((await storedFiles(files, s3)).length).toBe(stored - 1), 30_000, 250);
      expectFetchProblem(await download(visitor.token, dropped.uploadId), ErrorCode.AttachmentNotFound);
      const res = await download(visitor.token, kept.uploadId);
      expect(res.status).toBe(200);
      expect(res.bytes.equals(pdf())).toBe(true);
    });
  });
});

describe('several nodes on local disks', () => {
  // An embedded database has one node by construction.
  onPostgres('a second node that keeps files on another disk refuses to start, naming STORAGE_URL', async () => {
    const first = await startFilesServer('disk-a', 'disk', undefined, {});
    try {
      // The same folder is one disk: a second node there starts.
      const sibling = await startFilesServer('disk-a2', 'disk', undefined, {}, { database: first.database, uploadsDir: first.uploadsDir });
      try {
        await expect(startFilesServer('disk-b', 'disk', undefined, {}, { database: first.database })).rejects.toThrow(/STORAGE_URL/);
      } finally {
        await sibling.stop();
      }
    } finally {
      await first.stop();
    }
  });
});
