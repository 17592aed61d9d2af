import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, type ElementRef, inject, input, output, signal, viewChild } from '@angular/core';
import { type Attachment, LIMITS } from '@parley/contracts';
import { humanSize, type TrayItem, type Uploader, UploadTray } from '@parley/rest-client';
import { asAttachment } from '../widget-files';
import { I18n } from '../i18n/i18n';
import { fileProblem } from '../widget-text';

/** What the visitor sends: the text (maybe empty) and the files uploaded for it. */
export interface ComposedMessage {
  body: string;
  attachments: Attachment[];
}

/** The files of a clipboard or a drop (a pasted screenshot is a file without a name). */
function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  if (data.files.length > 0) return [...data.files];
  return [...data.items].flatMap((i) => (i.kind === 'file' ? [i.getAsFile()].filter((f): f is File => f !== null) : []));
}

/**
 * Where the visitor writes. Enter sends, Shift+Enter starts a new line. While the server holds
 * messages back for coming too fast they wait in the outbox and go out by themselves; the notice
 * says so, so the visitor neither thinks them lost nor sends them again. Its live region is always
 * in the page so that screen readers announce the text when it appears.
 */
@Component({
  selector: 'pw-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="slow-region" role="status">
      @if (slowDown()) {
        <p class="slow">{{ t().slowDown }}</p>
      }
    </div>
    @if (items().length > 0 || notice()) {
      <div class="tray">
        <ul>
          @for (f of items(); track f.key) {
            <li class="file" [class.failed]="f.state === 'failed'">
              <span class="name" dir="auto">{{ f.name }}</span>
              <span class="size">{{ size(f.size) }}</span>
              @if (f.state === 'uploading') {
                <progress max="100" [value]="percent(f)" [attr.aria-label]="t().uploading(f.name)"></progress>
              } @else if (f.state === 'done') {
                <span class="ready">{{ t().ready }}</span>
              } @else {
                <button type="button" class="link retry" (click)="tray.retry(f.key)">{{ t().retry }}</button>
              }
              <button type="button" class="remove" (click)="tray.remove(f.key)" [attr.aria-label]="t().remove(f.name)">✕</button>
            </li>
          }
        </ul>
        <div role="alert">
          @for (f of items(); track f.key) {
            @if (f.error) {
              <p class="file-error">{{ f.error }}</p>
            }
          }
          @if (notice()) {
            <p class="file-error">{{ notice() }}</p>
          }
        </div>
      </div>
    }
    <form class="composer" [class.dropping]="dropping()" (submit)="submit($event)" (dragover)="dragOver($event)" (dragleave)="dropping.set(false)" (drop)="drop($event)">
      <input #picker type="file" multiple hidden (change)="picked(picker)" />
      @if (uploader()) {
        <button type="button" class="attach" [attr.aria-label]="t().attachFiles" [title]="t().attachFiles" [disabled]="disabled() || items().length >= 5" (click)="picker.click()">📎</button>
      }
      <label class="sr-only" for="pw-message">{{ t().yourMessage }}</label>
      <textarea
        #box
        id="pw-message"
        rows="2"
        [placeholder]="t().writeMessage"
        [attr.maxlength]="max"
        [value]="text()"
        [disabled]="disabled()"
        (input)="changed($event)"
        (keydown.enter)="enter($event)"
        (paste)="paste($event)"
      ></textarea>
      <button class="send" type="submit" [disabled]="!canSend()" [attr.aria-label]="t().send">➤</button>
    </form>
  `,
})
export class ComposerComponent {
  protected readonly t = inject(I18n).t;
  readonly disabled = input(false);
  readonly slowDown = input(false);
  /** Uploads a file to the thread; null: no files here. */
  readonly uploader = input<Uploader | null>(null);
  readonly sent = output<ComposedMessage>();
  readonly typing = output<void>();

  protected readonly max = LIMITS.messageBodyMax;
  protected readonly text = signal('');
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  protected readonly items = signal<readonly TrayItem[]>([]);
  protected readonly notice = signal<string | null>(null);
  protected readonly dropping = signal(false);
  protected readonly tray = new UploadTray(
    (file, name, progress, signal) => {
      const upload = this.uploader();
      return upload ? upload(file, name, progress, signal) : Promise.reject(new Error('no thread'));
    },
    (items, notice) => {
      this.items.set(items);
      this.notice.set(notice);
    },
    { failed: (err, name) => fileProblem(err, name, this.t()), leftOut: (max, left) => this.t().tooManyFiles(max, left) },
  );
  /** Text or files; never while a file is uploading or failed (it would go missing). */
  protected readonly canSend = computed(() => {
    const files = this.items();
    return !this.disabled() && !files.some((f) => f.state !== 'done') && (this.text().trim().length > 0 || files.length > 0);
  });
  protected readonly size = humanSize;

  constructor() {
    // Another thread: the files uploaded to the old one cannot go with it.
    effect(() => {
      this.uploader();
      this.tray.clear();
    });
    inject(DestroyRef).onDestroy(() => this.tray.clear());
  }

  focus(): void {
    this.box().nativeElement.focus();
  }

  protected changed(event: Event): void {
    this.text.set((event.target as HTMLTextAreaElement).value);
    this.typing.emit();
  }

  protected enter(event: Event): void {
    if ((event as KeyboardEvent).shiftKey || (event as KeyboardEvent).isComposing) return;
    this.submit(event);
  }

  protected percent(f: TrayItem): number {
    return Math.round(f.progress * 100);
  }

  private add(files: readonly File[]): void {
    if (files.length > 0 && this.uploader() && !this.disabled()) this.tray.add(files);
  }

  protected picked(picker: HTMLInputElement): void {
    this.add([...(picker.files ?? [])]);
    picker.value = '';
  }

  protected paste(event: ClipboardEvent): void {
    const files = filesOf(event.clipboardData);
    if (files.length === 0) return;
    event.preventDefault();
    this.add(files);
  }

  protected dragOver(event: DragEvent): void {
    if (!this.uploader() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dropping.set(true);
  }

  protected drop(event: DragEvent): void {
    this.dropping.set(false);
    const files = filesOf(event.dataTransfer);
    if (files.length === 0) return;
    event.preventDefault();
    this.add(files);
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const body = this.text().trim();
    if (!this.canSend()) return;
    this.sent.emit({ body, attachments: this.tray.ready.map(asAttachment) });
    this.tray.clear();
    this.text.set('');
    this.box().nativeElement.value = '';
  }
}
