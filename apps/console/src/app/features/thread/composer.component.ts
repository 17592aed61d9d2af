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
import { type Attachment, LIMITS } from '@parley/contracts';
import { humanSize, type TrayItem, type Uploader, UploadTray } from '@parley/rest-client';
import { asAttachment } from '../../core/api/attachment-files';
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
    <form class="composer" (submit)="$event.preventDefault(); submit()" [class.over]="over()" [class.dropping]="dropping()"
      (dragover)="onDragOver($event)" (dragleave)="dropping.set(false)" (drop)="onDrop($event)">
      <label class="sr-only" [for]="inputId()">Reply to <span dir="auto">{{ visitorName() }}</span></label>
      <textarea #box [id]="inputId()" rows="3" [value]="draft()" [placeholder]="placeholder()"
(input)="onInput(box.value)" (keydown)="onKeydown($event)" (paste)="onPaste($event)" [attr.aria-describedby]="inputId() + '-hint ' + inputId() + '-count'"
        [attr.aria-invalid]="over()" autocomplete="off" spellcheck="true"></textarea>
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
        <span class="hint" [id]="inputId() + '-hint'"><kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line</span>
        <span class="count" [id]="inputId() + '-count'" [class.warn]="near()" [class.error]="over()" aria-live="polite">
          {{ length() }} / {{ max }}@if (over()) { — {{ length() - max }} too many }
        </span>
        <input #picker type="file" multiple hidden data-testid="file-input" (change)="onPick(picker)" />
        <button type="button" class="btn btn-ghost attach" (click)="picker.click()" [disabled]="!uploader() || items().length >= 5" aria-label="Attach files" title="Attach files (or paste, or drop them here)">
          <app-icon name="plus" [size]="16" /> Attach
        </button>
        <button type="submit" class="btn btn-primary" [disabled]="!canSend()">
          <app-icon name="send" [size]="16" /> Send
        </button>
      </div>
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
  readonly draftChange = output<string>();
  readonly send = output<ComposedMessage>();
  readonly typing = output<void>();

  protected readonly max = LIMITS.messageBodyMax;
  private readonly text = signal('');
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  protected readonly placeholder = computed(() => `Reply to ${isolated(this.visitorName())}…`);
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
    return !busy && !this.over() && (hasText || files.length > 0);
  });
  protected readonly size = humanSize;

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
    if (value) this.typing.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    // Enter while composing with an input method confirms the composition, it does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
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
    this.send.emit({ body, attachments: this.tray.ready.map(asAttachment) });
    this.tray.clear();
    this.text.set('');
    this.box().nativeElement.value = '';
    this.draftChange.emit('');
    this.box().nativeElement.focus();
  }
}
