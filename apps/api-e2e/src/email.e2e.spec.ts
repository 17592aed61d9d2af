import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ClientEvent,
  EmailOverviewSchema,
  ErrorCode,
  PublicWidgetSettingsSchema,
  TranscriptRequestedSchema,
  VisitorSessionResponseSchema,
} from '@parley/contracts';
import { type ApiServer, createDatabase, dropDatabase, freePort, linkToken, startApiServer, type TestDatabase, TestSmtp, until, WORKSPACE_ROOT } from '@parley/test-support';
import { claimThread, getThread, newAgent, newVisitor, postMessage, startThread, unique } from './support/actors';
import { DATABASE_PREFIX, PG } from './support/database';
import { call, expectProblem, expectStatus } from './support/http';

import { closeAllSockets, connect, emitAck, expectAckOk } from './support/sockets';
import { e2e, useServer } from './support/state';

/** Generous: a node under load polls late, never early. */
const MAIL_MS = 30_000;
/** A hang bound: a fresh embedded database runs every migration before the server is ready, slow on a loaded machine. */
const START_MS = 240_000;
/** A hang bound per test: each waits for several mails. */
const TEST_MS = 180_000;

const admin = { email: 'mail-admin@e2e.test', name: 'Mail Admin', password: 'e2e-admin-password-1' };

describe('without SMTP_URL', () => {
  it('the admin page says mail is off and why; a transcript request is refused with EMAIL_DISABLED', async () => {
    const res = await call('get /settings/email', { token: e2e().admin.token });
    expectStatus(res, 200);
    const o = EmailOverviewSchema.parse(res.body);
    expect(o.enabled).toBe(false);
    expect(o.reason).toMatch(/SMTP_URL/);
    const v = await newVisitor();
    const thread = await startThread(v.token);
    expectProblem(await call('post /threads/{id}/transcript', { token: v.token, params: { id: thread.id } }), ErrorCode.EmailDisabled);
  });
});

