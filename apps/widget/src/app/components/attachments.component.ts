import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  type ElementRef,
  inject,
  Injector,
  input,
  signal,
  viewChild,
} from '@angular/core';
import type { Attachment } from '@parley/contracts';
import { humanSize } from '@parley/rest-client';
import { WidgetFiles } from '../widget-files';
import { I18n } from '../i18n/i18n';

const isImage = (a: Attachment) => a.contentType.startsWith('image/');

/**
 * A message's files: images as thumbnails that open in a lightbox (Escape or ✕ closes it, focus
 * goes back to the thumbnail), anything else as a chip with its name and size that downloads it
 * under that name. The bytes need the visitor's token, so they are shown through blob URLs,
 * revoked when the message leaves the page. Names are text.
 */
@Component({
  selector: 'pw-attachments',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ul class="files">
      @for (a of attachments(); track a.id) {
        <li>
          @if (image(a)) {
            <button type="button" class="thumb" [attr.aria-label]="t().openImage(a.name)" (click)="open(a, $event)">
              @if (urls()[a.id]; as url) {
                <img [src]="url" [alt]="a.name" />
              } @else {
                <span class="wait">{{ failed()[a.id] ? t().imageUnavailable : t().loading }}</span>
              }
            </button>
          } @else {
            <button type="button" class="chip" (click)="download(a)" [attr.aria-label]="t().download(a.name, size(a.size))">
              <span class="name" dir="auto">{{ a.name }}</span> <span class="size">{{ size(a.size) }}</span>
            </button>
          }
        </li>
      }
    </ul>
    @if (shown(); as a) {
      <div class="lightbox" role="dialog" aria-modal="true" [attr.aria-label]="a.name">
        <img [src]="urls()[a.id]" [alt]="a.name" />
        <button #closeButton type="button" class="lb-close" [attr.aria-label]="t().closeImage" (click)="close()">✕</button>
      </div>
    }
  `,
})
export class AttachmentsComponent {
  protected readonly t = inject(I18n).t;
  readonly attachments = input.required<readonly Attachment[]>();

  private readonly files = inject(WidgetFiles);
  private readonly injector = inject(Injector);
  protected readonly urls = signal<Readonly<Record<string, string>>>({});
  protected readonly failed = signal<Readonly<Record<string, true>>>({});
  protected readonly shown = signal<Attachment | null>(null);
  private readonly closeButton = viewChild<ElementRef<HTMLButtonElement>>('closeButton');
  private opener: HTMLElement | null = null;
  private readonly requested = new Set<string>();
  private destroyed = false;
  private readonly onKey = (e: KeyboardEvent) => {
    if (!this.shown()) return;
    if (e.key === 'Tab') {
      // The lightbox is modal: its close button is the one place for the focus.
      e.preventDefault();
      this.closeButton()?.nativeElement.focus();
      return;
    }
    if (e.key !== 'Escape') return;
    // The widget hides itself on Escape: here Escape only closes the image.
    e.stopImmediatePropagation();
    e.preventDefault();
    this.close();
  };

  protected readonly image = isImage;
  protected readonly size = humanSize;

  constructor() {
    effect(() => {
      for (const a of this.attachments()) if (isImage(a)) void this.load(a.id);
    });
    document.addEventListener('keydown', this.onKey, true);
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      document.removeEventListener('keydown', this.onKey, true);
      for (const url of Object.values(this.urls())) URL.revokeObjectURL(url);
    });
  }

  protected open(a: Attachment, event: Event): void {
    if (!this.urls()[a.id]) return;
    this.opener = event.currentTarget as HTMLElement;
    this.shown.set(a);
    afterNextRender({ write: () => this.closeButton()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected close(): void {
    this.shown.set(null);
    this.opener?.focus();
    this.opener = null;
  }

  protected async download(a: Attachment): Promise<void> {
    const blob = await this.files.bytes(a.id).catch(() => null);
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    link.click();
    // The download keeps its own copy once started; the URL is shown nowhere.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private async load(id: string): Promise<void> {
    if (this.requested.has(id)) return;
    this.requested.add(id);
    try {
      const blob = await this.files.bytes(id);
      if (this.destroyed) return;
      this.urls.update((u) => ({ ...u, [id]: URL.createObjectURL(blob) }));
    } catch {
      if (!this.destroyed) this.failed.update((f) => ({ ...f, [id]: true }));
    }
  }
}
