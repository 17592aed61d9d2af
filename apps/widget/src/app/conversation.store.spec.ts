import { ClientEvent, ServerEvent } from '@parley/contracts';
import { FrameMessage } from '@parley/widget-protocol';
import { aMessage, aThread, T0 } from './testing/fakes';
import { returning, setupStores as setup } from './testing/stores';
import { formatWait } from './widget-text';

describe('ConversationStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 65_000, doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('brings back an open conversation after a reload', async () => {
    const t = setup();
    const { thread } = returning(t, aThread({ status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } }));
    await t.session.init();
    expect(t.session.view()).toBe('chat');
    expect(t.conversation.agentName()).toBe('Ada');
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor', body: 'hi' }), aMessage(thread.id, 2)]);
    expect(t.conversation.messages().map((m) => m.seq)).toEqual([1, 2]);
  });

  it('shows the time waiting for an agent, ticking', async () => {
    const t = setup();
    returning(t, aThread({ createdAt: new Date(T0).toISOString() }));
    await t.session.init();
    await t.flush();
    expect(t.conversation.waiting()).toBe('1:05');
    jest.advanceTimersByTime(2000);
    expect(t.conversation.waiting()).toBe('1:07');
    expect(formatWait(3_725_000)).toBe('1:02:05');
  });

  it('follows the thread: claimed, then closed by the agent', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.realtime.emit(ServerEvent.ThreadUpdated, { ...thread, status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } });
    expect(t.conversation.agentName()).toBe('Ada');
    t.realtime.emit(ServerEvent.ThreadUpdated, aThread({ status: 'closed' })); // someone else's thread
    expect(t.conversation.open()).toBe(true);
    t.realtime.emit(ServerEvent.ThreadUpdated, { ...thread, status: 'closed', assignedAgent: { id: 'a-1', name: 'Ada' }, closedBy: { type: 'agent', id: 'a-1' } });
    expect(t.session.view()).toBe('chat');
    expect(t.conversation.closedNotice()).toBe('Ada closed the conversation.');
    await t.flush();
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: false });
  });

  it('reads the thread again when a system message shows it changed, even if its thread.updated was missed', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.api.getThread.mockClear().mockResolvedValue({ ...thread, status: 'closed', assignedAgent: { id: 'a-1', name: 'Ada' }, closedBy: { type: 'agent', id: 'a-1' } });
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' })]);
    expect(t.api.getThread).not.toHaveBeenCalled();
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2, { authorType: 'system', body: 'Ada closed the conversation' })]);
    await t.flush();
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
    expect(t.conversation.closedNotice()).toBe('Ada closed the conversation.');
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2, { authorType: 'system' }), aMessage(thread.id, 3)]);
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
  });

  it("shows the agent's typing until its message arrives", async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.realtime.emit(ServerEvent.Typing, { threadId: thread.id, authorType: 'agent', authorName: 'Ada', isTyping: true });
    expect(t.conversation.agentTyping()).toBe('Ada');
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 1));
    expect(t.conversation.agentTyping()).toBeNull();
    t.realtime.emit(ServerEvent.Typing, { threadId: thread.id, authorType: 'agent', authorName: 'Ada', isTyping: true });
    jest.advanceTimersByTime(9000);
    expect(t.conversation.agentTyping()).toBeNull();
  });

  it('sends, and tells the agent about typing now and then', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.conversation.typed();
    t.conversation.typed();
    expect(t.realtime.requests).toEqual([[ClientEvent.Typing, { threadId: thread.id, isTyping: true }]]);
    jest.advanceTimersByTime(3100);
    expect(t.realtime.requests.at(-1)).toEqual([ClientEvent.Typing, { threadId: thread.id, isTyping: false }]);
    t.conversation.typed();
    t.conversation.send('  Where is my order?  ');
    t.conversation.send('   ');
    expect(t.realtime.sent).toEqual([{ threadId: thread.id, body: 'Where is my order?' }]);
    expect(t.realtime.requests.at(-1)).toEqual([ClientEvent.Typing, { threadId: thread.id, isTyping: false }]);
    t.conversation.retry('c-9');
    expect(t.realtime.retried).toEqual(['c-9']);
    // Files alone, without text, are a message too.
    const file = { id: 'u-1', name: 'shot.png', size: 10, contentType: 'image/png', width: 2, height: 2 };
    t.conversation.send('  ', [file]);
    expect(t.realtime.sent.at(-1)).toEqual({ threadId: thread.id, body: '', attachments: [file] });
  });

  it('re-reads the thread after reconnecting, follows the slow-down, and goes back to the form when the socket refuses the token', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.api.getThread.mockClear().mockResolvedValue({ ...thread, status: 'active', assignedAgent: { id: 'a-1', name: 'Ada' } });
    t.realtime.setState('reconnecting');
    expect(t.conversation.connection()).toBe('reconnecting');
    t.realtime.setSlowDown(true);
    expect(t.conversation.slowDown()).toBe(true);
    t.realtime.setSlowDown(false);
    expect(t.conversation.slowDown()).toBe(false);
    t.realtime.setState('connected');
    await t.flush();
    expect(t.api.getThread).toHaveBeenCalledTimes(1);
    expect(t.conversation.agentName()).toBe('Ada');
    t.realtime.options.onUnauthorized?.('TOKEN_EXPIRED');
    expect(t.session.view()).toBe('details');
    expect(t.saved.threadId()).toBeNull();
  });

  it('is cut off as soon as the browser says it is offline, and connects again at once when it is back', async () => {
    const t = setup();
    returning(t);
    await t.session.init();
    expect(t.conversation.cut()).toBe(false);
    t.frame.network(false);
    // The socket has noticed nothing yet: the browser's word is enough.
    expect(t.realtime.state).toBe('connected');
    expect(t.conversation.online()).toBe(false);
    expect(t.conversation.cut()).toBe(true);
    t.frame.network(true);
    expect(t.conversation.cut()).toBe(false);
    expect(t.realtime.reconnect).toHaveBeenCalledTimes(1);
    t.realtime.setState('reconnecting');
    expect(t.conversation.cut()).toBe(true);
  });
});
