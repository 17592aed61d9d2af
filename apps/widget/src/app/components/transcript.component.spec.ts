import { TestBed } from '@angular/core/testing';
import type { Message } from '@parley/contracts';
import type { OutgoingMessage } from '@parley/realtime-client';
import { aMessage, must } from '../testing/fakes';
import { TranscriptComponent } from './transcript.component';

function render(messages: Message[], outgoing: OutgoingMessage[] = [], typing: string | null = null) {
  const fixture = TestBed.createComponent(TranscriptComponent);
  fixture.componentRef.setInput('messages', messages);
  fixture.componentRef.setInput('outgoing', outgoing);
  fixture.componentRef.setInput('typing', typing);
  const retried: string[] = [];
  fixture.componentInstance.retry.subscribe((id) => retried.push(id));
  fixture.detectChanges();
  return { el: fixture.nativeElement as HTMLElement, retried };
}

describe('TranscriptComponent', () => {
  const id = 't-1';

  it("renders an agent's text as text, never as markup", () => {
    const { el } = render([aMessage(id, 1, { body: '<img src=x onerror="alert(1)"><b>bold</b>' })]);
    const body = must(el.querySelector('.msg .body'));
    expect(body.textContent).toBe('<img src=x onerror="alert(1)"><b>bold</b>');
    expect(body.querySelector('img, b')).toBeNull();
    expect(el.querySelector('.who')?.textContent).toBe('Ada');
  });

  it("tells the visitor's messages, the agent's and the system's apart", () => {
    const { el } = render([
      aMessage(id, 1, { authorType: 'visitor', body: 'Hello' }),
      aMessage(id, 2, { authorType: 'system', body: 'Ada joined the conversation' }),
      aMessage(id, 3, { body: 'Hi Vera' }),
    ]);
    expect([...el.querySelectorAll('li')].map((li) => [li.className.trim(), li.querySelector('.body')?.textContent ?? li.textContent?.trim()])).toEqual([
      ['msg me', 'Hello'],
      ['sys', 'Ada joined the conversation'],
      ['msg', 'Hi Vera'],
    ]);
  });

  it('shows messages on their way after the stored ones, and lets a failed one be sent again', () => {
    const out = (clientMsgId: string, state: 'pending' | 'failed'): OutgoingMessage => ({ threadId: id, clientMsgId, body: clientMsgId, state, createdAt: '' });
    const { el, retried } = render([aMessage(id, 1)], [out('one', 'pending'), out('two', 'failed')], 'Ada');
    const items = [...el.querySelectorAll('li.out')];
    expect(items.map((li) => li.querySelector('.state')?.textContent?.trim())).toEqual(['Sending…', 'Not sent. Try again']);
    must(items[1].querySelector('button')).click();
    expect(retried).toEqual(['two']);
    expect(el.querySelector('.typing')?.textContent).toContain('Ada is typing');
  });

  it('lays out names and bodies in their own direction, isolated, so U+202E cannot reorder the page', () => {
    const out: OutgoingMessage = { threadId: id, clientMsgId: 'c-1', body: 'on its way \u202e', state: 'pending', createdAt: '' };
    const { el } = render([aMessage(id, 1, { authorName: '\u202eAda', body: 'שלום\nhello \u202e' })], [out], '\u202eAda');
    const attrs = (selector: string) => [...el.querySelectorAll(selector)].map((e) => e.getAttribute('dir'));
    expect(attrs('.body')).toEqual(['auto', 'auto']);
    expect(attrs('.who')).toEqual(['auto']);
    expect(attrs('.typing [dir]')).toEqual(['auto']);
    expect(el.querySelector('.body')?.textContent).toBe('שלום\nhello \u202e');
    expect(el.querySelector('.typing [dir]')?.textContent).toBe('\u202eAda');
  });

  it('links http(s) addresses only, as text, in a new tab without referrer or opener, and names a run of one author once', () => {
    const { el } = render([
      aMessage(id, 1, { body: 'See https://example.com/a. Not javascript:alert(1)' }),
      aMessage(id, 2, { body: 'And <a href="x">this</a>' }),
      aMessage(id, 3, { authorType: 'visitor', body: 'ok' }),
    ]);
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent, a.target, a.rel])).toEqual([
      ['https://example.com/a', 'https://example.com/a', '_blank', 'noopener noreferrer nofollow'],
    ]);
    expect(el.querySelector('.msg .body')?.textContent).toBe('See https://example.com/a. Not javascript:alert(1)');
    expect([...el.querySelectorAll('li.msg')].map((li) => [li.classList.contains('cont'), li.querySelector('.who')?.textContent ?? null])).toEqual([
      [false, 'Ada'],
      [true, null],
      [false, null],
    ]);
  });
});
