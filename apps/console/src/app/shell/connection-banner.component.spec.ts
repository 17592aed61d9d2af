import { TestBed } from '@angular/core/testing';
import { ConnectionBannerComponent } from './connection-banner.component';

describe('ConnectionBannerComponent', () => {
  function render(state: 'offline' | 'reconnecting' | 'connecting' | 'restored' | null, unsent = 0) {
    const fixture = TestBed.createComponent(ConnectionBannerComponent);
    fixture.componentRef.setInput('state', state);
    fixture.componentRef.setInput('unsent', unsent);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('is absent while connected', () => {
    expect(render(null).textContent?.trim()).toBe('');
  });

  it('says the connection is lost and what happens to unsent messages', () => {
    const el = render('reconnecting', 2);
    expect(el.querySelector('[role=status]')?.textContent).toContain('Connection lost. Reconnecting…');
    expect(el.textContent).toContain('2 unsent messages will be sent when it is back');
  });

  it('says when the browser is offline, and when it is back', () => {
    expect(render('offline').textContent).toContain('You are offline');
    expect(render('restored').textContent).toContain('Connected again');
  });
});
