import { afterNextRender, ChangeDetectionStrategy, Component, type ElementRef, output, viewChild } from '@angular/core';

/** "End this conversation?": asked before the popup's close button ends the thread. */
@Component({
  selector: 'pw-confirm-end',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'overlay', '(keydown.escape)': 'keep.emit()' },
  template: `
    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="pw-end-title" aria-describedby="pw-end-text">
      <h2 id="pw-end-title">End this conversation?</h2>
      <p id="pw-end-text">The agent will see that you left. You can start a new conversation afterwards.</p>
      <div class="actions">
        <button type="button" class="secondary" (click)="keep.emit()">Keep chatting</button>
        <button #endButton type="button" class="danger" (click)="end.emit()">End chat</button>
      </div>
    </div>
  `,
})
export class ConfirmEndComponent {
  readonly end = output<void>();
  readonly keep = output<void>();
  private readonly endButton = viewChild.required<ElementRef<HTMLButtonElement>>('endButton');

  constructor() {
    afterNextRender(() => this.endButton().nativeElement.focus());
  }
}
