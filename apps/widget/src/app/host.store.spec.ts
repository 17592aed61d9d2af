import { ClientEvent, ServerEvent } from '@parley/contracts';
import { FrameMessage, HostMessage, PREVIEW_MAX } from '@parley/widget-protocol';
import { aMessage, HOST, T0 } from './testing/fakes';
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
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'message 4' });

    t.frame.hostSends({ type: HostMessage.Visibility, open: true });
    await t.flush();
    expect(t.host.unread()).toBe(0);
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Unread, count: 0 });
    expect(t.saved.lastRead(thread.id)).toBe(4);
    const before = t.frame.posted().length;
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 5));
    expect(t.frame.posted().slice(before).filter((m) => m.type === FrameMessage.AgentMessage)).toEqual([]);
  });

  it('ignores host messages from another origin or another window', async () => {
    const t = setup();
    returning(t);
    await t.session.init();
    t.frame.hostSends({ type: HostMessage.Visibility, open: true }, { origin: 'https://evil.example.net' });
    t.frame.hostSends({ type: HostMessage.Visibility, open: true }, { source: {} });
    t.frame.hostSends({ type: 'popup.visibility', open: 'yes' });
    expect(t.host.visible()).toBe(false);
    t.frame.hostSends({ type: HostMessage.Visibility, open: true });
    expect(t.host.visible()).toBe(true);
  });

  it("reports the host's pages to the server (title on one line, time zone), again after a reconnection, and never another site's", async () => {
    const t = setup();
    returning(t);
    await t.session.init();
    const pages = () => t.realtime.requests.filter(([e]) => e === ClientEvent.VisitorPage).map(([, p]) => p);
    t.frame.hostSends({ type: HostMessage.Page, url: `${HOST}/pricing?plan=pro`, title: 'Pricing\n\t – Shop' });
    expect(pages()).toEqual([{ url: `${HOST}/pricing?plan=pro`, title: 'Pricing – Shop', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone }]);
    for (const url of ['https://evil.example.net/phish', 'javascript:alert(1)', `${HOST.replace('https', 'http')}/`, `https://user:pw@${HOST.slice(8)}/`, `${HOST}/${'a'.repeat(3000)}`]) {
      t.frame.hostSends({ type: HostMessage.Page, url, title: 'x' });
    }
    expect(pages()).toHaveLength(1);
    t.realtime.setState('reconnecting');
    t.realtime.setState('connected');
    expect(pages()).toHaveLength(2);
    expect(pages()[1]).toEqual(pages()[0]);
  });

  it('previews at most the start of a long agent message, and asks the loader to hide on Escape', async () => {
    const t = setup();
    const { thread } = returning(t);
    await t.session.init();
    t.realtime.emit(ServerEvent.MessageCreated, aMessage(thread.id, 1, { authorName: null, body: 'x'.repeat(PREVIEW_MAX + 50) }));
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.AgentMessage, author: 'Support', preview: 'x'.repeat(PREVIEW_MAX) });
    t.host.hide();
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Hide });
  });

  it('ends the conversation only after the visitor confirms, with its own token', async () => {
    const t = setup();
    const { thread, session } = returning(t);
    await t.session.init();
    t.host.requestEnd();
    expect(t.host.confirming()).toBe(true);
    t.host.cancelEnd();
    expect(t.host.confirming()).toBe(false);
    expect(t.api.closeThread).not.toHaveBeenCalled();

    t.host.requestEnd();
    t.api.closeThread.mockResolvedValue({ ...thread, status: 'closed', closedBy: { type: 'visitor', id: thread.visitor.id } });
    await t.host.confirmEnd();
    await t.flush();
    expect(t.api.closeThread).toHaveBeenCalledWith(session.token, thread.id);
    expect(t.session.view()).toBe('again');
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Ended });
    expect(t.frame.posted().at(-1)).toEqual({ type: FrameMessage.Conversation, active: false });
  });

  it('has nothing to ask when there is no conversation to end', async () => {
    const t = setup();
    await t.session.init();
    t.host.requestEnd();
    expect(t.host.confirming()).toBe(false);
  });
});