describe('email follow-up, confirmation, transcripts (real SMTP server)', () => {
  let smtp: TestSmtp;
  let api: ApiServer;
  let port = 0;
  let database: TestDatabase | undefined;
  let dataDir: string;
  let env: Record<string, string>;
  let site: string;

  async function startApi(): Promise<void> {
    api = await startApiServer({
      env: {
        PORT: String(port),
        JWT_SECRET: e2e().jwtSecret,
        ALLOWED_ORIGINS: e2e().allowedOrigin,
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        SOCKET_RATE_HANDSHAKE: '100000/1m',
        NODE_ENV: 'test',
        UPLOADS_DIR: path.join(dataDir, 'uploads'),
        ...(database ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: path.join(dataDir, 'pglite') }),
        ...env,
      },
      unset: ['DATABASE_URL', 'REDIS_URL', 'STORAGE_URL'],
      logFile: path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-email-${e2e().backend}.log`),
      appendLog: true,
      tailChars: 20_000,
      readyTimeoutMs: START_MS,
    });
    useServer(api.url, e2e().admin);
  }

  async function signIn(): Promise<void> {
    const login = await call('post /auth/login', { body: { email: admin.email, password: admin.password } });
    expectStatus(login, 200);
    const body = login.body as { token: string; agent: { id: string } };
    useServer(api.url, { ...admin, id: body.agent.id, token: body.token });
  }

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    port = await freePort();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-email-'));
    database = e2e().backend === 'postgres' ? await createDatabase(DATABASE_PREFIX, PG) : undefined;
    env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Parley <chat@parley.test>',
      EMAIL_IDLE_DELAY: '300ms',
      // One digest per thread per hour: a second digest in this test would be a bug.
      EMAIL_DIGEST_INTERVAL: '1h',
      EMAIL_POLL_INTERVAL: '200ms',
      EMAIL_RETRY_SCHEDULE: Array.from({ length: 20 }, () => '300ms').join(','),
      EMAIL_TIMEOUT: '2s',
    };
    await startApi();
    expectStatus(await call('post /setup', { body: admin }), 201);
    await signIn();
    site = PublicWidgetSettingsSchema.parse((await call('get /widget/settings')).body).title;
  }, START_MS + 30_000);

  afterAll(async () => {
    await closeAllSockets();
    await api?.proc.stop();
    await smtp?.stop();
    if (database) await dropDatabase(database.name, PG).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, TEST_MS);

  async function visitorWithThread(name: string) {
    const email = `${unique('v')}@visitor.test`;
    const res = await call('post /visitors/session', { body: { name, email } });
    expectStatus(res, 201);
    const session = VisitorSessionResponseSchema.parse(res.body);
    const thread = await startThread(session.token);
    return { email, token: session.token, visitor: session.visitor, thread };
  }

  async function mailTo(address: string, subject: RegExp, count = 1) {
    return until(`${count} mail(s) ${subject} to ${address}`, () => smtp.to(address, subject).length >= count && smtp.to(address, subject), MAIL_MS);
  }

  async function overview() {
    const res = await call('get /settings/email', { token: e2e().admin.token });
    expectStatus(res, 200);
    return EmailOverviewSchema.parse(res.body);
  }

  it('admins see mail on, with the sender; the setting is saved', async () => {
    const o = await overview();
    expect(o).toMatchObject({ enabled: true, reason: null, from: 'Parley <chat@parley.test>', transcriptOnClose: false });
    const put = await call('put /settings/email', { token: e2e().admin.token, body: { transcriptOnClose: true } });
    expectStatus(put, 200);
    expect(EmailOverviewSchema.parse(put.body).transcriptOnClose).toBe(true);
    expectStatus(await call('put /settings/email', { token: e2e().admin.token, body: { transcriptOnClose: false } }), 200);
    const agent = await newAgent();
    expectProblem(await call('get /settings/email', { token: agent.token }), ErrorCode.Forbidden);
  }, TEST_MS);

  it('the digest waits for a confirmed address, arrives once with the unread agent messages, and its link reopens the conversation once', async () => {
    const agent = await newAgent('agent', 'Sam Support');
    const one = await visitorWithThread('Una');
    const two = await visitorWithThread('Tom');
    // Each thread's visitor gets one confirmation link, to the address typed into the form.
    const [confirmOne] = await mailTo(one.email, /Confirm your email/);
    const [confirmTwo] = await mailTo(two.email, /Confirm your email/);
    expect(confirmOne.subject).toContain(site);
    expect(confirmOne.html).toContain('Confirm my address');
    await claimThread(agent.token, two.thread.id);
    await postMessage(agent.token, two.thread.id, 'Tom, are you still there?');
    await claimThread(agent.token, one.thread.id);
    await postMessage(agent.token, one.thread.id, 'Hello Una, your order shipped.');
    await postMessage(agent.token, one.thread.id, 'Tracking: <b>AB123</b>');
    // Both visitors are gone with unread messages: only a confirmed address gets a digest.
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmOne, 'parley-confirm') } }), 200);
    // Used: the same link again is refused.
    expectProblem(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmOne, 'parley-confirm') } }), ErrorCode.LinkInvalid);

    const [digest] = await mailTo(one.email, /New reply/);
    expect(digest.subject).toContain(site);
    expect(digest.text).toContain('Hello Una, your order shipped.');
    expect(digest.text).toContain('Tracking: <b>AB123</b>');
    expect(digest.text).toContain('Sam Support');
    // Agent text is escaped in the HTML part.
    expect(digest.html).toContain('Tracking: &lt;b&gt;AB123&lt;/b&gt;');
    expect(digest.html).not.toContain('<b>AB123</b>');
    // Tom's earlier message was due in the same pass: his address is not confirmed, so nothing went.
    const before = await overview();
    expect(before.outbox.filter((m) => m.threadId === two.thread.id).map((m) => m.kind)).toEqual(['confirmation']);
    expect(smtp.to(two.email, /New reply/)).toEqual([]);

    // A later message within EMAIL_DIGEST_INTERVAL gets no second digest; Tom confirms and gets his.
    await postMessage(agent.token, one.thread.id, 'One more thing.');
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmTwo, 'parley-confirm') } }), 200);
    const [tomsDigest] = await mailTo(two.email, /New reply/);
    expect(tomsDigest.text).toContain('Tom, are you still there?');
    expect(smtp.to(one.email, /New reply/)).toHaveLength(1);

    // The link: a fresh token for the same visitor, once.
    const token = linkToken(digest, 'parley-resume');
    const resumed = await call('post /visitors/resume', { body: { token } });
    expectStatus(resumed, 200);
    const session = VisitorSessionResponseSchema.parse(resumed.body);
    expect(session.visitor.id).toBe(one.visitor.id);
    expect(session.token).not.toBe(one.token);
    expect((await getThread(session.token, one.thread.id)).lastSeq).toBeGreaterThanOrEqual(3);
    expectProblem(await call('post /visitors/resume', { body: { token } }), ErrorCode.LinkInvalid);
    // Unknown, and a confirmation link used as a resume link.
    expectProblem(await call('post /visitors/resume', { body: { token: 'x'.repeat(43) } }), ErrorCode.LinkInvalid);
    expectProblem(await call('post /visitors/resume', { body: { token: linkToken(confirmTwo, 'parley-confirm') } }), ErrorCode.LinkInvalid);
    expectProblem(await call('post /visitors/resume', { body: { token: 'not a token!' } }), ErrorCode.ValidationFailed);
  }, TEST_MS);

  it('a visitor who has read the messages, or is still on the site, gets no digest', async () => {
    const agent = await newAgent();
    const reader = await visitorWithThread('Rita');
    const present = await visitorWithThread('Pat');
    const [confirmReader] = await mailTo(reader.email, /Confirm your email/);
    const [confirmPresent] = await mailTo(present.email, /Confirm your email/);
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmReader, 'parley-confirm') } }), 200);
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmPresent, 'parley-confirm') } }), 200);
    const presentSocket = await connect(present.token);
    const readerSocket = await connect(reader.token);
    await claimThread(agent.token, reader.thread.id);
    await claimThread(agent.token, present.thread.id);
    const m = await postMessage(agent.token, reader.thread.id, 'Read me');
    expectAckOk(await emitAck(readerSocket, ClientEvent.ThreadRead, { threadId: reader.thread.id, seq: m.seq }));
    readerSocket.disconnect();
    await postMessage(agent.token, present.thread.id, 'Pat, still here?');
    // A visitor after them, gone and unread: once its digest is out, the pass has looked at both.
    const marker = await visitorWithThread('Mo');
    const [confirmMarker] = await mailTo(marker.email, /Confirm your email/);
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirmMarker, 'parley-confirm') } }), 200);
    await claimThread(agent.token, marker.thread.id);
    await postMessage(agent.token, marker.thread.id, 'Mo, a reply');
    await mailTo(marker.email, /New reply/);
    expect(smtp.to(reader.email, /New reply/)).toEqual([]);
    expect(smtp.to(present.email, /New reply/)).toEqual([]);
    presentSocket.disconnect();
  }, TEST_MS);

  it('transcripts on request: to a confirmed address, a few per thread (then 429); an unconfirmed one gets the confirmation instead', async () => {
    const agent = await newAgent();
    const v = await visitorWithThread('Tess');
    const [confirm] = await mailTo(v.email, /Confirm your email/);
    await claimThread(agent.token, v.thread.id);
    await postMessage(v.token, v.thread.id, 'My question');
    await postMessage(agent.token, v.thread.id, 'My answer');
    const unconfirmed = await call('post /threads/{id}/transcript', { token: v.token, params: { id: v.thread.id } });
    expectStatus(unconfirmed, 202);
    expect(TranscriptRequestedSchema.parse(unconfirmed.body).outcome).toBe('confirmation_sent');
    await mailTo(v.email, /Confirm your email/, 2);

    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirm, 'parley-confirm') } }), 200);
    for (let i = 0; i < 3; i++) {
      const res = await call('post /threads/{id}/transcript', { token: v.token, params: { id: v.thread.id } });
      expectStatus(res, 202);
      expect(TranscriptRequestedSchema.parse(res.body).outcome).toBe('queued');
    }
    expectProblem(await call('post /threads/{id}/transcript', { token: v.token, params: { id: v.thread.id } }), ErrorCode.RateLimited);
    const transcripts = await mailTo(v.email, /Your conversation/, 3);
    expect(transcripts[0].text).toContain('My question');
    expect(transcripts[0].text).toContain('My answer');

    // Someone else's thread is not found; an agent may not ask.
    const other = await visitorWithThread('Otto');
    expectProblem(await call('post /threads/{id}/transcript', { token: other.token, params: { id: v.thread.id } }), ErrorCode.ThreadNotFound);
    expectProblem(await call('post /threads/{id}/transcript', { token: agent.token, params: { id: v.thread.id } }), ErrorCode.Forbidden);
  }, TEST_MS);

  it('mail waits in the outbox while the SMTP server is down and across a restart of the API, then goes out', async () => {
    const agent = await newAgent();
    const v = await visitorWithThread('Dora');
    const [confirm] = await mailTo(v.email, /Confirm your email/);
    expectStatus(await call('post /visitors/email/confirm', { body: { token: linkToken(confirm, 'parley-confirm') } }), 200);
    await claimThread(agent.token, v.thread.id);
    await postMessage(agent.token, v.thread.id, 'Sent while the mail server is down');

    const port = smtp.port;
    await smtp.stop();
    // The request answers at once: sending happens later.
    expectStatus(await call('post /threads/{id}/transcript', { token: v.token, params: { id: v.thread.id } }), 202);
    const failing = await until(
      'the transcript retried with an error',
      async () => (await overview()).outbox.find((m) => m.threadId === v.thread.id && m.kind === 'transcript' && m.attempts >= 2 && m.lastError !== null),
      MAIL_MS,
    );
    expect(failing.status).toBe('pending');

    await api.proc.stop();
    const restarted = await TestSmtp.start(port);
    try {
      await startApi();
      await signIn();
      const [transcript] = await until('the transcript after the restart', () => restarted.to(v.email, /Your conversation/).length > 0 && restarted.to(v.email, /Your conversation/), MAIL_MS);
      expect(transcript.text).toContain('Sent while the mail server is down');
      const sent = await until(
        'the outbox says sent',
        async () => (await overview()).outbox.find((m) => m.threadId === v.thread.id && m.kind === 'transcript' && m.status === 'sent'),
        MAIL_MS,
      );
      expect(sent.attempts).toBeGreaterThanOrEqual(3);
    } finally {
      smtp = restarted;
    }
  }, START_MS + 60_000);
});

