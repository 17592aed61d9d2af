import { afterNextRender, ChangeDetectionStrategy, Component, inject, type ElementRef, output, viewChild } from '@angular/core';
import { I18n } from '../i18n/i18n';

/** "End this conversation?": asked before "End chat" ends the thread. "Keep chatting", the safe answer, has the focus. */
@Component({
  selector: 'pw-confirm-end',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'overlay', '(keydown.escape)': 'escape($event)' },
  template: `
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="pw-end-title" aria-describedby="pw-end-text">
      <h2 id="pw-end-title">{{ t().endTitle }}</h2>
      <p id="pw-end-text">{{ t().endText }}</p>
      <div class="actions">
        <button #keepButton type="button" class="secondary" (click)="keep.emit()">{{ t().keepChatting }}</button>
        <button type="button" class="danger" (click)="end.emit()">{{ t().endChat }}</button>
      </div>
    </div>
  `,
})
export class ConfirmEndComponent {
  protected readonly t = inject(I18n).t;
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
