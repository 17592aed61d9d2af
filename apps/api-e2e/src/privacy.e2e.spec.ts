import {
  AuditEventPageSchema,
  ERASED_MESSAGE_TEXT,
  ERASED_VISITOR_NAME,
  ErasureSchema,
  ErrorCode,
  LegacyCloseCode,
  MessageSchema,
  PrivacyExportSchema,
  PrivacyVisitorSchema,
  REST_ROUTE_LIST,
  restRouteKey,
  type RestRouteKey,
  ServerEvent,
  type Thread,
} from '@parley/contracts';
import { untypedRouteUrl } from '@parley/rest-client';
import { until, WebhookReceiver } from '@parley/test-support';
import { z } from 'zod';
import { adminToken, claimThread, createApiKey, listMessages, newAgent, newVisitor, postMessage, startThread, unique } from './support/actors';
import { download, png, uploadOk } from './support/files';
import { api, call, expectProblem, expectStatus, http } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import { closeAllSockets, connect, connectRefused, waitFor, waitForDisconnect } from './support/sockets';

/**
 * Privacy requests (GDPR art. 15 and 17): find the visitors who gave an email, export one, erase one.
 * After an erasure nothing Parley answers carries the visitor's name, email or words: checked over
 * every GET route of the table.
 */

let receiver: WebhookReceiver;
const hooks: string[] = [];

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  for (const id of hooks) await call('delete /webhooks/{id}', { params: { id }, token: adminToken() });
  await receiver.close();
  await closeAllSockets();
  await closeAllRaw();
});

async function session(name: string, email: string): Promise<{ token: string; id: string }> {
  const res = await call('post /visitors/session', { body: { name, email } });
  expectStatus(res, 201);
  const body = res.body as { token: string; visitor: { id: string } };
  return { token: body.token, id: body.visitor.id };
}

async function find(email: string, token = adminToken()): Promise<z.infer<typeof PrivacyVisitorSchema>[]> {
  const res = await call('get /privacy/visitors', { token, query: { email } });
  expectStatus(res, 200);
  return z.array(PrivacyVisitorSchema).parse(res.body);
}

async function exportOf(id: string, token = adminToken()) {
  const res = await http('get', `/api/v1/privacy/visitors/${id}/export`, { token }).buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => done(null, text));
  });
  expectStatus(res, 200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['content-disposition']).toBe(`attachment; filename="parley-visitor-${id}.json"`);
  return PrivacyExportSchema.parse(JSON.parse(res.body as string));
}

describe('finding visitors by email', () => {
  it('lists every visitor who typed the address, in any case, and nobody else', async () => {
    const email = `${unique('shared')}@privacy.test`;
    const a = await session('Ann One', email);
    const b = await session('Ann Two', email.toUpperCase());
    const other = await session('Someone Else', `${unique('other')}@privacy.test`);
    await startThread(a.token);
    const found = await find(`  ${email.toUpperCase()} `);
    expect(found.map((v) => v.id).sort()).toEqual([a.id, b.id].sort());
    expect(found.find((v) => v.id === a.id)).toMatchObject({ name: 'Ann One', threads: 1, emailVerified: false });
    expect(found.find((v) => v.id === b.id)).toMatchObject({ threads: 0 });
    expect(found.map((v) => v.id)).not.toContain(other.id);
    expect(await find(`nobody-${unique('x')}@privacy.test`)).toEqual([]);
  });

  it('refuses a missing or too short email by name, agents, and API keys without privacy:manage', async () => {
    const bad = expectProblem(await api('get', '/privacy/visitors', { token: adminToken(), query: { email: 'a' } }), ErrorCode.ValidationFailed);
    expect(bad.errors?.map((e) => e.path)).toContain('email');
    expectProblem(await api('get', '/privacy/visitors', { token: adminToken() }), ErrorCode.ValidationFailed);
    // A NUL never reaches PostgreSQL (which refuses it in text): a 400, not a 500.
    expectProblem(await api('get', '/privacy/visitors', { token: adminToken(), query: { email: 'a\u0000b@c.test' } }), ErrorCode.ValidationFailed);
    const agent = await newAgent();
    expectProblem(await call('get /privacy/visitors', { token: agent.token, query: { email: 'x@y.test' } }), ErrorCode.Forbidden);
    const visitor = await newVisitor();
    expectProblem(await call('post /privacy/visitors/{id}/erase', { params: { id: visitor.visitor.id }, token: agent.token }), ErrorCode.Forbidden);
    expectProblem(await call('post /privacy/visitors/{id}/erase', { params: { id: visitor.visitor.id }, token: visitor.token }), ErrorCode.Forbidden);
    const reader = await createApiKey({ scopes: ['threads:read', 'audit:read'] });
    expectProblem(await call('get /privacy/visitors/{id}/export', { params: { id: visitor.visitor.id }, token: reader.key }), ErrorCode.InsufficientScope);
    const privacy = await createApiKey({ scopes: ['privacy:manage'] });
    expect((await find(visitor.visitor.email, privacy.key)).map((v) => v.id)).toEqual([visitor.visitor.id]);
  });
});

