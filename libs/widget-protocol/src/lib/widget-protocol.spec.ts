import { asOrigin, envelope, FrameMessage, HostMessage, PREVIEW_MAX, PROTOCOL, readFrameMessage, readHostMessage, widgetUrl } from './widget-protocol';

describe('widget protocol', () => {
  it('reads what the other side wrote', () => {
    expect(readHostMessage(envelope({ type: HostMessage.Visibility, open: true }))).toEqual({ type: 'popup.visibility', open: true });
    expect(readHostMessage(envelope({ type: HostMessage.Page, url: 'https://shop.example/a', title: 'A' }))).toEqual({ type: 'host.page', url: 'https://shop.example/a', title: 'A' });
    expect(readHostMessage({ protocol: PROTOCOL, message: { type: 'host.page', url: 7, title: 'A' } })).toBeNull();
    expect(readFrameMessage(envelope({ type: FrameMessage.Unread, count: 3 }))).toEqual({ type: 'unread.count', count: 3 });
    expect(readFrameMessage(envelope({ type: FrameMessage.Hide }))).toEqual({ type: 'popup.hide' });
    expect(readFrameMessage(envelope({ type: FrameMessage.Ended }))).toEqual({ type: 'conversation.ended' });
    expect(readFrameMessage(envelope({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'Your parcel' }))).toEqual({ type: 'agent.message', author: 'Ada', preview: 'Your parcel' });
    expect(readFrameMessage(envelope({ type: FrameMessage.Conversation, active: true }))).toEqual({ type: 'conversation.state', active: true });
    expect(readFrameMessage(envelope({ type: FrameMessage.Ready }))).toEqual({ type: 'frame.ready' });
  });

  it.each([
    ['a string', 'close.request'],
    ['null', null],
    ['no protocol tag', { message: { type: 'close.request' } }],
    ['another version', { protocol: 'parley-widget/0', message: { type: 'close.request' } }],
    ['the original widget message', { type: 'THREAD_ID_FROM_IFRAME', thread_id: 42 }],
    ['an unknown type', { protocol: PROTOCOL, message: { type: 'eval', code: 'alert(1)' } }],
    ['a bad field', { protocol: PROTOCOL, message: { type: 'popup.visibility', open: 'yes' } }],
  ])('ignores %s', (_name, data) => {
    expect(readHostMessage(data)).toBeNull();
    expect(readFrameMessage(data)).toBeNull();
  });

  it('drops extra fields and refuses odd counts', () => {
    expect(readFrameMessage({ protocol: PROTOCOL, message: { type: 'unread.count', count: 2, token: 'secret' } })).toEqual({ type: 'unread.count', count: 2 });
    expect(readFrameMessage({ protocol: PROTOCOL, message: { type: 'unread.count', count: -1 } })).toBeNull();
    expect(readFrameMessage({ protocol: PROTOCOL, message: { type: 'unread.count', count: 1.5 } })).toBeNull();
    // Each side reads only the other side's messages.
    expect(readHostMessage(envelope({ type: FrameMessage.Ready }))).toBeNull();
    expect(readFrameMessage(envelope({ type: HostMessage.Visibility, open: true }))).toBeNull();
    // A preview is text of a bounded length, with its author.
    expect(readFrameMessage({ protocol: PROTOCOL, message: { type: 'agent.message', preview: 'hi' } })).toBeNull();
    expect(readFrameMessage({ protocol: PROTOCOL, message: { type: 'agent.message', author: 'Ada', preview: { html: '<b>' } } })).toBeNull();
    expect(readFrameMessage(envelope({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'x'.repeat(500) }))).toEqual({ type: 'agent.message', author: 'Ada', preview: 'x'.repeat(PREVIEW_MAX) });
  });

  it('builds the iframe address and accepts only exact origins', () => {
    expect(widgetUrl('https://parley.example.com', 'https://shop.example.com:8443')).toBe(
      'https://parley.example.com/widget/?host=https%3A%2F%2Fshop.example.com%3A8443&lang=en',
    );
    // The host page's identity token rides in the fragment, which no server and no Referer sees.
    expect(widgetUrl('https://parley.example.com', 'https://shop.example.com', 'a.b-_.c')).toBe(
      'https://parley.example.com/widget/?host=https%3A%2F%2Fshop.example.com&lang=en#identity=a.b-_.c',
    );
    // The language the loader chose, and a mail's link beside the identity in the fragment.
    expect(widgetUrl('https://parley.example.com', 'https://shop.example.com', 'a.b', 'ar', 'parley-resume=xyz')).toBe(
      'https://parley.example.com/widget/?host=https%3A%2F%2Fshop.example.com&lang=ar#identity=a.b&parley-resume=xyz',
    );
    expect(asOrigin('https://shop.example.com')).toBe('https://shop.example.com');
    expect(asOrigin('http://127.0.0.1:4100')).toBe('http://127.0.0.1:4100');
    for (const bad of ['https://shop.example.com/', 'https://shop.example.com/x', 'javascript:alert(1)', '*', 'null', '', null, undefined]) {
      expect(asOrigin(bad)).toBeNull();
    }
  });
});
