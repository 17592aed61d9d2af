import { TestBed } from '@angular/core/testing';
import { ClientEvent, ServerEvent } from '@parley/contracts';
import { FrameMessage, HostMessage } from '@parley/widget-protocol';
import { ApiError } from '@parley/rest-client';
import { WIDGET_WINDOW } from './host-bridge';
import { aMessage, aSession, aThread, FakeRealtime, framedWindow, HOST, memoryStorage, T0 } from './testing/fakes';
import { VisitorStorage, WIDGET_STORAGE } from './visitor-storage';
import { WidgetApi } from './widget-api';
import { REALTIME_FACTORY } from './realtime';
import { WidgetStore } from './widget.store';
import { formatWait } from './widget-text';

function setup(opts: { window?: ReturnType<typeof framedWindow> } = {}) {
  const frame = opts.window ?? framedWindow();
  const realtime = new FakeRealtime();
  const storage = memoryStorage();
  const api = {
    settings: jest.fn().mockResolvedValue({ title: 't', greetingLines: [], color: '#0b7a75', allowedOrigins: [], updatedAt: '' }),
    createSession: jest.fn(),
    startThread: jest.fn(),
    getThread: jest.fn(),
    closeThread: jest.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      WidgetStore,
      { provide: WidgetApi, useValue: api },
      { provide: WIDGET_STORAGE, useValue: storage },
      { provide: WIDGET_WINDOW, useValue: frame.win },
      { provide: REALTIME_FACTORY, useValue: (o: FakeRealtime['options']) => ((realtime.options = o), realtime.asClient()) },
    ],
  });
  const store = TestBed.inject(WidgetStore);
  const saved = TestBed.inject(VisitorStorage);
  const flush = async () => {
    await Promise.resolve();
    await Promise.resolve();
    TestBed.tick();
  };
  return { store, api, realtime, storage, saved, frame, flush };
}

/** A visitor who already chatted on this site: a session and a thread in the iframe's storage. */
function returning(t: ReturnType<typeof setup>, thread = aThread()) {
  const session = aSession();
  t.saved.saveSession(session);
  t.saved.saveThreadId(thread.id);
  t.api.getThread.mockResolvedValue(thread);
  return { session, thread };
}