describe('export', () => {
  it('holds the visitor, every conversation with all its messages and files, and nothing about anyone else', async () => {
    const email = `${unique('export')}@privacy.test`;
    const me = await session('Erika Export', email);
    const twin = await session('Erika Twin', email);
    const agent = await newAgent('agent', 'Agnes Export');
    const first = await startThread(me.token);
    await claimThread(agent.token, first.id);
    await postMessage(me.token, first.id, 'my first question');
    await postMessage(agent.token, first.id, 'an answer');
    expectStatus(await call('post /threads/{id}/close', { params: { id: first.id }, token: me.token }), 200);
    expectStatus(await call('post /threads/{id}/rating', { params: { id: first.id }, token: me.token, body: { score: 4, comment: 'quick help' } }), 201);
    const second = await startThread(me.token);
    const file = await uploadOk(me.token, second.id, { bytes: await png(), name: 'receipt.png', type: 'image/png' });
    const res = await call('post /threads/{id}/messages', { params: { id: second.id }, token: me.token, body: { clientMsgId: unique('c'), body: 'the receipt', attachments: [file.uploadId] } });
    expectStatus(res, 201);
    const twinThread = await startThread(twin.token);
    await postMessage(twin.token, twinThread.id, 'the twin speaks');

    const out = await exportOf(me.id);
    expect(out.visitor).toMatchObject({ id: me.id, name: 'Erika Export', email });
    expect(out.threads.map((t) => t.id)).toEqual([first.id, second.id]);
    const [t1, t2] = out.threads;
    expect(t1.rating).toMatchObject({ score: 4, comment: 'quick help' });
    expect(t1.messages.map((m) => m.seq)).toEqual(Array.from({ length: t1.lastSeq }, (_, i) => i + 1));
    expect(t1.messages.map((m) => m.body)).toEqual(expect.arrayContaining(['my first question', 'an answer']));
    expect(t2.messages.find((m) => m.body === 'the receipt')?.attachments).toEqual([expect.objectContaining({ id: file.uploadId, name: 'receipt.png', contentType: 'image/png' })]);
    const text = JSON.stringify(out);
    expect(text).not.toContain(twin.id);
    expect(text).not.toContain(twinThread.id);
    expect(text).not.toContain('the twin speaks');
  });

  it('answers 404 VISITOR_NOT_FOUND for an unknown visitor, before anything is streamed', async () => {
    expectProblem(await call('get /privacy/visitors/{id}/export', { params: { id: '00000000-0000-4000-8000-000000000000' }, token: adminToken() }), ErrorCode.VisitorNotFound);
    expectProblem(await call('post /privacy/visitors/{id}/erase', { params: { id: '00000000-0000-4000-8000-000000000000' }, token: adminToken() }), ErrorCode.VisitorNotFound);
  });
});

