import { TestBed } from '@angular/core/testing';
import { FrameMessage } from '@parley/widget-protocol';
import { aSession, aThread, framedWindow, HOST, T0 } from './testing/fakes';
import { returning, setupStores as setup } from './testing/stores';
import { ApiError } from '@parley/rest-client';

describe('SessionStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 + 65_000, doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('asks a new visitor for details, after telling the host page it is ready', async () => {
    const t = setup();
    await t.session.init();
    await t.flush();
    expect(t.session.view()).toBe('details');
    expect(t.frame.posted()[0]).toEqual({ type: FrameMessage.Ready });
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: false });
    expect(new Set(t.frame.targets())).toEqual(new Set([HOST]));
    expect(t.session.color()).toBe('#0b7a75');
  });

  it("exchanges the host page's identity token for a session and adopts the visitor's open thread, with no form", async () => {
    const t = setup({ window: framedWindow({ hash: '#identity=signed.jwt.token' }) });
    const session = aSession('Sam', 'sam@customer.test');
    const open = aThread();
    t.api.identify.mockResolvedValue(session);
    t.api.listThreads.mockResolvedValue([open]);
    await t.session.init();
    await t.flush();
    expect(t.api.identify).toHaveBeenCalledWith('signed.jwt.token');
    expect(t.api.createSession).not.toHaveBeenCalled();
    expect(t.session.identified()).toBe(true);
    expect(t.session.view()).toBe('chat');
    expect(t.realtime.watching.has(open.id)).toBe(true);
    expect(t.realtime.options.getToken()).toBe(session.token);
    expect(t.session.known()).toEqual({ name: 'Sam', email: 'sam@customer.test' });
    // The token is gone from the frame's address, and never reaches the host page.
    expect(t.frame.win.location.hash).toBe('');
    expect(JSON.stringify(t.frame.parent.postMessage.mock.calls)).not.toContain('signed.jwt.token');
  });

  it('offers to start a conversation to an identified visitor without an open one', async () => {
    const t = setup({ window: framedWindow({ hash: '#identity=signed.jwt.token' }) });
    t.api.identify.mockResolvedValue(aSession('Sam'));
    t.api.listThreads.mockResolvedValue([{ ...aThread(), status: 'closed' }]);
    await t.session.init();
    await t.flush();
    expect(t.session.view()).toBe('again');
  });

  it('says identity is required instead of showing the form, when the site requires it and the token is refused or missing', async () => {
    for (const hash of ['#identity=forged', '']) {
      TestBed.resetTestingModule();
      const t = setup({ window: framedWindow({ hash }) });
      t.api.settings.mockResolvedValue({ title: 't', greetingLines: [], color: '#0b7a75', identityRequired: true, updatedAt: '' });
      t.api.identify.mockRejectedValue(new ApiError(401, 'IDENTITY_TOKEN_INVALID', 'refused'));
      await t.session.init();
      await t.flush();
      expect({ hash, view: t.session.view() }).toEqual({ hash, view: 'identity' });
    }
  });

  it('falls back to the form when the token is refused and the site does not require identity', async () => {
    const t = setup({ window: framedWindow({ hash: '#identity=forged' }) });
    t.api.identify.mockRejectedValue(new ApiError(401, 'IDENTITY_TOKEN_INVALID', 'refused'));
    await t.session.init();
    await t.flush();
    expect(t.session.view()).toBe('details');
    expect(t.session.identified()).toBe(false);
  });

  it('starts a session and a thread from the form and follows the thread', async () => {
    const t = setup();
    await t.session.init();
    const session = aSession();
    const thread = aThread();
    t.api.createSession.mockResolvedValue(session);
    t.api.startThread.mockResolvedValue(thread);
    await t.session.submitDetails({ name: 'Vera', email: 'vera@example.com' });
    await t.flush();
    expect(t.api.createSession).toHaveBeenCalledWith({ name: 'Vera', email: 'vera@example.com' });
    expect(t.api.startThread).toHaveBeenCalledWith(session.token);
    expect(t.session.view()).toBe('chat');
    expect(t.realtime.watching.has(thread.id)).toBe(true);
    expect(t.realtime.options.getToken()).toBe(session.token);
    expect(t.saved.threadId()).toBe(thread.id);
    expect(t.frame.posted()).toContainEqual({ type: FrameMessage.Conversation, active: true });
    // The token stays in the iframe: nothing posted to the host carries it.
    expect(JSON.stringify(t.frame.parent.postMessage.mock.calls)).not.toContain(session.token);
  });

  it('says why the form failed', async () => {
    const t = setup();
    await t.session.init();
    t.api.createSession.mockRejectedValue(new ApiError(429, 'RATE_LIMITED', 'slow down'));
    await t.session.submitDetails({ name: 'Vera', email: 'vera@example.com' });
    expect(t.session.error()).toContain('Too many attempts');
    expect(t.session.view()).toBe('details');
    expect(t.session.busy()).toBe(false);
  });

  it('offers a new conversation when the last one was closed by the visitor, and the form when the token expired', async () => {
    const closed = setup();
    returning(closed, aThread({ status: 'closed', closedBy: { type: 'visitor', id: 'v-1' } }));
    await closed.session.init();
    expect(closed.session.view()).toBe('again');
    expect(closed.session.known()).toEqual({ name: 'Vera', email: 'vera@example.com' });
    TestBed.resetTestingModule();

    const expired = setup();
    returning(expired);
    expired.api.getThread.mockRejectedValue(new ApiError(401, 'TOKEN_EXPIRED', 'expired'));
    await expired.session.init();
    expect(expired.session.view()).toBe('details');
    expect(expired.session.notice()).toContain('expired');
    expect(expired.session.known()?.name).toBe('Vera');
    expect(expired.saved.session()).toBeNull();
  });

  it('starts a new conversation with the known details, with a new session if the token expired', async () => {
    const t = setup();
    returning(t, aThread({ status: 'closed', closedBy: { type: 'visitor', id: 'v-1' } }));
    await t.session.init();
    const next = aThread();
    t.api.startThread.mockRejectedValueOnce(new ApiError(401, 'TOKEN_EXPIRED', 'expired')).mockResolvedValueOnce(next);
    const fresh = aSession();
    t.api.createSession.mockResolvedValue(fresh);
    await t.session.startNew();
    expect(t.api.createSession).toHaveBeenCalledWith({ name: 'Vera', email: 'vera@example.com' });
    expect(t.api.startThread).toHaveBeenLastCalledWith(fresh.token);
    expect(t.session.view()).toBe('chat');
    expect(t.conversation.thread()?.id).toBe(next.id);
  });

  it('refuses to run in a frame that is not the page it was told about', async () => {
    const t = setup({ window: framedWindow({ ancestor: 'https://evil.example.net' }) });
    await t.session.init();
    expect(t.session.view()).toBe('blocked');
    expect(t.frame.parent.postMessage).not.toHaveBeenCalled();
  });
});
