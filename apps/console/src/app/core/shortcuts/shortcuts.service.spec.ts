import { TestBed } from '@angular/core/testing';
import { actionFor, ShortcutsService, typesText } from './shortcuts.service';

describe('ShortcutsService', () => {
  let service: ShortcutsService;
  const press = (init: KeyboardEventInit, target: EventTarget = document.body) => {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event;
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [ShortcutsService] });
    service = TestBed.inject(ShortcutsService);
  });
  afterEach(() => {
    document.body.replaceChildren();
    TestBed.resetTestingModule();
  });

  it('runs the handler of a plain key pressed outside a field, and prevents its default', () => {
    const calls: string[] = [];
    service.register('nextConversation', () => calls.push('next'));
    service.register('claim', () => calls.push('claim'));
    expect(press({ key: 'j' }).defaultPrevented).toBe(true);
    press({ key: 'c' });
    expect(calls).toEqual(['next', 'claim']);
  });

  it('never fires a plain key while typing in a text field, a textarea or an editable element', () => {
    const calls: string[] = [];
    service.register('claim', () => calls.push('claim'));
    service.register('focusSearch', () => calls.push('search'));
    const input = document.body.appendChild(document.createElement('input'));
    const area = document.body.appendChild(document.createElement('textarea'));
    const editable = document.body.appendChild(document.createElement('div'));
    editable.setAttribute('contenteditable', 'true');
    for (const target of [input, area]) {
      expect(press({ key: 'c' }, target).defaultPrevented).toBe(false);
      press({ key: '/' }, target);
    }
    expect(typesText(editable)).toBe(true);
    expect(calls).toEqual([]);
    // A checkbox types nothing: the key is a command there.
    const box = document.body.appendChild(Object.assign(document.createElement('input'), { type: 'checkbox' }));
    press({ key: 'c' }, box);
    expect(calls).toEqual(['claim']);
  });

  it('fires Alt+arrow in a field too, by the physical key, and leaves Ctrl and Meta combinations to the browser', () => {
    const calls: string[] = [];
    service.register('nextConversation', () => calls.push('next'));
    service.register('openCannedPicker', () => calls.push('picker'));
    const area = document.body.appendChild(document.createElement('textarea'));
    press({ key: 'ArrowDown', code: 'ArrowDown', altKey: true }, area);
    // macOS types "÷" for Option+/: the code still says which key it was.
    press({ key: '÷', code: 'Slash', altKey: true }, area);
    press({ key: 'j', ctrlKey: true });
    press({ key: 'j', metaKey: true });
    expect(calls).toEqual(['next', 'picker']);
  });

  it('ignores keys while an input method composes, and while a modal dialog is open', () => {
    const calls: string[] = [];
    service.register('claim', () => calls.push('claim'));
    press({ key: 'c', isComposing: true });
    const dialog = document.body.appendChild(document.createElement('dialog'));
    dialog.setAttribute('open', '');
    press({ key: 'c' });
    expect(calls).toEqual([]);
  });

  it('calls the latest registration, falls back when it goes, and lists what is handled', () => {
    const calls: string[] = [];
    const offA = service.register('close', () => calls.push('a'));
    const offB = service.register('close', () => calls.push('b'));
    expect(service.actions().has('close')).toBe(true);
    press({ key: 'e' });
    offB();
    press({ key: 'e' });
    offA();
    expect(press({ key: 'e' }).defaultPrevented).toBe(false);
    expect(service.actions().has('close')).toBe(false);
    expect(calls).toEqual(['b', 'a']);
  });

  it('has a key for note mode that nothing handles yet (the hook for private notes)', () => {
    expect(actionFor({ key: 'n', code: 'KeyN', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, isComposing: false, target: document.body })).toBe('toggleNoteMode');
    expect(service.run('toggleNoteMode')).toBe(false);
    expect(service.actions().has('toggleNoteMode')).toBe(false);
  });
});
