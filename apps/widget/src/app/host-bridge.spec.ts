import { TestBed } from '@angular/core/testing';
import { FrameMessage, HostMessage } from '@parley/widget-protocol';
import { HostBridge, WIDGET_WINDOW } from './host-bridge';
import { framedWindow, HOST } from './testing/fakes';

function bridge(frame: { win: Window }) {
  TestBed.configureTestingModule({ providers: [{ provide: WIDGET_WINDOW, useValue: frame.win }] });
  return TestBed.inject(HostBridge);
}

describe('HostBridge', () => {
  it('posts to the exact host origin and hears only the parent window from that origin', () => {
    const frame = framedWindow();
    const b = bridge(frame);
    const heard: unknown[] = [];
    b.listen((m) => heard.push(m));
    b.post({ type: FrameMessage.Ready });
    expect(frame.parent.postMessage).toHaveBeenCalledWith({ protocol: 'parley-widget/1', message: { type: 'frame.ready' } }, HOST);
    frame.hostSends({ type: HostMessage.Visibility, open: true }, { origin: 'https://shop.example.com.evil.net' });
    frame.hostSends({ type: HostMessage.Visibility, open: true }, { source: null });
    frame.hostSends({ type: HostMessage.Visibility, open: 'yes' });
    frame.hostSends({ type: HostMessage.Visibility, open: true });
    expect(heard).toEqual([{ type: HostMessage.Visibility, open: true }]);
  });

  it('stays silent without a valid host origin, or when the browser names another parent', () => {
    for (const frame of [framedWindow({ host: null }), framedWindow({ host: '*' }), framedWindow({ ancestor: 'https://evil.example.net' })]) {
      TestBed.resetTestingModule();
      const b = bridge(frame);
      expect(b.trusted).toBe(false);
      b.post({ type: FrameMessage.Ready });
      expect(frame.parent.postMessage).not.toHaveBeenCalled();
    }
  });

  it('runs on its own outside a frame, posting nothing', () => {
    const b = bridge({ win: window });
    expect(b.framed).toBe(false);
    expect(b.trusted).toBe(true);
    expect(() => b.post({ type: FrameMessage.Ready })).not.toThrow();
  });
});
