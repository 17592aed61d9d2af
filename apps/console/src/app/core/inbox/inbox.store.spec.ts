import { TestBed } from '@angular/core/testing';
import { ServerEvent, type Thread } from '@parley/contracts';
import { AttentionService } from '../attention/attention.service';
import { problemBody } from '../../../testing/fake-backend';
import { message, ME, OTHER, settle, thread } from '../../../testing/fixtures';
import { consoleTestProviders, signIn } from '../../../testing/providers';
import { InboxStore } from './inbox.store';

describe('InboxStore', () => {
  async function setup(lists: { queued?: Thread[]; mine?: Thread[] } = {}) {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, InboxStore] });
    await signIn(bed);
    const state = { queued: lists.queued ?? [], mine: lists.mine ?? [] };
    bed.backend.on('GET /threads', ({ query }) => ({
      body: { items: query.get('status') === 'queued' ? state.queued : state.mine, nextCursor: null },
    }));
    bed.backend.on('GET /threads/:id/messages', { body: { items: [], lastSeq: 0, hasMore: false } });
    const alert = jest.spyOn(TestBed.inject(AttentionService), 'alert').mockImplementation(() => undefined);
    const store = TestBed.inject(InboxStore);
    TestBed.tick();
    await settle();
    return { bed, store, state, alert };
  }

  it('lists the queue oldest first and the agent’s own threads', async () => {
    const newer = thread({ createdAt: '2026-01-01T10:05:00.000Z' });
    const older = thread({ createdAt: '2026-01-01T10:01:00.000Z' });
    const mine = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name } });
    const { store } = await setup({ queued: [newer, older], mine: [mine] });
    expect(store.queue().map((t) => t.id)).toEqual([older.id, newer.id]);
    expect(store.mine().map((t) => t.id)).toEqual([mine.id]);
    expect(store.status()).toBe('ready');
  });

  it('adds a started thread to the queue live, with a chime, and drops it when someone claims it', async () => {
    const { store, bed, alert } = await setup();
    const t = thread();
    bed.realtime.emit(ServerEvent.ThreadCreated, t);
    expect(store.queue().map((q) => q.id)).toEqual([t.id]);
    expect(alert).toHaveBeenCalledWith(expect.objectContaining({ title: '\u2068Vera\u2069 is waiting' }));
    bed.realtime.emit(ServerEvent.ThreadUpdated, { ...t, status: 'active', assignedAgent: { id: OTHER.id, name: OTHER.name }, updatedAt: '2026-01-01T10:00:05.000Z' });
    expect(store.queue()).toEqual([]);
    expect(store.mine()).toEqual([]);
  });

  it('does not bring back a thread claimed while a refresh was on its way', async () => {
    const t = thread();
    const { store, bed, state } = await setup({ queued: [t] });
    const held: (() => void)[] = [];
    bed.backend.on('GET /threads', ({ query }) =>
      new Promise((resolve) => {
        held.push(() => resolve({ body: { items: query.get('status') === 'queued' ? state.queued : [], nextCursor: null } }));
      }),
    );
    const refreshing = store.refresh();
    bed.realtime.emit(ServerEvent.ThreadUpdated, { ...t, status: 'active', assignedAgent: { id: OTHER.id, name: 'Bo' }, updatedAt: '2026-01-01T10:09:00.000Z' });
    await settle();
    for (const release of held) release();
    await refreshing;
    expect(store.queue()).toEqual([]);
  });

  it('refetches the lists after a reconnection (what happened while away shows up)', async () => {
    const { store, bed, state } = await setup();
    const t = thread();
    state.queued = [t];
    bed.realtime.reconnect();
    TestBed.tick();
    await settle();
    expect(store.queue().map((q) => q.id)).toEqual([t.id]);
  });

  it('counts unread visitor messages per thread, and reading the thread clears them', async () => {
    const mine = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name } });
    const { store, bed, alert } = await setup({ mine: [mine] });
    bed.realtime.emit(ServerEvent.MessageCreated, message(mine, 1));
    bed.realtime.emit(ServerEvent.MessageCreated, message(mine, 1)); // a duplicate delivery counts once
    bed.realtime.emit(ServerEvent.MessageCreated, message(mine, 2, { authorType: 'agent', authorId: ME.id }));
    bed.realtime.emit(ServerEvent.MessageCreated, message(mine, 3));
    expect(store.unread()[mine.id]).toBe(2);
    expect(store.unreadTotal()).toBe(2);
    expect(alert).toHaveBeenCalledTimes(2);
    store.setViewing(mine.id);
    TestBed.tick();
    expect(store.unreadTotal()).toBe(0);
  });

  it('counts what came while the socket was down from the messages after the read marker', async () => {
    const mine = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name }, lastSeq: 3 });
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, InboxStore] });
    await signIn(bed);
    bed.backend.on('GET /threads', ({ query }) => ({ body: { items: query.get('status') === 'active' ? [mine] : [], nextCursor: null } }));
    bed.backend.on('GET /threads/:id/messages', {
      body: { items: [message(mine, 1), message(mine, 2, { authorType: 'system' }), message(mine, 3)], lastSeq: 3, hasMore: false },
    });
    const store = TestBed.inject(InboxStore);
    TestBed.tick();
    await settle(10);
    expect(store.unread()[mine.id]).toBe(2);
  });

  it('shows the newest message of each thread: the stored one after a load, a newer one heard live', async () => {
    const mine = thread({
      status: 'active',
      assignedAgent: { id: ME.id, name: ME.name },
      lastSeq: 4,
      preview: 'first words',
      lastMessage: { seq: 3, authorType: 'agent', authorId: ME.id, body: 'my reply', createdAt: '2026-01-01T10:00:03.000Z' },
    });
    const { store, bed } = await setup({ mine: [mine] });
    expect(store.latest()[mine.id]).toEqual({ seq: 3, body: 'my reply', byMe: true, createdAt: '2026-01-01T10:00:03.000Z' });
    bed.realtime.emit(ServerEvent.MessageCreated, message(mine, 5, { body: 'newer' }));
    expect(store.latest()[mine.id]).toMatchObject({ seq: 5, body: 'newer', byMe: false });
    // A refetched list whose thread lags behind what was heard does not take the preview back.
    bed.realtime.emit(ServerEvent.ThreadUpdated, { ...mine, updatedAt: '2026-01-01T10:00:09.000Z' });
    expect(store.latest()[mine.id]).toMatchObject({ seq: 5, body: 'newer' });
  });

  it('gives an admin every open thread, whoever has it, and keeps it live', async () => {
    const waiting = thread({ createdAt: '2026-01-01T10:02:00.000Z' });
    const mine = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name }, createdAt: '2026-01-01T10:01:00.000Z' });
    const boHas = thread({ status: 'active', assignedAgent: { id: OTHER.id, name: OTHER.name }, createdAt: '2026-01-01T10:00:00.000Z' });
    const { store, bed } = await setup({ queued: [waiting], mine: [mine, boHas] });
    expect(bed.backend.calls.some((c) => c.query.get('status') === 'active' && !c.query.has('assignee'))).toBe(true);
    expect(store.allOpen().map((t) => t.id)).toEqual([boHas.id, mine.id, waiting.id]);
    expect(store.mine().map((t) => t.id)).toEqual([mine.id]);
    bed.realtime.emit(ServerEvent.ThreadUpdated, { ...boHas, status: 'closed', updatedAt: '2026-01-01T10:09:00.000Z' });
    expect(store.allOpen().map((t) => t.id)).toEqual([mine.id, waiting.id]);
  });

  it('says who won when a claim race is lost', async () => {
    const t = thread();
    const { store, bed } = await setup({ queued: [t] });
    bed.backend.on('POST /threads/:id/claim', problemBody(409, 'THREAD_ALREADY_CLAIMED', 'Already claimed by Bo'));
    bed.backend.on('GET /threads/:id', { body: { ...t, status: 'active', assignedAgent: { id: OTHER.id, name: 'Bo' }, updatedAt: '2026-01-01T10:01:00.000Z' } });
    const result = await store.claim(t.id);
    expect(result).toEqual({ ok: false, winner: 'Bo', message: 'Bo claimed this conversation first.' });
    expect(store.queue()).toEqual([]);
  });

  it('moves a won claim from the queue to the agent’s threads', async () => {
    const t = thread();
    const { store, bed } = await setup({ queued: [t] });
    bed.backend.on('POST /threads/:id/claim', { body: { ...t, status: 'active', assignedAgent: { id: ME.id, name: ME.name }, updatedAt: '2026-01-01T10:01:00.000Z' } });
    expect((await store.claim(t.id)).ok).toBe(true);
    expect(store.queue()).toEqual([]);
    expect(store.mine().map((m) => m.id)).toEqual([t.id]);
  });
});
