import { ServerEvent } from '@parley/contracts';
import { FrameMessage, HostMessage } from '@parley/widget-protocol';
import { aMessage, T0 } from './testing/fakes';
import { returning, setupStores as setup } from './testing/stores';

describe('HostStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 65_000, doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('counts unread support messages while the popup is hidden, and remembers what was read', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.realtime.feed(thread.id, [aMessage(thread.id, 1, { authorType: 'visitor' }), aMessage(thread.id, 2), aMessage(thread.id, 3, { authorType: 'system' }), aMessage(thread.id, 4)]);
    await t.flush();
    expect(t.host.unread()).toBe(2);
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Unread, count: 2 });
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 4));
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.AgentMessage });

    t.frame.hostSends({ type: HostMessage.Visibility, open: true });
    await t.flush();
    expect(t.host.unread()).toBe(0);
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Unread, count: 0 });
    expect(t.saved.lastRead(thread.id)).toBe(4);
    const before = t.frame.posted().length;
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 5));
    expect(t.frame.posted().slice(before)).not.toContainEqual({ type: FrameMessage.AgentMessage });
  });

  it('ignores host messages from another origin or another window', async () => {
    const t = setup();
    returning(t);
    await t.session.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest }, { origin: 'https://evil.example.net' });
    t.frame.hostSends({ type: HostMessage.CloseRequest }, { source: {} });
    t.frame.hostSends({ type: 'close' });
    expect(t.host.confirming()).toBe(false);
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    expect(t.host.confirming()).toBe(true);
  });

  it('ends the conversation only after the visitor confirms, with its own token', async () => {
    const t = setup();
    const { thread, session } = returning(t);
    await t.session.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    t.host.cancelEnd();
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.CloseResult, closed: false });
    expect(t.api.closeThread).not.toHaveBeenCalled();

    t.frame.hostSends({ type: HostMessage.CloseRequest });
    t.api.closeThread.mockResolvedValue({ ...thread, status: 'closed', closedBy: { type: 'visitor', id: thread.visitor.id } });
    await t.host.confirmEnd();
    await t.flush();
    expect(t.api.closeThread).toHaveBeenCalledWith(session.token, thread.id);
    expect(t.session.view()).toBe('again');
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.CloseResult, closed: true });
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Conversation, active: false });
  });

  it('answers a close request at once when there is nothing to end', async () => {
    const t = setup();
    await t.session.init();
    t.frame.hostSends({ type: HostMessage.CloseRequest });
    expect(t.host.confirming()).toBe(false);
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.CloseResult, closed: true });
  });
});
