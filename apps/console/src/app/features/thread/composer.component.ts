import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { type Attachment, type CannedResponse, LIMITS } from '@parley/contracts';
import { humanSize, type TrayItem, type Uploader, UploadTray } from '@parley/rest-client';
import { asAttachment } from '../../core/api/attachment-files';
import { type CannedContext, fillVariables, filterCanned, insertReply, type SlashQuery, slashQueryAt } from '../../core/canned/canned-text';
import { isolated } from '../../shared/bidi';
import { IconComponent } from '../../shared/icon.component';

/** What the composer sends: the text (maybe empty) and the files uploaded for it. */
export interface ComposedMessage {
  body: string;
  attachments: Attachment[];
}

/** The files of a clipboard or a drop (a screenshot pasted is a file without a name). */
function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files.length > 0) return [...data.files];
  return [...data.items].flatMap((i) => (i.kind === 'file' ? [i.getAsFile()].filter((f): f is File => f !== null) : []));
}

/**
 * The reply box. Enter sends, Shift+Enter starts a new line; the count shows against the
 * server's 4,000-character limit and sending is refused past it. The text is owned by the
 * container (`draft` in, `draftChange` out), which keeps it as the thread's draft. While the
 * server holds messages back for coming too fast (`slowDown`), a notice says they will follow by
 * themselves, so they are not taken for lost and sent twice; its live region stays in the page so
 * screen readers announce the text when it appears.
 */
