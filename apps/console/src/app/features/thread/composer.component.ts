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
import { LIMITS } from '@parley/contracts';
import { isolated } from '../../shared/bidi';
import { IconComponent } from '../../shared/icon.component';

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
    <form class="composer" (submit)="$event.preventDefault(); submit()" [class.over]="over()">
      <label class="sr-only" [for]="inputId()">Reply to <span dir="auto">{{ visitorName() }}</span></label>
      <textarea #box [id]="inputId()" rows="3" [value]="draft()" [placeholder]="placeholder()"
        (input)="onInput(box.value)" (keydown)="onKeydown($event)" [attr.aria-describedby]="inputId() + '-hint ' + inputId() + '-count'"
        [attr.aria-invalid]="over()" autocomplete="off" spellcheck="true"></textarea>
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
  readonly draftChange = output<string>();
  readonly send = output<string>();
  readonly typing = output<void>();

  protected readonly max = LIMITS.messageBodyMax;
  private readonly text = signal('');
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  protected readonly placeholder = computed(() => `Reply to ${isolated(this.visitorName())}…`);
  protected readonly length = computed(() => this.text().length);
  protected readonly over = computed(() => this.length() > this.max);
  protected readonly near = computed(() => !this.over() && this.length() > this.max * 0.9);
  protected readonly canSend = computed(() => this.text().trim().length >= LIMITS.messageBodyMin && !this.over());

  constructor() {
    effect(() => this.text.set(this.draft()));
    effect(() => {
      if (this.focusKey() !== null) this.box().nativeElement.focus();
    });
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

  protected submit(): void {
    if (!this.canSend()) return;
    const body = this.text().trim();
    this.send.emit(body);
    this.text.set('');
    this.box().nativeElement.value = '';
    this.draftChange.emit('');
    this.box().nativeElement.focus();
  }
}
