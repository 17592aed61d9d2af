import { afterNextRender, ChangeDetectionStrategy, Component, type ElementRef, output, viewChild } from '@angular/core';

/** "End this conversation?": asked before "End chat" ends the thread. "Keep chatting", the safe answer, has the focus. */
@Component({
  selector: 'pw-confirm-end',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'overlay', '(keydown.escape)': 'escape($event)' },
  template: `
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="pw-end-title" aria-describedby="pw-end-text">
      <h2 id="pw-end-title">End this conversation?</h2>
      <p id="pw-end-text">The agent will see that you left. You can start a new conversation afterwards.</p>
      <div class="actions">
        <button #keepButton type="button" class="secondary" (click)="keep.emit()">Keep chatting</button>
        <button type="button" class="danger" (click)="end.emit()">End chat</button>
      </div>
    </div>
  `,
})
export class ConfirmEndComponent {
  readonly end = output<void>();
  readonly keep = output<void>();
  private readonly keepButton = viewChild.required<ElementRef<HTMLButtonElement>>('keepButton');

  constructor() {
    afterNextRender(() => this.keepButton().nativeElement.focus());
  }

  /** Escape answers the dialog, and goes no further (it would hide the popup). */
  protected escape(event: Event): void {
    event.stopPropagation();
    this.keep.emit();
  }
}