describe('WidgetStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 65_000, doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('asks a new visitor for details, after telling the host page it is ready', async () => {
    const t = setup();
    await t.store.init();
    await t.flush();
    expect(t.store.view()).toBe('details');
    expect(t.frame.posted()[0]).toEqual({ type: FrameMessage.Ready });
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: false });
    expect(new Set(t.frame.targets())).toEqual(new Set([HOST]));
    expect(t.store.color()).toBe('#0b7a75');
  });

  it('starts a session and a thread from the form and follows the thread', async () => {
    const t = setup();
    await t.store.init();
    const session = aSession();
    const thread = aThread();
    t.api.createSession.mockResolvedValue(session);
    t.api.startThread.mockResolvedValue(thread);
    await t.store.submitDetails({ name: 'Vera', email: 'vera@example.com' });
    await t.flush();
    expect(t.api.createSession).toHaveBeenCalledWith({ name: 'Vera', email: 'vera@example.com' });
    expect(t.api.startThread).toHaveBeenCalledWith(session.token);
    expect(t.store.view()).toBe('chat');
    expect(t.realtime.watching.has(thread.id)).toBe(true);
    expect(t.realtime.options.getToken()).toBe(session.token);
    expect(t.saved.threadId()).toBe(thread.id);
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: true });
    // The token stays in the iframe: nothing posted to the host carries it.
    expect(JSON.stringify(t.frame.parent.postMessage.mock.calls)).not.toContain(session.token);
  });

  it('says why the form failed', async () => {
    const t = setup();
    await t.store.init();
    t.api.createSession.mockRejectedValue(new ApiError(429, 'RATE_LIMITED', 'slow down'));
    await t.store.submitDetails({ name: 'Vera', email: 'vera@example.com' });
    expect(t.store.error()).toContain('Too many attempts');
    expect(t.store.view()).toBe('details');
    expect(t.store.busy()).toBe(false);
  });

  it('brings back an open conversation after a reload', async () => {
    const t = setup();
    const { thread } = returning(t, aThread({ status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } }));
    await t.store.init();
    expect(t.store.view()).toBe('chat');
    expect(t.store.agentName()).toBe('Ada');
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor', body: 'hi' }), aMessage(thread.id, 2)]);
    expect(t.store.messages().map((m) => m.seq)).toEqual([1, 2]);
  });

  it('shows the time waiting for an agent, ticking', async () => {
    const t = setup();
    returning(t, aThread({ createdAt: new Date(T0).toISOString() }));
    await t.store.init();
    await t.flush();
    expect(t.store.waiting()).toBe('1:05');
    jest.advanceTimersByTime(2000);
    expect(t.store.waiting()).toBe('1:07');
    expect(formatWait(3_725_000)).toBe('1:02:05');
  });

  it('offers a new conversation when the last one was closed by the visitor, and the form when the token expired', async () => {
    const closed = setup();
    returning(closed, aThread({ status: 'closed', closedBy: { type: 'visitor', id: 'v-1' } }));
    await closed.store.init();
    expect(closed.store.view()).toBe('again');
    expect(closed.store.known()).toEqual({ name: 'Vera', email: 'vera@example.com' });
    TestBed.resetTestingModule();

    const expired = setup();
    returning(expired);
    expired.api.getThread.mockRejectedValue(new ApiError(401, 'TOKEN_EXPIRED', 'expired'));
    await expired.store.init();
    expect(expired.store.view()).toBe('details');
    expect(expired.store.notice()).toContain('expired');
    expect(expired.store.known()?.name).toBe('Vera');
    expect(expired.saved.session()).toBeNull();
  });

  it('follows the thread: claimed, then closed by the agent', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.realtime.emit(ServerEvent.ThreadUpdated, { ...thread, status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } });
    expect(t.store.agentName()).toBe('Ada');
    t.realtime.emit(ServerEvent.ThreadUpdated, aThread({ status: 'closed' })); // someone else's thread
    expect(t.store.open()).toBe(true);
    t.realtime.emit(ServerEvent.ThreadUpdated, { ...thread, status: 'closed', assignedAgent: { id: 'a-1', name: 'Ada' }, closedBy: { type: 'agent', id: 'a-1' } });
    expect(t.store.view()).toBe('chat');
    expect(t.store.closedNotice()).toBe('Ada closed the conversation.');
    await t.flush();
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: false });
  });

  it('reads the thread again when a system message shows it changed, even if its thread.updated was missed', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.api.getThread.mockClear().mockResolvedValue({ ...thread, status: 'closed', assignedAgent: { id: 'a-1', name: 'Ada' }, closedBy: { type: 'agent', id: 'a-1' } });
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' })]);
    expect(t.api.getThread).not.toHaveBeenCalled();
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2, { authorType: 'system', body: 'Ada closed the conversation' })]);
    await t.flush();
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
    expect(t.store.closedNotice()).toBe('Ada closed the conversation.');
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2, { authorType: 'system' }), aMessage(thread.id, 3)]);
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
  });

  it("shows the agent's typing until its message arrives", async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.realtime.emit(ServerEvent.Typing, { threadId: thread.id, authorType: 'agent', authorName: 'Ada', isTyping: true });
    expect(t.store.agentTyping()).toBe('Ada');
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 1));
    expect(t.store.agentTyping()).toBeNull();
    t.realtime.emit(ServerEvent.Typing, { threadId: thread.id, authorType: 'agent', authorName: 'Ada', isTyping: true });
    jest.advanceTimersByTime(9000);
    expect(t.store.agentTyping()).toBeNull();
  });

  it('counts unread support messages while the popup is hidden, and remembers what was read', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2), aMessage(thread.id, 3, { authorType: 'system' }), aMessage(thread.id, 4)]);
    await t.flush();
    expect(t.store.unread()).toBe(2);
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Unread, count: 2 });
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 4));
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.AgentMessage });

    t.frame.hostSends({ type: HostMessage.Visibility, open: true });
    await t.flush();
    expect(t.store.unread()).toBe(0);
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Unread, count: 0 });
    expect(t.saved.lastRead(thread.id)).toBe(4);
    const before = t.frame.posted().length;
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 5));
    expect(t.frame.posted().slice(before)).not.toContainEqual({ type: FrameMessage.AgentMessage });
  });

  it('ignores host messages from another origin or another window', async () => {
    const t = setup();
    returning(t);
    await t.store.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest }, { origin: 'https://evil.example.net' });
    t.frame.hostSends({ type: HostMessage.CloseRequest }, { source: {} });
    t.frame.hostSends({ type: 'close' });
    expect(t.store.confirming()).toBe(false);
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    expect(t.store.confirming()).toBe(true);
  });

  it('ends the conversation only after the visitor confirms, with its own token', async () => {
    const t = setup();
    const { thread, session } = returning(t);
    await t.store.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    t.store.cancelEnd();
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.CloseResult, closed: false });
    expect(t.api.closeThread).not.toHaveBeenCalled();

    t.frame.hostSends({ type: HostMessage.CloseRequest });
    t.api.closeThread.mockResolvedValue({ ...thread, status: 'closed', closedBy: { type: 'visitor', id: thread.visitor.id } });
    await t.store.confirmEnd();
    await t.flush();
    expect(t.api.closeThread).toHaveBeenCalledWith(session.token, thread.id);
    expect(t.store.view()).toBe('again');
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.CloseResult, closed: true });
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Conversation, active: false });
  });

  it('answers a close request at once when there is nothing to end', async () => {
    const t = setup();
    await t.store.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    expect(t.store.confirming()).toBe(false);
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.CloseResult, closed: true });
  });

  it('starts a new conversation with the known details, with a new session if the token expired', async () => {
    const t = setup();
    returning(t, aThread({ status: 'closed', closedBy: { type: 'visitor', id: 'v-1' } }));
    await t.store.init();
    const next = aThread();
    t.api.startThread.mockRejectedValueOnce(new ApiError(401, 'TOKEN_EXPIRED', 'expired')).mockResolvedValueOnce(next);
    const fresh = aSession();
    t.api.createSession.mockResolvedValue(fresh);
    await t.store.startNew();
    expect(t.api.createSession).toHaveBeenCalledWith({ name: 'Vera', email: 'vera@example.com' });
    expect(t.api.startThread).toHaveBeenLastCalledWith(fresh.token);
    expect(t.store.view()).toBe('chat');
    expect(t.store.thread()?.id).toBe(next.id);
  });

  it('sends, and tells the agent about typing now and then', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.store.typed();
    t.store.typed();
    expect(t.realtime.requests).toEqual([[ClientEvent.Typing, { threadId: thread.id, isTyping: true }]]);
    jest.advanceTimersByTime(3100);
    expect(t.realtime.requests.at(-1)).toEqual([ClientEvent.Typing, { threadId: thread.id, isTyping: false }]);
    t.store.typed();
    t.store.send('  Where is my order?  ');
    t.store.send('   ');
    expect(t.realtime.sent).toEqual([{ threadId: thread.id, body: 'Where is my order?' }]);
    expect(t.realtime.requests.at(-1)).toEqual([ClientEvent.Typing, { threadId: thread.id, isTyping: false }]);
    t.store.retry('c-9');
    expect(t.realtime.retried).toEqual(['c-9']);
  });

  it('re-reads the thread after reconnecting, and goes back to the form when the socket refuses the token', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.store.init();
    t.api.getThread.mockClear().mockResolvedValue({ ...thread, status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } });
    t.realtime.setState('reconnecting');
    expect(t.store.connection()).toBe('reconnecting');
    t.realtime.setState('connected');
    await t.flush();
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
    expect(t.store.agentName()).toBe('Ada');
    t.realtime.options.onUnauthorized?.('TOKEN_EXPIRED');
    expect(t.store.view()).toBe('details');
    expect(t.saved.threadId()).toBeNull();
  });

  it('refuses to run in a frame that is not the page it was told about', async () => {
    const t = setup({ window: framedWindow({ ancestor: 'https://evil.example.net' }) });
    await t.store.init();
    expect(t.store.view()).toBe('blocked');
    expect(t.frame.parent.postMessage).not.toHaveBeenCalled();
  });
});