@Component({
  selector: 'app-composer',
  imports: [IconComponent],
  template: `
    <form class="composer" (submit)="$event.preventDefault(); submit()" [class.over]="over()" [class.dropping]="dropping()" [class.note-mode]="noteMode()"
      (dragover)="onDragOver($event)" (dragleave)="dropping.set(false)" (drop)="onDrop($event)">
      @if (noteMode()) {
        <label class="sr-only" [for]="inputId()">Private note, only agents see it</label>
        <p class="note-banner" data-testid="note-banner"><app-icon name="shield" [size]="14" /> Private note: only agents see it. Type <kbd>&#64;</kbd> and a name to mention an agent.</p>
      } @else {
        <label class="sr-only" [for]="inputId()">Reply to <span dir="auto">{{ visitorName() }}</span></label>
      }
      <!-- A textarea cannot take role=combobox (ARIA in HTML), so it is a textbox that controls the listbox of saved replies. -->
      <textarea #box [id]="inputId()" rows="3" [value]="draft()" [placeholder]="placeholder()"
(input)="onInput(box.value)" (keydown)="onKeydown($event)" (paste)="onPaste($event)" (click)="followCaret()" (keyup)="onKeyup($event)"
        [attr.aria-describedby]="inputId() + '-hint ' + inputId() + '-count'"
        aria-autocomplete="list" aria-haspopup="listbox" [attr.aria-controls]="listOpen() ? listId() : null"
        [attr.aria-activedescendant]="listOpen() ? listId() + '-' + active() : null"
        [attr.aria-invalid]="over()" autocomplete="off" spellcheck="true"></textarea>
      @if (pickerOpen()) {
        <div class="picker" data-testid="canned-picker">
          @if (listOpen()) {
            <ul role="listbox" [id]="listId()" aria-label="Saved replies">
              @for (c of matches(); track c.id; let i = $index) {
                <li role="option" [id]="listId() + '-' + i" [attr.aria-selected]="i === active()" [class.active]="i === active()"
                  (mousedown)="$event.preventDefault()" (click)="pick(c)">
                  <span class="shortcut">/{{ c.shortcut }}</span>{{ ' ' }}<span class="title" dir="auto">{{ c.title }}</span>
                  @if (c.scope === 'shared') { {{ ' ' }}<span class="scope">Shared</span> }
                </li>
              }
            </ul>
          } @else {
            <p class="picker-empty">{{ canned().length ? 'No saved reply matches.' : 'No saved replies yet: add some under Saved replies.' }}</p>
          }
        </div>
      }
      @if (items().length > 0) {
        <ul class="tray" aria-label="Files to send">
          @for (f of items(); track f.key) {
            <li class="file" [class.failed]="f.state === 'failed'" data-testid="tray-item">
              <span class="name" dir="auto">{{ f.name }}</span>
              <span class="size">{{ size(f.size) }}</span>
              @if (f.state === 'uploading') {
                <progress max="100" [value]="percent(f)" [attr.aria-label]="'Uploading ' + f.name">{{ percent(f) }}%</progress>
              } @else if (f.state === 'done') {
                <span class="ready"><app-icon name="check" [size]="12" /> Ready</span>
              }
              @if (f.state === 'failed') {
                <button type="button" class="btn btn-small" (click)="tray.retry(f.key)"><app-icon name="retry" [size]="14" /> Retry</button>
              }
              <button type="button" class="btn btn-small btn-ghost remove" (click)="tray.remove(f.key)" [attr.aria-label]="'Remove ' + f.name"><app-icon name="close" [size]="14" /></button>
            </li>
          }
        </ul>
      }
      <div class="file-errors" role="alert">
        @for (f of items(); track f.key) {
          @if (f.error) {
            <p class="file-error" data-testid="file-error">{{ f.error }}</p>
          }
        }
        @if (notice()) {
          <p class="file-error">{{ notice() }}</p>
        }
      </div>
      <div class="slow-region" role="status">
        @if (slowDown()) {
          <p class="slow">You're sending messages quickly — we'll send the rest in a moment.</p>
        }
      </div>
      <div class="bar">
        <span class="hint" [id]="inputId() + '-hint'"><kbd>Enter</kbd> to {{ noteMode() ? 'save the note' : 'send' }} · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <kbd>/</kbd> for saved replies</span>
        @if (!noteOnly()) {
          <button type="button" class="btn btn-ghost note-toggle" data-testid="note-toggle" [attr.aria-pressed]="noteMode()" (click)="toggleNoteMode()"
            title="Switch between reply and private note (N)"><app-icon name="shield" [size]="16" /> Note</button>
        }
        <span class="count" [id]="inputId() + '-count'" [class.warn]="near()" [class.error]="over()" aria-live="polite">
          {{ length() }} / {{ max }}@if (over()) { — {{ length() - max }} too many }
        </span>
        <input #picker type="file" multiple hidden data-testid="file-input" (change)="onPick(picker)" />
        <button type="button" class="btn btn-ghost attach" (click)="picker.click()" [disabled]="!uploader() || noteMode() || items().length >= 5" aria-label="Attach files" title="Attach files (or paste, or drop them here)">
          <app-icon name="plus" [size]="16" /> Attach
        </button>
        <button type="submit" class="btn btn-primary" [disabled]="!canSend()">
          <app-icon name="send" [size]="16" /> {{ noteMode() ? 'Add note' : 'Send' }}
        </button>
      </div>
      <span class="sr-only" role="status" data-testid="picker-status">{{ pickerStatus() }}</span>
    </form>
  `,
  styleUrl: './composer.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ComposerComponent {
  readonly draft = input('');
  readonly visitorName = input('the visitor');
  readonly inputId = input('composer');
  /** Focus the box whenever this changes (a new thread opened). */
  readonly focusKey = input<string | null>(null);
  readonly slowDown = input(false);
  /** Uploads a file to the open thread; null: files cannot be attached here. */
  readonly uploader = input<Uploader | null>(null);
  /** The saved replies `/` offers, and what their variables stand for here. */
  readonly canned = input<readonly CannedResponse[]>([]);
  readonly cannedContext = input<CannedContext>({ visitor: { name: '', email: '' }, agent: { name: '' } });
  /** Writing a private note rather than a reply: no files, no typing shown to the visitor. */
  readonly noteMode = input(false);
  /** Only notes can be written here (the agent is not the one replying): no toggle. */
  readonly noteOnly = input(false);
  readonly noteModeChange = output<boolean>();
  readonly draftChange = output<string>();
  readonly send = output<ComposedMessage>();
  readonly typing = output<void>();

  protected readonly max = LIMITS.messageBodyMax;
  private readonly text = signal('');
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  protected readonly placeholder = computed(() => (this.noteMode() ? 'Write a private note for agents…' : `Reply to ${isolated(this.visitorName())}…`));
  protected readonly length = computed(() => this.text().length);
  protected readonly over = computed(() => this.length() > this.max);
  protected readonly near = computed(() => !this.over() && this.length() > this.max * 0.9);
  protected readonly items = signal<readonly TrayItem[]>([]);
  protected readonly notice = signal<string | null>(null);
  protected readonly dropping = signal(false);
  /** The files for the next message, uploading as soon as they are added. */
  protected readonly tray = new UploadTray(
    (file, name, progress, signal) => {
      const upload = this.uploader();
      return upload ? upload(file, name, progress, signal) : Promise.reject(new Error('no thread'));
    },
    (items, notice) => {
      this.items.set(items);
      this.notice.set(notice);
    },
  );
  /** Text, or files only; never while a file is still uploading or failed (it would be lost). */
  protected readonly canSend = computed(() => {
    const files = this.items();
    const busy = files.some((f) => f.state !== 'done');
    const hasText = this.text().trim().length >= LIMITS.messageBodyMin;
    if (this.noteMode()) return !this.over() && hasText;
    return !busy && !this.over() && (hasText || files.length > 0);
  });
  protected readonly size = humanSize;
  /** The `/word` at the caret, and the one the agent closed with Escape (it stays closed until another `/`). */
  private readonly slash = signal<SlashQuery | null>(null);
  private readonly dismissedAt = signal<number | null>(null);
  protected readonly active = signal(0);
  protected readonly listId = computed(() => `${this.inputId()}-canned`);
  protected readonly pickerOpen = computed(() => {
    const at = this.slash();
    return at !== null && at.start !== this.dismissedAt();
  });
  protected readonly matches = computed(() => {
    const at = this.slash();
    return at ? filterCanned(this.canned(), at.query) : [];
  });
  protected readonly listOpen = computed(() => this.pickerOpen() && this.matches().length > 0);
  protected readonly pickerStatus = computed(() => {
    if (!this.pickerOpen()) return '';
    const n = this.matches().length;
    return n === 0 ? 'No saved reply matches' : `${n} saved ${n === 1 ? 'reply' : 'replies'}, arrow keys to choose, Enter to insert`;
  });

  constructor() {
    effect(() => this.text.set(this.draft()));
    effect(() => {
      if (this.focusKey() !== null) this.box().nativeElement.focus();
    });
    // Another thread: its files are not this one's.
    effect(() => {
      this.focusKey();
      this.tray.clear();
    });
    inject(DestroyRef).onDestroy(() => this.tray.clear());
    this.keepToastsClear();
  }

  /**
   * Toasts sit at the bottom right, where the composer is: while it is on screen they stand above
   * it (`--composer-clearance`, the distance from its top to the bottom of the window), so a toast
   * never covers the reply box or the Send button.
   */
  private keepToastsClear(): void {
    const root = inject(DOCUMENT).documentElement;
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    let observer: ResizeObserver | undefined;
    const update = () => {
      const top = host.nativeElement.getBoundingClientRect().top;
      root.style.setProperty('--composer-clearance', `${Math.max(0, Math.ceil(globalThis.innerHeight - top))}px`);
    };
    afterNextRender({
      write: () => {
        update();
        if (typeof ResizeObserver === 'undefined') return;
        observer = new ResizeObserver(update);
        observer.observe(host.nativeElement);
        observer.observe(root);
      },
    });
    inject(DestroyRef).onDestroy(() => {
      observer?.disconnect();
      root.style.removeProperty('--composer-clearance');
    });
  }

  protected onInput(value: string): void {
    this.text.set(value);
    this.draftChange.emit(value);
    // A note is not for the visitor: it does not hear that the agent is typing one.
    if (value && !this.noteMode()) this.typing.emit();
    this.followCaret();
  }

  /** Opens, filters or closes the picker from the word at the caret. */
  protected followCaret(): void {
    const box = this.box().nativeElement;
    const at = box.selectionStart === box.selectionEnd ? slashQueryAt(box.value, box.selectionStart) : null;
    const before = this.slash();
    if (at?.start !== before?.start || at?.query !== before?.query) this.active.set(0);
    if (at === null || at.start !== this.dismissedAt()) this.dismissedAt.set(null);
    this.slash.set(at);
  }

  protected onKeyup(event: KeyboardEvent): void {
    if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) this.followCaret();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.isComposing) return;
    if (this.pickerOpen() && this.onPickerKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape' && !event.altKey) {
      // Out of the box, so the console's single-key shortcuts work again (docs/console.md).
      this.box().nativeElement.blur();
      return;
    }
    // Enter while composing with an input method confirms the composition, it does not send.
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    this.submit();
  }

  /** The picker's keys; true when the key was the picker's. */
  private onPickerKey(event: KeyboardEvent): boolean {
    const n = this.matches().length;
    switch (event.key) {
      case 'Escape':
        this.dismissedAt.set(this.slash()?.start ?? null);
        return true;
      case 'ArrowDown':
        if (n) this.active.update((i) => (i + 1) % n);
        return n > 0;
      case 'ArrowUp':
        if (n) this.active.update((i) => (i - 1 + n) % n);
        return n > 0;
      case 'Enter':
      case 'Tab': {
        const choice = this.matches()[this.active()];
        if (!choice || event.shiftKey) return false;
        this.pick(choice);
        return true;
      }
      default:
        return false;
    }
  }

  /** Puts the reply, its variables filled in, where the `/word` was. */
  protected pick(reply: CannedResponse): void {
    const at = this.slash();
    if (!at) return;
    const box = this.box().nativeElement;
    const { text, caret } = insertReply(box.value, at, fillVariables(reply.body, this.cannedContext()));
    box.value = text;
    this.text.set(text);
    this.draftChange.emit(text);
    this.slash.set(null);
    box.focus();
    box.setSelectionRange(caret, caret);
  }

  /** Reply or private note (the Note button, the N shortcut); the focus goes to the box. */
  toggleNoteMode(): void {
    if (this.noteOnly()) return;
    this.noteModeChange.emit(!this.noteMode());
    this.focus();
  }

  /** Puts the focus in the box, the caret at the end (the "reply" shortcut). */
  focus(): void {
    const box = this.box().nativeElement;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  /** Types a `/` at the caret (after a space where needed) and so opens the picker (the Alt+/ shortcut). */
  openPicker(): void {
    const box = this.box().nativeElement;
    box.focus();
    const caret = box.selectionStart;
    const slash = caret === 0 || /\s/.test(box.value[caret - 1] ?? '') ? '/' : ' /';
    box.setRangeText(slash, caret, box.selectionEnd, 'end');
    this.onInput(box.value);
  }

  protected percent(f: TrayItem): number {
    return Math.round(f.progress * 100);
  }

  protected addFiles(files: readonly File[]): void {
    if (files.length === 0 || !this.uploader()) return;
    this.tray.add(files);
  }

  protected onPick(picker: HTMLInputElement): void {
    this.addFiles([...(picker.files ?? [])]);
    picker.value = '';
  }

  protected onPaste(event: ClipboardEvent): void {
    const files = filesOf(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    this.addFiles(files);
  }

  protected onDragOver(event: DragEvent): void {
    if (!this.uploader() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dropping.set(true);
  }

  protected onDrop(event: DragEvent): void {
    this.dropping.set(false);
    const files = filesOf(event.dataTransfer);
    if (files.length === 0) return;
    event.preventDefault();
    this.addFiles(files);
  }

  protected submit(): void {
    if (!this.canSend()) return;
    const body = this.text().trim();
    this.send.emit({ body, attachments: this.noteMode() ? [] : this.tray.ready.map(asAttachment) });
    this.tray.clear();
    this.text.set('');
    this.box().nativeElement.value = '';
    this.draftChange.emit('');
    this.box().nativeElement.focus();
  }
}
