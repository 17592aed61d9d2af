import { TestBed } from '@angular/core/testing';
import { LIMITS } from '@parley/contracts';
import type { CannedResponse, Upload } from '@parley/contracts';
import type { Uploader } from '@parley/rest-client';
import { type ComposedMessage, ComposerComponent } from './composer.component';

describe('ComposerComponent', () => {
  function setup(draft = '') {
    const fixture = TestBed.createComponent(ComposerComponent);
    fixture.componentRef.setInput('draft', draft);
    fixture.componentRef.setInput('visitorName', 'Vera');
    const sent: string[] = [];
    const drafts: string[] = [];
    fixture.componentInstance.send.subscribe((b) => sent.push(b.body));
    fixture.componentInstance.draftChange.subscribe((d) => drafts.push(d));
    fixture.detectChanges();
    const el: HTMLElement = fixture.nativeElement;
    const box = el.querySelector('textarea') as HTMLTextAreaElement;
    const type = (text: string) => {
      box.value = text;
      box.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    const key = (init: KeyboardEventInit) => {
      const event = new KeyboardEvent('keydown', { key: 'Enter', cancelable: true, ...init });
      box.dispatchEvent(event);
      fixture.detectChanges();
      return event;
    };
    return { fixture, el, box, sent, drafts, type, key };
  }

  it('uploads a pasted file with its progress, sends it with the text once it is ready, and empties the tray', async () => {
    const { fixture, el, box, type, key } = setup();
    const finish: ((u: Upload) => void)[] = [];
    const progress: ((l: number, t: number) => void)[] = [];
    const uploader: Uploader = (_file, _name, onProgress) => new Promise((resolve) => (finish.push(resolve), progress.push(onProgress)));
    fixture.componentRef.setInput('uploader', uploader);
    fixture.detectChanges();
    const messages: ComposedMessage[] = [];
    fixture.componentInstance.send.subscribe((m) => messages.push(m));
    const paste = new Event('paste', { cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { files: [new File(['png'], 'shot.png', { type: 'image/png' })], items: [] } });
    box.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    progress[0]?.(1, 2);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="tray-item"] .name')?.textContent).toBe('shot.png');
    expect((el.querySelector('progress') as HTMLProgressElement).value).toBe(50);
    type('see this');
    key({});
    expect(messages).toEqual([]);
    finish[0]?.({ uploadId: 'u1', name: 'shot.png', size: 3, contentType: 'image/png', width: 1, height: 1 });
    await fixture.whenStable();
    fixture.detectChanges();
    key({});
    expect(messages).toEqual([{ body: 'see this', attachments: [{ id: 'u1', name: 'shot.png', size: 3, contentType: 'image/png', width: 1, height: 1 }] }]);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="tray-item"]')).toBeNull();
  });

  it('has a label naming the visitor', () => {
    const { el, box } = setup();
    expect(el.querySelector(`label[for="${box.id}"]`)?.textContent).toContain('Reply to Vera');
  });

  it('sends on Enter, trimmed, and clears the box and the draft', () => {
    const { sent, drafts, type, key, box } = setup();
    type('  Hello there  ');
    const event = key({});
    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['Hello there']);
    expect(box.value).toBe('');
    expect(drafts.at(-1)).toBe('');
  });

  it('keeps Shift+Enter for a new line', () => {
    const { sent, type, key } = setup();
    type('line one');
    const event = key({ shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('does not send blank text', () => {
    const { sent, type, key } = setup();
    type('   ');
    key({});
    expect(sent).toEqual([]);
  });

  it('shows the count against the limit and refuses to send past it', () => {
    const { el, sent, type, key } = setup();
    type('x'.repeat(LIMITS.messageBodyMax));
    expect(el.querySelector('.count')?.textContent).toContain(`${LIMITS.messageBodyMax} / ${LIMITS.messageBodyMax}`);
    type('x'.repeat(LIMITS.messageBodyMax + 2));
    expect(el.querySelector('.count')?.textContent).toContain('2 too many');
    expect((el.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(true);
    key({});
    expect(sent).toEqual([]);
  });

  it('starts from the saved draft', () => {
    const { box } = setup('half-written reply');
    expect(box.value).toBe('half-written reply');
  });

  it('says politely, in a live region, that messages are held back while the server slows the agent down', () => {
    const { fixture, el } = setup();
    const region = el.querySelector('[role="status"]') as HTMLElement;
    expect(region.textContent?.trim()).toBe('');
    fixture.componentRef.setInput('slowDown', true);
    fixture.detectChanges();
    expect(region.textContent?.trim()).toBe("You're sending messages quickly — we'll send the rest in a moment.");
    fixture.componentRef.setInput('slowDown', false);
    fixture.detectChanges();
    expect(region.textContent?.trim()).toBe('');
  });

  it("isolates the visitor's name in the label and the placeholder", () => {
    const { fixture, el, box } = setup();
    fixture.componentRef.setInput('visitorName', '\u202eVera');
    fixture.detectChanges();
    const name = el.querySelector(`label[for="${box.id}"] [dir]`);
    expect(name?.getAttribute('dir')).toBe('auto');
    expect(name?.textContent).toBe('\u202eVera');
    expect(box.placeholder).toBe('Reply to \u2068\u202eVera\u2069…');
  });

  describe('saved replies', () => {
    const replies: CannedResponse[] = [
      { id: '1', scope: 'personal', shortcut: 'hello', title: 'Greeting', body: 'Hi {{visitor.name}}, {{agent.name}} here.', ownerId: 'a', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
      { id: '2', scope: 'shared', shortcut: 'refund', title: 'Refund policy', body: 'Refunds go to {{visitor.email}}.', ownerId: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
    ];

    function withReplies() {
      const s = setup();
      s.fixture.componentRef.setInput('canned', replies);
      s.fixture.componentRef.setInput('cannedContext', { visitor: { name: 'Vera', email: 'vera@example.com' }, agent: { name: 'Alex' } });
      s.fixture.detectChanges();
      const options = () => [...s.el.querySelectorAll('[role="option"]')];
      return { ...s, options };
    }

    it('opens a listbox on / with the replies, tied to the box by aria-controls and aria-activedescendant', () => {
      const { box, el, type, options } = withReplies();
      expect(el.querySelector('[role="listbox"]')).toBeNull();
      expect(box.getAttribute('aria-autocomplete')).toBe('list');
      type('/');
      const list = el.querySelector('[role="listbox"]') as HTMLElement;
      expect(box.getAttribute('aria-controls')).toBe(list.id);
      expect(options().map((o) => o.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['/hello Greeting', '/refund Refund policy Shared']);
      expect(box.getAttribute('aria-activedescendant')).toBe(options()[0]?.id);
      expect(options()[0]?.getAttribute('aria-selected')).toBe('true');
      expect(el.querySelector('[data-testid="picker-status"]')?.textContent).toContain('2 saved replies');
    });

    it('filters by shortcut and title as the agent types, and says when nothing matches', () => {
      const { el, type, options } = withReplies();
      type('Sure. /pol');
      expect(options().map((o) => o.id.endsWith('-0') && o.textContent?.includes('/refund'))).toEqual([true]);
      type('Sure. /zzz');
      expect(options()).toEqual([]);
      expect(el.querySelector('.picker-empty')?.textContent).toContain('No saved reply matches');
    });

    it('moves with the arrow keys, inserts the chosen reply with Enter, variables filled in, without sending', () => {
      const { box, sent, drafts, type, key, options, el } = withReplies();
      type('Thanks! /');
      expect(key({ key: 'ArrowDown' }).defaultPrevented).toBe(true);
      expect(options()[1]?.getAttribute('aria-selected')).toBe('true');
      key({ key: 'ArrowDown' });
      expect(options()[0]?.getAttribute('aria-selected')).toBe('true');
      key({ key: 'ArrowUp' });
      key({ key: 'Enter' });
      expect(sent).toEqual([]);
      expect(box.value).toBe('Thanks! Refunds go to vera@example.com.');
      expect(drafts.at(-1)).toBe('Thanks! Refunds go to vera@example.com.');
      expect(box.selectionStart).toBe(box.value.length);
      expect(el.querySelector('[role="listbox"]')).toBeNull();
      // The next Enter sends the final text.
      key({ key: 'Enter' });
      expect(sent).toEqual(['Thanks! Refunds go to vera@example.com.']);
    });

    it('inserts the reply clicked', () => {
      const { box, type, options, fixture } = withReplies();
      type('/hel');
      (options()[0] as HTMLElement).click();
      fixture.detectChanges();
      expect(box.value).toBe('Hi Vera, Alex here.');
    });

    it('closes on Escape without leaving the box, and stays closed for that slash; a second Escape leaves the box', () => {
      const { box, el, type, key } = withReplies();
      box.focus();
      type('/re');
      key({ key: 'Escape' });
      expect(el.querySelector('[data-testid="canned-picker"]')).toBeNull();
      expect(document.activeElement).toBe(box);
      type('/ref');
      expect(el.querySelector('[data-testid="canned-picker"]')).toBeNull();
      key({ key: 'Escape' });
      expect(document.activeElement).not.toBe(box);
      type('/ref /');
      expect(el.querySelector('[role="listbox"]')).not.toBeNull();
    });

    it('opens from the shortcut with a slash typed at the caret', () => {
      const { box, el, fixture, options } = withReplies();
      box.value = 'Hello';
      box.setSelectionRange(5, 5);
      fixture.componentInstance.openPicker();
      fixture.detectChanges();
      expect(box.value).toBe('Hello /');
      expect(el.querySelector('[role="listbox"]')).not.toBeNull();
      expect(options()).toHaveLength(2);
    });
  });

  it('in note mode: says the note is private, sends no typing, attaches no files, and the Note button asks for the mode', () => {
    const { fixture, el, type, key, sent } = setup();
    const modes: boolean[] = [];
    let typed = 0;
    fixture.componentInstance.noteModeChange.subscribe((m) => modes.push(m));
    fixture.componentInstance.typing.subscribe(() => typed++);
    (el.querySelector('[data-testid="note-toggle"]') as HTMLButtonElement).click();
    expect(modes).toEqual([true]);
    fixture.componentRef.setInput('noteMode', true);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="note-banner"]')?.textContent).toContain('only agents see it');
    expect(el.querySelector('label')?.textContent).toContain('Private note');
    expect(el.querySelector('[data-testid="note-toggle"]')?.getAttribute('aria-pressed')).toBe('true');
    expect((el.querySelector('.attach') as HTMLButtonElement).disabled).toBe(true);
    type('@Ann have a look');
    key({});
    expect(sent).toEqual(['@Ann have a look']);
    expect(typed).toBe(0);
  });

  it('note only: no toggle to switch back to replying', () => {
    const { fixture, el } = setup();
    fixture.componentRef.setInput('noteMode', true);
    fixture.componentRef.setInput('noteOnly', true);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="note-toggle"]')).toBeNull();
  });
});
