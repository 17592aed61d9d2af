import { ChangeDetectionStrategy, Component, type ElementRef, input, output, signal, viewChild } from '@angular/core';
import { LIMITS } from '@parley/contracts';

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
        <p class="slow">You're sending messages quickly — we'll send the rest in a moment.</p>
      }
    </div>
    <form class="composer" (submit)="submit($event)">
      <label class="sr-only" for="pw-message">Your message</label>
      <textarea
        #box
        id="pw-message"
        rows="2"
        placeholder="Write a message…"
        [attr.maxlength]="max"
        [value]="text()"
        [disabled]="disabled()"
        (input)="changed($event)"
        (keydown.enter)="enter($event)"
      ></textarea>
      <button class="send" type="submit" [disabled]="disabled() || !text().trim()" aria-label="Send">➤</button>
    </form>
  `,
})
export class ComposerComponent {
  readonly disabled = input(false);
  readonly slowDown = input(false);
  readonly sent = output<string>();
  readonly typing = output<void>();

  protected readonly max = LIMITS.messageBodyMax;
  protected readonly text = signal('');
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');

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

  protected submit(event: Event): void {
    event.preventDefault();
    const body = this.text().trim();
    if (!body || this.disabled()) return;
    this.sent.emit(body);
    this.text.set('');
    this.box().nativeElement.value = '';
  }
}
