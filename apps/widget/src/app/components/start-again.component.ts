import { ChangeDetectionStrategy, Component, inject, type ElementRef, input, output, viewChild } from '@angular/core';
import type { VisitorDetails } from '../visitor-storage';
import { I18n } from '../i18n/i18n';

/** After a conversation: another one, with the details already known. */
@Component({
  selector: 'pw-start-again',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="again" aria-labelledby="pw-again-title">
      @if (identified() && !notice()) {
        <h1 id="pw-again-title">{{ t().hi(known()?.name ?? null) }}</h1>
        <p>{{ t().howCanWeHelp }}</p>
      } @else {
        <h1 id="pw-again-title">{{ t().welcomeBack(known()?.name ?? null) }}</h1>
        <p>{{ notice() ?? t().previousEnded }} {{ t().anythingElse }}</p>
      }
      @if (error()) {
        <p class="problem" role="alert">{{ error() }}</p>
      }
      <button #startButton type="button" class="primary" [disabled]="busy()" (click)="start.emit()">{{ t().startNew }}</button>
      <!-- The site said who this is: there are no details to change. -->
      @if (!identified() && known(); as k) {
        <p class="as">
          {{ t().as(k.name, k.email) }}
          <button type="button" class="link" (click)="edit.emit()">{{ t().notYou }}</button>
        </p>
      }
    </section>
  `,
})
export class StartAgainComponent {
  protected readonly t = inject(I18n).t;
  readonly known = input<VisitorDetails | null>(null);
  readonly notice = input<string | null>(null);
  /** The site identified the visitor (a signed identity token). */
  readonly identified = input(false);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly start = output<void>();
  readonly edit = output<void>();
  private readonly startButton = viewChild.required<ElementRef<HTMLButtonElement>>('startButton');

  focus(): void {
    this.startButton().nativeElement.focus();
  }
}
