import { TestBed } from '@angular/core/testing';
import { ClientEvent, ServerEvent } from '@parley/contracts';
import { AttentionService } from '../../core/attention/attention.service';
import { DraftStore } from '../../core/storage/drafts';
import { message, ME, OTHER, settle, thread } from '../../../testing/fixtures';
import { consoleTestProviders, signIn } from '../../../testing/providers';
import { CannedStore } from '../../core/canned/canned.store';
import { ShortcutsService } from '../../core/shortcuts/shortcuts.service';
import { InboxStore } from '../../core/inbox/inbox.store';
import { ThreadPage } from './thread.page';

describe('ThreadPage', () => {
  async function render(t = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name } })) {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, InboxStore, CannedStore, ShortcutsService] });
    await signIn(bed);
    bed.backend.on('GET /threads', { body: { items: [], nextCursor: null } });
    bed.backend.on('GET /threads/:id', { body: t });
    jest.spyOn(TestBed.inject(AttentionService), 'alert').mockImplementation(() => undefined);
    const fixture = TestBed.createComponent(ThreadPage);
    fixture.componentRef.setInput('threadId', t.id);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    return { fixture, el, bed, t };
  }

  it('shows the transcript in seq order, with the visitor’s details', async () => {
    const { fixture, el, bed, t } = await render();
    bed.realtime.feed({ threadId: t.id, messages: [message(t, 1, { body: 'first' }), message(t, 2, { body: 'second' })], lastSeq: 2 });
    fixture.detectChanges();
    expect([...el.querySelectorAll('.bubble')].map((b) => b.textContent)).toEqual(['first', 'second']);
    expect(el.querySelector('h1')?.textContent).toBe('Vera');
    expect(el.querySelector('h1')?.getAttribute('dir')).toBe('auto');
    expect(el.querySelector('app-visitor-panel')?.textContent).toContain('vera@example.com');
  });

  it('sends what the agent writes through the socket client and forgets the draft', async () => {
    const { fixture, el, bed, t } = await render();
    const box = el.querySelector('textarea') as HTMLTextAreaElement;
    box.value = 'Hello Vera';
    box.dispatchEvent(new Event('input'));
    expect(TestBed.inject(DraftStore).get(t.id)).toBe('Hello Vera');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    fixture.detectChanges();
    expect(bed.realtime.sent).toEqual([{ threadId: t.id, body: 'Hello Vera' }]);
    expect(TestBed.inject(DraftStore).get(t.id)).toBe('');
    expect(bed.realtime.requests.some((r) => r.event === ClientEvent.Typing)).toBe(true);
  });

  it('tells the agent when the server holds their messages back, until it lets them through', async () => {
    const { fixture, el, bed } = await render();
    const notice = () => el.querySelector('app-composer [role="status"]')?.textContent?.trim();
    expect(notice()).toBe('');
    bed.realtime.slowDown.set(true);
    fixture.detectChanges();
    expect(notice()).toContain('sending messages quickly');
    bed.realtime.slowDown.set(false);
    fixture.detectChanges();
    expect(notice()).toBe('');
  });

  it('restores a draft kept from before (an expired session, a reload)', async () => {
    const t = thread({ status: 'active', assignedAgent: { id: ME.id, name: ME.name } });
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers: [...providers, InboxStore, CannedStore, ShortcutsService] });
    await signIn(bed);
    TestBed.inject(DraftStore).set(t.id, 'unfinished reply');
    bed.backend.on('GET /threads', { body: { items: [], nextCursor: null } });
    bed.backend.on('GET /threads/:id', { body: t });
    const fixture = TestBed.createComponent(ThreadPage);
    fixture.componentRef.setInput('threadId', t.id);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    expect((fixture.nativeElement.querySelector('textarea') as HTMLTextAreaElement).value).toBe('unfinished reply');
  });

  it('shows the visitor typing, and stops after a while without news', async () => {
    const { fixture, el, bed, t } = await render();
    jest.useFakeTimers();
    try {
      bed.realtime.emit(ServerEvent.Typing, { threadId: t.id, authorType: 'visitor', authorName: 'Vera', isTyping: true });
      fixture.detectChanges();
      expect(el.querySelector('.typing')?.textContent).toContain('Vera is typing…');
      jest.advanceTimersByTime(7000);
      fixture.detectChanges();
      expect(el.querySelector('.typing')?.textContent?.trim()).toBe('');
    } finally {
      jest.useRealTimers();
    }
  });

  it('has no composer on a thread another agent handles', async () => {
    const { el } = await render(thread({ status: 'active', assignedAgent: { id: OTHER.id, name: 'Bo' } }));
    expect(el.querySelector('textarea')).toBeNull();
    expect(el.querySelector('.read-only')?.textContent).toContain('Bo is handling this conversation.');
  });

  it('closes after a confirmation', async () => {
    const { fixture, el, bed, t } = await render();
    bed.backend.on('POST /threads/:id/close', { body: { ...t, status: 'closed', closedAt: t.updatedAt, updatedAt: '2026-01-01T11:00:00.000Z' } });
    const button = (label: string) => [...el.querySelectorAll('button')].find((b) => b.textContent?.includes(label)) as HTMLButtonElement;
    button('Close conversation').click();
    fixture.detectChanges();
    button('Close it').click();
    await settle();
    fixture.detectChanges();
    expect(bed.backend.callsTo('POST /threads/:id/close')).toHaveLength(1);
    expect(el.querySelector('.read-only')?.textContent).toContain('This conversation is closed.');
  });

  it('shows who won when the claim race is lost', async () => {
    const { fixture, el, bed, t } = await render(thread());
    bed.backend.on('POST /threads/:id/claim', {
      status: 409,
      body: { type: 'about:blank', title: 'Conflict', status: 409, code: 'THREAD_ALREADY_CLAIMED', detail: 'Already claimed by Bo' },
    });
    bed.backend.on('GET /threads/:id', { body: { ...t, status: 'active', assignedAgent: { id: OTHER.id, name: 'Bo' }, updatedAt: '2026-01-01T10:00:09.000Z' } });
    (el.querySelector('.actions .btn-primary') as HTMLButtonElement).click();
    await settle();
    fixture.detectChanges();
    expect(el.querySelector('[role=alert]')?.textContent).toContain('Bo claimed this conversation first.');
    expect(el.querySelector('.read-only')?.textContent).toContain('Bo is handling this conversation.');
  });
});
