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

  it('marks the threads that arrived while the site was closed', () => {
    const { el } = render('queue', [thread({ preview: 'Left while closed', createdWhileClosed: true }), thread({ preview: 'During hours' })]);
    const items = [...el.querySelectorAll('[data-testid=thread-item]')];
    expect(items.map((i) => i.querySelector('[data-testid=while-closed]')?.textContent?.trim() ?? null)).toEqual(['Arrived while closed', null]);
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

  it('lays out names, emails and previews in their own direction, isolated', () => {
    const queued = thread({ visitor: { id: 'v1', name: '\u202eVera', email: 'vera@example.com' }, preview: '\u202eWhere?' });
    const { el } = render('queue', [queued, thread({ preview: null })]);
    const [first, second] = [...el.querySelectorAll('[data-testid=thread-item]')];
    expect(first.querySelector('.name')?.getAttribute('dir')).toBe('auto');
    expect(first.querySelector('.name')?.textContent).toBe('\u202eVera');
    expect(first.querySelector('.email')?.getAttribute('dir')).toBe('auto');
    expect(first.querySelector('.preview')?.getAttribute('dir')).toBe('auto');
    // "No message yet" is the console's own words, in the console's direction.
    expect(second.querySelector('.preview')?.hasAttribute('dir')).toBe(false);
  });

  it("isolates the last message of the agent's own threads", () => {
    const mine = thread({ status: 'active' });
    const list = render('mine', [mine]);
    list.fixture.componentRef.setInput('latest', { [mine.id]: { seq: 2, body: '\u202eok', byMe: true, createdAt: mine.createdAt } });
    list.fixture.detectChanges();
    expect(list.el.querySelector('.preview')?.textContent).toBe('You: \u202eok');
    expect(list.el.querySelector('.preview .text')?.getAttribute('dir')).toBe('auto');
  });
});
