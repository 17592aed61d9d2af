import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { VisitorContext } from '@parley/contracts';
import { thread } from '../../testing/fixtures';
import { VisitorPanelComponent } from './visitor-panel.component';

describe('VisitorPanelComponent: visitor context', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const t = thread();
  const context = (over: Partial<VisitorContext> = {}): VisitorContext => ({
    visitorId: t.visitor.id,
    online: true,
    lastSeenAt: '2026-12-01T11:00:00Z',
    pages: [
      { url: 'https://shop.example.com/pricing?plan=pro', title: '<img src=x onerror=alert(1)> Pricing', at: '2026-12-01T11:58:00Z' },
      { url: 'https://shop.example.com/', title: '', at: '2026-12-01T11:50:00Z' },
    ],
    browser: { name: 'Chrome', version: '131.0.0.0' },
    os: { name: 'macOS', version: '10.15.7' },
    device: 'desktop',
    timeZone: 'Asia/Tokyo',
    ...over,
  });

  function render(c: VisitorContext | null) {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(VisitorPanelComponent);
    fixture.componentRef.setInput('thread', t);
    fixture.componentRef.setInput('now', now);
    fixture.componentRef.setInput('context', c);
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows the current page as a text link that gives the site no handle, the pages seen, browser, OS and local time', () => {
    const { el } = render(context());
    const current = el.querySelector('.current-page a') as HTMLAnchorElement;
    expect(current.textContent?.trim()).toBe('<img src=x onerror=alert(1)> Pricing');
    expect(el.querySelector('img')).toBeNull();
    expect(current.getAttribute('href')).toBe('https://shop.example.com/pricing?plan=pro');
    expect(current.rel).toBe('noopener noreferrer');
    expect(current.target).toBe('_blank');
    expect(el.querySelector('.presence')?.textContent).toBe('On the site now');
    expect(el.querySelector('.browser')?.textContent).toBe('Chrome 131 (desktop)');
    expect(el.querySelector('.os')?.textContent).toBe('macOS 10');
    // 12:00 UTC is 21:00 in Tokyo.
    expect(el.querySelector('.local-time')?.textContent).toMatch(/9:00:00\s?PM \(Asia\/Tokyo\)|21:00:00 \(Asia\/Tokyo\)/);
    const pages = el.querySelector('details.pages') as HTMLDetailsElement;
    expect(pages.open).toBe(false);
    expect(pages.querySelector('summary')?.textContent).toContain('(2)');
    // A page without a title shows its address.
    expect([...pages.querySelectorAll('li a')].map((a) => a.textContent?.trim())).toEqual(['<img src=x onerror=alert(1)> Pricing', 'https://shop.example.com/']);
    expect(el.querySelector('.ip')).toBeNull();
  });

  it('says how long ago the visitor left, and the address only when the server sends one', () => {
    const { el } = render(context({ online: false, lastSeenAt: '2026-12-01T11:55:00Z', ip: '203.0.113.7' }));
    expect(el.querySelector('.presence')?.textContent).toBe('Left 5 min ago');
    expect(el.querySelector('.ip')?.textContent).toBe('203.0.113.7');
  });

  it('shows no context section without one (closed conversations)', () => {
    const { el } = render(null);
    expect(el.querySelector('.context')).toBeNull();
  });
});