/** What a GET route of the table is called with here; routes with other path parameters are left out. */
function getCalls(ids: { thread: string; visitor: string; attachment: string; webhook: string }, words: { q: string; email: string }) {
  const queries: Partial<Record<RestRouteKey, Record<string, string | number>>> = {
    'get /threads': { q: words.q, limit: 100 },
    'get /privacy/visitors': { email: words.email },
    'get /audit-events': { limit: 100 },
    'get /webhooks/{id}/deliveries': { limit: 200 },
  };
  const calls: { key: RestRouteKey; path: string; query?: Record<string, string | number>; viaKey: boolean }[] = [];
  for (const route of REST_ROUTE_LIST) {
    if (route.method !== 'get' || route.callers.includes('public')) continue;
    const key = restRouteKey(route);
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    if (names.some((n) => n !== 'id')) continue;
    const id = route.path.startsWith('/privacy/') ? ids.visitor : route.path.startsWith('/attachments/') ? ids.attachment : route.path.startsWith('/webhooks/') ? ids.webhook : ids.thread;
    const viaKey = !route.callers.includes('admin') && !route.callers.includes('agent');
    calls.push({ key, path: untypedRouteUrl(key, { id }), query: queries[key], viaKey });
  }
  // The same list searched by the visitor's old email and name.
  calls.push({ key: 'get /threads', path: untypedRouteUrl('get /threads', {}), query: { q: words.email }, viaKey: false });
  return calls;
}

