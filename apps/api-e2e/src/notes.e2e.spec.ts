import { ClientEvent, ErrorCode, MentionSchema, type Note, NotePageSchema, NoteSchema, ServerEvent } from '@parley/contracts';
import { until, WebhookReceiver } from '@parley/test-support';
import { activeConversation, adminToken, type Conversation, createApiKey, listMessages, newAgent, postMessage, unique } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk, record, waitFor } from './support/sockets';

const DELIVERY_MS = 30_000;

afterEach(async () => {
  await closeAllSockets();
  await closeAllRaw();
});

async function postNote(token: string, threadId: string, body: string, clientNoteId = unique('note')): Promise<{ status: number; note: Note }> {
  const res = await call('post /threads/{id}/notes', { params: { id: threadId }, token, body: { clientNoteId, body } });
  expect([200, 201]).toContain(res.status);
  return { status: res.status, note: NoteSchema.parse(res.body) };
}

async function listNotes(token: string, threadId: string, afterNoteSeq = 0, limit?: number) {
  const res = await call('get /threads/{id}/notes', { params: { id: threadId }, token, query: { afterNoteSeq, limit } });
  expectStatus(res, 200);
  return NotePageSchema.parse(res.body);
}

describe('private notes over REST', () => {
  let c: Conversation;
  beforeAll(async () => {
    c = await activeConversation();
  });

  it('stores a note with its own gapless noteSeq, leaving the messages and their seq untouched', async () => {
    const before = await listMessages(c.agent.token, c.thread.id);
    const first = await postNote(c.agent.token, c.thread.id, 'Asked for the order number twice already');
    expect(first.status).toBe(201);
    expect(first.note).toMatchObject({ threadId: c.thread.id, noteSeq: 1, authorType: 'agent', authorId: c.agent.agent.id, mentions: [] });
    await postMessage(c.agent.token, c.thread.id, 'Could you send the order number?');
    const second = await postNote(c.agent.token, c.thread.id, 'second');
    expect(second.note.noteSeq).toBe(2);

    const after = await listMessages(c.agent.token, c.thread.id);
    expect(after.lastSeq).toBe(before.lastSeq + 1);
    expect(after.items.map((m) => m.seq)).toEqual(after.items.map((_, i) => i + 1));
    expect(after.items.some((m) => m.body.includes('order number twice'))).toBe(false);

    const page = await listNotes(c.agent.token, c.thread.id);
    expect(page.items.map((n) => n.noteSeq)).toEqual([1, 2]);
    expect(page.lastNoteSeq).toBe(2);
  });

  it('is idempotent by clientNoteId: a resend answers 200 with the stored note and stores nothing', async () => {
    const clientNoteId = unique('same');
    const a = await postNote(c.agent.token, c.thread.id, 'once', clientNoteId);
    const b = await postNote(c.agent.token, c.thread.id, 'once', clientNoteId);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.note).toEqual(a.note);
    const page = await listNotes(c.agent.token, c.thread.id, a.note.noteSeq - 1);
    expect(page.items.map((n) => n.id)).toEqual([a.note.id]);
  });

  it('any agent and an API key with the thread scopes read and write notes, even on a thread not theirs', async () => {
    const other = await newAgent();
    const byOther = await postNote(other.token, c.thread.id, 'I handled this visitor last week');
    const key = await createApiKey({ scopes: ['threads:read', 'threads:write'] });
    const byKey = await postNote(key.key, c.thread.id, 'CRM: premium customer');
    expect(byKey.note).toMatchObject({ authorType: 'bot', noteSeq: byOther.note.noteSeq + 1 });
    const page = await listNotes(key.key, c.thread.id, byOther.note.noteSeq - 1);
    expect(page.items.map((n) => n.id)).toEqual([byOther.note.id, byKey.note.id]);
    const readOnly = await createApiKey({ scopes: ['threads:read'] });
    expectProblem(
      await call('post /threads/{id}/notes', { params: { id: c.thread.id }, token: readOnly.key, body: { clientNoteId: unique('k'), body: 'x' } }),
      ErrorCode.InsufficientScope,
    );
  });

  it("answers a visitor token 404 THREAD_NOT_FOUND on every notes route, even for its own thread", async () => {
    const own = c.thread.id;
    expectProblem(await call('get /threads/{id}/notes', { params: { id: own }, token: c.visitor.token }), ErrorCode.ThreadNotFound);
    expectProblem(
      await call('post /threads/{id}/notes', { params: { id: own }, token: c.visitor.token, body: { clientNoteId: unique('v'), body: 'sneaky' } }),
      ErrorCode.ThreadNotFound,
    );
    const page = await listNotes(c.agent.token, own);
    expect(page.items.some((n) => n.body === 'sneaky')).toBe(false);
    // Mentions are the agents' own: a visitor is refused there like on every agent route.
    expectProblem(await call('get /mentions', { token: c.visitor.token }), ErrorCode.Forbidden);
  });

  it('refuses bad input with clear codes and an unknown thread with THREAD_NOT_FOUND', async () => {
    expectProblem(await call('post /threads/{id}/notes', { params: { id: c.thread.id }, token: c.agent.token, body: { clientNoteId: unique('e'), body: '   ' } }), ErrorCode.ValidationFailed);
    expectProblem(
      await call('post /threads/{id}/notes', { params: { id: c.thread.id }, token: c.agent.token, body: { clientNoteId: unique('e'), body: 'x'.repeat(4001) } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(
      await call('post /threads/{id}/notes', { params: { id: '00000000-0000-4000-8000-000000000000' }, token: c.agent.token, body: { clientNoteId: unique('e'), body: 'x' } }),
      ErrorCode.ThreadNotFound,
    );
    expectProblem(await call('get /threads/{id}/notes', { params: { id: c.thread.id }, token: c.agent.token, query: { afterNoteSeq: -1 } }), ErrorCode.ValidationFailed);
  });
});

describe('private notes over the socket', () => {
  it('acks note.send after commit, idempotently, broadcasts note.created to agents only, and notes.sync fills a gap', async () => {
    const c = await activeConversation();
    const [agentSocket, visitorSocket, other] = await Promise.all([connect(c.agent.token), connect(c.visitor.token), newAgent()]);
    const otherSocket = await connect(other.token);
    expectAckOk(await emitAck(otherSocket, ClientEvent.ThreadJoin, { threadId: c.thread.id }));
    const heardByVisitor: string[] = [];
    visitorSocket.onAny((event: string, arg: unknown) => heardByVisitor.push(`${event} ${JSON.stringify(arg)}`));

    const clientNoteId = unique('sock');
    const heard = waitFor(otherSocket, ServerEvent.NoteCreated, (n) => n.clientNoteId === clientNoteId);
    const ack = expectAckOk(await emitAck(agentSocket, ClientEvent.NoteSend, { threadId: c.thread.id, clientNoteId, body: 'Secret: refund approved' }));
    expect(ack).toMatchObject({ duplicate: false, note: { noteSeq: 1, body: 'Secret: refund approved' } });
    expect(await heard).toEqual(ack.note);
    const again = expectAckOk(await emitAck(agentSocket, ClientEvent.NoteSend, { threadId: c.thread.id, clientNoteId, body: 'Secret: refund approved' }));
    expect(again).toEqual({ ok: true, duplicate: true, note: ack.note });

    // The other agent missed notes 2 and 3 (it left the room): notes.sync gives them back in order.
    await emitAck(otherSocket, ClientEvent.ThreadLeave, { threadId: c.thread.id });
    for (const body of ['two', 'three']) expectAckOk(await emitAck(agentSocket, ClientEvent.NoteSend, { threadId: c.thread.id, clientNoteId: unique('g'), body }));
    const sync = expectAckOk(await emitAck(otherSocket, ClientEvent.NotesSync, { threadId: c.thread.id, afterNoteSeq: 1 }));
    expect(sync.items.map((n) => [n.noteSeq, n.body])).toEqual([
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(sync).toMatchObject({ lastNoteSeq: 3, hasMore: false });

    // A message after the notes is the barrier: once the visitor has it, anything sent before was sent.
    const delivered = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.body === 'All sorted!');
    const msg = await postMessage(c.agent.token, c.thread.id, 'All sorted!');
    expect((await delivered).id).toBe(msg.id);
    expect(msg.seq).toBe(2);
    expect(heardByVisitor.filter((e) => /note|Secret|three/.test(e))).toEqual([]);
  });

  it('a visitor socket gets THREAD_NOT_FOUND for note.send and notes.sync, and stores nothing', async () => {
    const c = await activeConversation();
    const visitorSocket = await connect(c.visitor.token);
    expectAckError(await emitAck(visitorSocket, ClientEvent.NoteSend, { threadId: c.thread.id, clientNoteId: unique('v'), body: 'x' }), ErrorCode.ThreadNotFound);
    expectAckError(await emitAck(visitorSocket, ClientEvent.NotesSync, { threadId: c.thread.id, afterNoteSeq: 0 }), ErrorCode.ThreadNotFound);
    expect((await listNotes(c.agent.token, c.thread.id)).items).toEqual([]);
  });
});

describe('mentions', () => {
  it('@Name of an active agent notifies that agent (not the visitor), lists it unread first, and marks it read', async () => {
    const c = await activeConversation();
    const suffix = unique('m').replace(/[^a-z0-9]/gi, '');
    const mona = await newAgent('agent', `Mona Lisa ${suffix}`);
    const monaShort = await newAgent('agent', `Mona ${suffix}`);
    const [monaSocket, shortSocket, visitorSocket] = await Promise.all([connect(mona.token), connect(monaShort.token), connect(c.visitor.token)]);
    const heardByVisitor: string[] = [];
    visitorSocket.onAny((event: string) => heardByVisitor.push(event));
    const shortHeard = record(shortSocket, ServerEvent.MentionCreated);

    const told = waitFor(monaSocket, ServerEvent.MentionCreated);
    const { note } = await postNote(c.agent.token, c.thread.id, `@mona lisa ${suffix}, can you check the refund?`);
    expect(note.mentions).toEqual([{ id: mona.agent.id, name: `Mona Lisa ${suffix}` }]);
    const mention = MentionSchema.parse(await told);
    expect(mention).toMatchObject({ id: note.id, threadId: c.thread.id, readAt: null, note: { id: note.id } });

    const listed = await call('get /mentions', { token: mona.token });
    expectStatus(listed, 200);
    expect((listed.body as { id: string }[])[0].id).toBe(note.id);
    const read = await call('post /mentions/{id}/read', { params: { id: note.id }, token: mona.token });
    expectStatus(read, 200);
    expect(MentionSchema.parse(read.body).readAt).not.toBeNull();
    // Another agent cannot mark (or learn of) Mona's mention.
    expectProblem(await call('post /mentions/{id}/read', { params: { id: note.id }, token: monaShort.token }), ErrorCode.MentionNotFound);

    // A later note mentioning the shorter name is the barrier for "Mona" (not mentioned by the first one).
    const second = waitFor(shortSocket, ServerEvent.MentionCreated);
    await postNote(c.agent.token, c.thread.id, `Thanks @Mona ${suffix}!`);
    await second;
    expect(shortHeard.events).toHaveLength(1);
    const delivered = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.body === 'barrier');
    const msg = await postMessage(c.agent.token, c.thread.id, 'barrier');
    expect((await delivered).id).toBe(msg.id);
    expect(heardByVisitor.filter((e) => e.includes('note') || e.includes('mention'))).toEqual([]);
  });

  it('an unread mention comes before read ones', async () => {
    const c = await activeConversation();
    const name = `Nia ${unique('n').replace(/[^a-z0-9]/gi, '')}`;
    const nia = await newAgent('agent', name);
    const first = await postNote(c.agent.token, c.thread.id, `@${name} first`);
    const second = await postNote(c.agent.token, c.thread.id, `@${name} second`);
    expectStatus(await call('post /mentions/{id}/read', { params: { id: second.note.id }, token: nia.token }), 200);
    const res = await call('get /mentions', { token: nia.token });
    expect((res.body as { id: string }[]).map((m) => m.id)).toEqual([first.note.id, second.note.id]);
  });
});

describe('notes never leave the agents', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('neither the raw WebSocket of the visitor nor a webhook endpoint subscribed to every event gets a note', async () => {
    const path = `/${unique('notes')}`;
    const created = await call('post /webhooks', {
      token: adminToken(),
      body: { url: receiver.url(path), events: ['thread.created', 'thread.updated', 'message.created', 'rating.created', 'note.created'] },
    });
    expectStatus(created, 201);
    const hookId = (created.body as { id: string }).id;
    try {
      const c = await activeConversation();
      const raw = await openRaw(c.thread.id, c.visitor.token);
      await raw.next('connection_established');
      await postNote(c.agent.token, c.thread.id, 'Webhook-secret note body');
      const msg = await postMessage(c.agent.token, c.thread.id, 'visible reply');
      await raw.next('chat', (f) => f.id === msg.id);
      await until(
        'the webhook got the message after the note',
        () => receiver.at(path).some((r) => (r.body.data as { message?: { id?: string } }).message?.id === msg.id),
        DELIVERY_MS,
      );
      expect(raw.frames.filter((f) => JSON.stringify(f).includes('Webhook-secret'))).toEqual([]);
      expect(receiver.at(path).filter((r) => r.event === 'note.created' || JSON.stringify(r.body).includes('Webhook-secret'))).toEqual([]);
    } finally {
      await call('delete /webhooks/{id}', { params: { id: hookId }, token: adminToken() });
    }
  });
});
