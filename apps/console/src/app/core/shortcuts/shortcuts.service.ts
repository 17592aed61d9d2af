import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';

/** The console's keyboard actions. `toggleNoteMode` switches the thread view's composer between reply and private note. */
export type ShortcutAction =
  | 'nextConversation'
  | 'previousConversation'
  | 'claim'
  | 'close'
  | 'focusComposer'
  | 'openCannedPicker'
  | 'focusSearch'
  | 'toggleNoteMode'
  | 'showHelp';

export interface ShortcutKey {
  /** `KeyboardEvent.key` of the plain key, pressed outside text fields. */
  key?: string;
  /** Alt plus this `KeyboardEvent.code` (the physical key, so macOS's Option characters do not matter); also works in text fields. */
  altCode?: string;
}

export interface ShortcutDef {
  action: ShortcutAction;
  label: string;
  keys: readonly ShortcutKey[];
  /** How the keys are written in the help overlay. */
  shown: readonly string[];
}

/**
 * The key map, as in Front and Intercom: single letters outside text fields (j/k to move, c to
 * claim, e to close, r to reply), Alt+arrows to move between conversations from anywhere, `?` for
 * the list. A plain key never fires while the focus is in a field where it would type text.
 */
export const SHORTCUTS: readonly ShortcutDef[] = [
  { action: 'nextConversation', label: 'Next conversation', keys: [{ key: 'j' }, { altCode: 'ArrowDown' }], shown: ['J', 'Alt+↓'] },
  { action: 'previousConversation', label: 'Previous conversation', keys: [{ key: 'k' }, { altCode: 'ArrowUp' }], shown: ['K', 'Alt+↑'] },
  { action: 'claim', label: 'Claim the conversation', keys: [{ key: 'c' }], shown: ['C'] },
  { action: 'close', label: 'Close the conversation', keys: [{ key: 'e' }], shown: ['E'] },
  { action: 'focusComposer', label: 'Reply (focus the reply box)', keys: [{ key: 'r' }], shown: ['R'] },
  { action: 'openCannedPicker', label: 'Insert a saved reply', keys: [{ altCode: 'Slash' }], shown: ['Alt+/', '/ in the reply box'] },
  { action: 'focusSearch', label: 'Search closed conversations', keys: [{ key: '/' }], shown: ['/'] },
  { action: 'toggleNoteMode', label: 'Switch between reply and private note', keys: [{ key: 'n' }], shown: ['N'] },
  { action: 'showHelp', label: 'Show these shortcuts', keys: [{ key: '?' }], shown: ['?'] },
];

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'password', 'url', 'tel', 'number', 'date', 'datetime-local', 'month', 'time', 'week', '']);

/** True when a plain key pressed here would type text (or choose an option) rather than be a command. */
export function typesText(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable || el.closest?.('[contenteditable]:not([contenteditable="false"])')) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && TEXT_INPUT_TYPES.has(((el as HTMLInputElement).type ?? '').toLowerCase());
}

/** The action a key press stands for, or null; `key.ts` decides, so specs can ask without a DOM. */
export function actionFor(event: Pick<KeyboardEvent, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'isComposing' | 'target'>): ShortcutAction | null {
  // Ctrl and Meta belong to the browser and the system; an input method's keys are text.
  if (event.ctrlKey || event.metaKey || event.isComposing) return null;
  for (const def of SHORTCUTS) {
    for (const k of def.keys) {
      if (k.altCode && event.altKey && event.code === k.altCode) return def.action;
      if (k.key && !event.altKey && event.key === k.key && !typesText(event.target)) return def.action;
    }
  }
  return null;
}

/**
 * Listens for the shortcuts on the document and hands each to whichever page registered a handler
 * for it (the inbox moves between conversations, the thread claims and closes...). Nothing fires
 * while a modal dialog is open, except in that dialog's own handling.
 */
@Injectable()
export class ShortcutsService {
  private readonly document = inject(DOCUMENT);
  private readonly handlers = new Map<ShortcutAction, (() => void)[]>();
  private readonly available = signal<ReadonlySet<ShortcutAction>>(new Set());
  /** The actions some page handles now (the help overlay lists these). */
  readonly actions = this.available.asReadonly();

  constructor() {
    const listener = (event: KeyboardEvent) => this.onKeydown(event);
    this.document.addEventListener('keydown', listener);
    inject(DestroyRef).onDestroy(() => this.document.removeEventListener('keydown', listener));
  }

  /** Handles `action` until the returned function is called (call it on destroy). The latest registration wins. */
  register(action: ShortcutAction, handler: () => void): () => void {
    const list = this.handlers.get(action) ?? [];
    list.push(handler);
    this.handlers.set(action, list);
    this.refresh();
    return () => {
      const current = this.handlers.get(action) ?? [];
      this.handlers.set(
        action,
        current.filter((h) => h !== handler),
      );
      this.refresh();
    };
  }

  /** Runs an action's handler as if its key was pressed; false when nothing handles it now. */
  run(action: ShortcutAction): boolean {
    const handler = this.handlers.get(action)?.at(-1);
    if (!handler) return false;
    handler();
    return true;
  }

  private refresh(): void {
    this.available.set(new Set([...this.handlers].filter(([, l]) => l.length > 0).map(([a]) => a)));
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || this.document.querySelector('dialog[open]')) return;
    const action = actionFor(event);
    if (action && this.run(action)) event.preventDefault();
  }
}
