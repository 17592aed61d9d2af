import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { thread } from '../../../testing/fixtures';
import { ThreadListComponent } from './thread-list.component';

describe('ThreadListComponent', () => {
  function render(kind: 'queue' | 'mine', threads = [thread({ preview: 'Where is my order?' })], now = Date.parse('2026-01-01T10:02:05Z')) {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(ThreadListComponent);
    fixture.componentRef.setInput('kind', kind);
    fixture.componentRef.setInput('threads', threads);
    fixture.componentRef.setInput('now', now);
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows who is waiting, their email, first words and how long they have waited', () => {
    const { el, fixture } = render('queue');
    const item = el.querySelector('[data-testid=thread-item]') as HTMLElement;
    expect(item.textContent).toContain('Vera');
    expect(item.textContent).toContain('vera@example.com');
    expect(item.textContent).toContain('Where is my order?');
    expect(item.querySelector('.waited')?.textContent?.trim()).toBe('2m 05s');
    fixture.componentRef.setInput('now', Date.parse('2026-01-01T10:02:09Z'));
    fixture.detectChanges();
    expect(item.querySelector('.waited')?.textContent?.trim()).toBe('2m 09s');
  });

  it('claims from the queue', () => {
    const t = thread();
    const { el, fixture } = render('queue', [t]);
    const claimed: string[] = [];
    fixture.componentInstance.claim.subscribe((id) => claimed.push(id));
    (el.querySelector('button.claim') as HTMLButtonElement).click();
    expect(claimed).toEqual([t.id]);
  });

  it('shows unread counts on the agent’s threads, and no claim button', () => {
    const t = thread({ status: 'active' });
    const { el, fixture } = render('mine', [t]);
    fixture.componentRef.setInput('unread', { [t.id]: 3 });
    fixture.detectChanges();
    expect(el.querySelector('.unread')?.textContent).toBe('3');
    expect(el.querySelector('button.claim')).toBeNull();
  });

  it('says so when nobody is waiting', () => {
    const { el } = render('queue', []);
    expect(el.textContent).toContain('Nobody is waiting');
  });
});