describe('erasure', () => {
  it('removes the visitor from every answer, keeps the seqs, kills the token at once and closes the open conversation', async () => {
    const word = `zebracorn${unique('w').replace(/[^a-z0-9]/g, '')}`;
    const email = `${unique('erase')}@privacy.test`;
    const name = `Ingrid Erasable ${word}`;
    const me = await session(name, email);
    const agent = await newAgent('agent', 'Agnes Eraser');
    const hookRes = await call('post /webhooks', { token: adminToken(), body: { url: receiver.url(`/${unique('erase')}`), events: ['thread.created', 'thread.updated', 'message.created'] } });
    expectStatus(hookRes, 201);
    const hook = hookRes.body as { id: string };
    hooks.push(hook.id);

    const earlier = await startThread(me.token);
    await claimThread(agent.token, earlier.id);
    await postMessage(me.token, earlier.id, `tell me about ${word}`);
    await postMessage(agent.token, earlier.id, 'agents keep their own words');
    expectStatus(await call('post /threads/{id}/close', { params: { id: earlier.id }, token: agent.token }), 200);
    expectStatus(await call('post /threads/{id}/rating', { params: { id: earlier.id }, token: me.token, body: { score: 2, comment: `slow ${word}` } }), 201);
    const open = await startThread(me.token);
    await claimThread(agent.token, open.id);
    const file = await uploadOk(me.token, open.id, { bytes: await png(), name: `${word}.png`, type: 'image/png' });
    expectStatus(
      await call('post /threads/{id}/messages', { params: { id: open.id }, token: me.token, body: { clientMsgId: unique('c'), body: `my ${word} photo`, attachments: [file.uploadId] } }),
      201,
    );
    await until('the webhook of the visitor message', () => receiver.received.some((r) => JSON.stringify(r.body).includes(`my ${word} photo`)), 30_000);

    const visitorSocket = await connect(me.token);
    const agentSocket = await connect(agent.token);
    const gone = waitForDisconnect(visitorSocket);
    const raw = await openRaw(open.id, me.token);
    await raw.next('connection_established');
    const closedSeen = waitFor(agentSocket, ServerEvent.ThreadUpdated, (t: Thread) => t.id === open.id && t.status === 'closed');
    const beforeSeq = (await listMessages(agent.token, open.id)).items.map((m) => m.seq);

    const res = await call('post /privacy/visitors/{id}/erase', { params: { id: me.id }, token: adminToken() });
    expectStatus(res, 200);
    expect(ErasureSchema.parse(res.body)).toMatchObject({ visitorId: me.id, threadsClosed: 1, messagesErased: 2, filesDeleted: 1 });

    // The token is dead at once: its socket is closed, REST and a new socket are refused.
    await gone;
    expect(await raw.closed).toEqual({ code: LegacyCloseCode.Unauthenticated, reason: 'This visitor was erased' });
    expectProblem(await call('get /visitors/me', { token: me.token }), ErrorCode.Unauthenticated);
    await connectRefused(me.token);

    // The open conversation closed with a note, after the kept seqs.
    const closed = await closedSeen;
    expect(closed.visitor).toEqual({ id: me.id, name: ERASED_VISITOR_NAME, email: '' });
    const after = (await listMessages(agent.token, open.id)).items;
    expect(after.map((m) => m.seq)).toEqual([...beforeSeq, beforeSeq.length + 1]);
    expect(after.at(-1)).toMatchObject({ authorType: 'system', body: expect.stringContaining('erased') });
    const mine = after.filter((m) => m.authorType === 'visitor');
    expect(mine.map((m) => [m.body, m.authorName, m.attachments])).toEqual([[ERASED_MESSAGE_TEXT, ERASED_VISITOR_NAME, []]]);
    const history = (await listMessages(agent.token, earlier.id)).items.map((m) => MessageSchema.parse(m));
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    expect(history.find((m) => m.authorType === 'agent')?.body).toBe('agents keep their own words');
    expect((await download(adminToken(), file.uploadId)).status).toBe(404);

    // Over every GET route of the table, as an admin (or an API key where only keys may call).
    const key = await createApiKey({ name: unique('erasure check') });
    const calls = getCalls({ thread: earlier.id, visitor: me.id, attachment: file.uploadId, webhook: hook.id }, { q: word, email });
    calls.push(...getCalls({ thread: open.id, visitor: me.id, attachment: file.uploadId, webhook: hook.id }, { q: 'photo', email }));
    expect(calls.length).toBeGreaterThan(10);
    for (const c of calls) {
      const r = await http('get', c.path, { token: c.viaKey ? key.key : adminToken(), query: c.query });
      expect(r.status).toBeLessThan(500);
      const text = r.text ?? JSON.stringify(r.body);
      for (const secret of [word, email, 'Ingrid']) {
        if (text.includes(secret)) throw new Error(`${c.key} (${c.path}) still answers "${secret}": ${text.slice(0, 400)}`);
      }
    }

    // Nothing of the visitor is sent to webhooks again, and a second request is a 404.
    const closeSent = await until(
      'the close sent to the webhook',
      () => receiver.received.find((r) => r.body.type === 'thread.updated' && (r.body.data.thread as Thread | undefined)?.id === open.id && (r.body.data.thread as Thread).status === 'closed'),
      30_000,
    );
    expect(JSON.stringify(closeSent.body)).toContain(ERASED_VISITOR_NAME);
    expect(JSON.stringify(closeSent.body)).not.toContain(word);
    expectProblem(await call('post /privacy/visitors/{id}/erase', { params: { id: me.id }, token: adminToken() }), ErrorCode.VisitorNotFound);
    expectProblem(await call('get /privacy/visitors/{id}/export', { params: { id: me.id }, token: adminToken() }), ErrorCode.VisitorNotFound);
    expect(await find(email)).toEqual([]);
  });

  it('by an API key with privacy:manage, recorded once each in the audit log with the visitor as target', async () => {
    const visitor = await newVisitor('Audra Audit');
    await startThread(visitor.token);
    const key = await createApiKey({ name: unique('privacy key'), scopes: ['privacy:manage'] });
    await exportOf(visitor.visitor.id, key.key);
    const erased = await call('post /privacy/visitors/{id}/erase', { params: { id: visitor.visitor.id }, token: key.key });
    expectStatus(erased, 200);
    expect(ErasureSchema.parse(erased.body).threadsClosed).toBe(1);
    const res = await call('get /audit-events', { token: adminToken(), query: { limit: 100 } });
    expectStatus(res, 200);
    const entries = AuditEventPageSchema.parse(res.body).items.filter((e) => e.target?.id === visitor.visitor.id);
    expect(entries.map((e) => e.action).sort()).toEqual(['privacy.erased', 'privacy.exported']);
    for (const e of entries) {
      expect(e.actor).toMatchObject({ type: 'apiKey', id: key.id });
      expect(JSON.stringify(e)).not.toContain('Audra');
    }
  });
});
