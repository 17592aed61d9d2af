import { TestBed } from '@angular/core/testing';
import type { Note } from '@parley/contracts';
import type { OutgoingMessage } from '@parley/realtime-client';
import { message, ME, thread } from '../../testing/fixtures';
import { TranscriptComponent } from './transcript.component';

describe('TranscriptComponent', () => {
  const t = thread();

  function render(messages = [message(t, 1)], outgoing: OutgoingMessage[] = []) {
    const fixture = TestBed.createComponent(TranscriptComponent);
    fixture.componentRef.setInput('messages', messages);
    fixture.componentRef.setInput('outgoing', outgoing);
    fixture.componentRef.setInput('meId', ME.id);
    fixture.componentRef.setInput('visitorName', 'Vera');
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows message text as text, never as markup', () => {
    const payload = '<img src=x onerror=alert(1)>';
    const { el } = render([message(t, 1, { body: payload })]);
    const bubble = el.querySelector('.bubble') as HTMLElement;
    expect(bubble.textContent).toBe(payload);
    expect(el.querySelector('img')).toBeNull();
  });

  it('tells visitor, agent and system messages apart, in seq order', () => {
    const { el } = render([
      message(t, 1, { body: 'hi' }),
      message(t, 2, { authorType: 'system', authorName: null, body: 'Ada joined the conversation' }),
      message(t, 3, { authorType: 'agent', authorId: ME.id, authorName: 'Ada', body: 'hello' }),
    ]);
    const items = [...el.querySelectorAll('li')];
    expect(items.map((li) => li.getAttribute('data-seq'))).toEqual(['1', '2', '3']);
    expect(items[0].classList).toContain('theirs');
    expect(items[1].classList).toContain('system');
    expect(items[2].classList).toContain('ours');
    expect(items[2].querySelector('.author')?.textContent).toBe('You');
    expect(items[2].querySelector('.sent')).not.toBeNull();
  });

  it('shows messages on their way and failed ones with retry and discard', () => {
    const base = { threadId: t.id, createdAt: new Date().toISOString() };
    const { el, fixture } = render(
      [],
      [
        { ...base, clientMsgId: 'a', body: 'on its way', state: 'pending' },
        { ...base, clientMsgId: 'b', body: 'refused', state: 'failed', error: { code: 'THREAD_CLOSED', message: 'The thread is closed' } },
      ],
    );
    const retried: string[] = [];
    const discarded: string[] = [];
    fixture.componentInstance.retry.subscribe((id) => retried.push(id));
    fixture.componentInstance.discard.subscribe((id) => discarded.push(id));
    const [pending, failed] = [...el.querySelectorAll('[data-testid=outgoing]')];
    expect(pending.textContent).toContain('Sending…');
    expect(failed.textContent).toContain('Not sent: The thread is closed');
    const [retry, discard] = [...failed.querySelectorAll('button')];
    retry.click();
    discard.click();
    expect(retried).toEqual(['b']);
    expect(discarded).toEqual(['b']);

    // With the connection down, a message on its way says it waits for the connection.
    fixture.componentRef.setInput('connectionDown', true);
    fixture.detectChanges();
    expect(pending.textContent).toContain('Waiting for the connection…');
  });

  it('lays out names and bodies in their own direction, isolated, so U+202E cannot reorder the page', () => {
    const out: OutgoingMessage = { threadId: t.id, clientMsgId: 'c1', body: 'on its way \u202e', state: 'pending', createdAt: '2026-01-01T10:00:00.000Z' };
    const { el } = render([message(t, 1, { authorName: '\u202eVera', body: 'שלום\n\u202ehello' })], [out]);
    const dirs = (selector: string) => [...el.querySelectorAll(selector)].map((e) => e.getAttribute('dir'));
    expect(dirs('.bubble')).toEqual(['auto', 'auto']);
    expect(dirs('[data-testid=message] .author')).toEqual(['auto']);
    expect(el.querySelector('.bubble')?.textContent).toBe('שלום\n\u202ehello');
    expect(el.querySelector('.author')?.textContent).toBe('\u202eVera');
  });

  it('places private notes among the messages by time, marked as private, as text', () => {
    const fixture = TestBed.createComponent(TranscriptComponent);
    const m1 = message(t, 1, { body: 'hi', createdAt: '2026-01-01T10:00:00.000Z' });
    const m2 = message(t, 2, { body: 'later', createdAt: '2026-01-01T10:05:00.000Z' });
    const note: Note = {
      id: '00000000-0000-4000-8000-0000000000aa',
      threadId: t.id,
      noteSeq: 1,
      authorType: 'agent',
      authorId: ME.id,
      authorName: ME.name,
      body: '<b>check the refund</b>',
      clientNoteId: 'n1',
      mentions: [],
      createdAt: '2026-01-01T10:01:00.000Z',
    };
    fixture.componentRef.setInput('messages', [m1, m2]);
    fixture.componentRef.setInput('notes', [note]);
    fixture.componentRef.setInput('meId', ME.id);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const items = [...el.querySelectorAll('.messages > li')].map((li) => (li.getAttribute('data-testid') === 'note' ? 'note' : 'message'));
    expect(items).toEqual(['message', 'note', 'message']);
    const shown = el.querySelector('[data-testid="note"]') as HTMLElement;
    expect(shown.textContent).toContain('Private note');
    expect(shown.querySelector('b')).toBeNull();
    expect(shown.querySelector('.bubble')?.textContent).toContain('<b>check the refund</b>');
  });
});
