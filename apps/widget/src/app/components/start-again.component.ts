import { ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';
import type { VisitorDetails } from '../visitor-storage';

/** After a conversation: another one, with the details already known. */
@Component({
  selector: 'pw-start-again',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="again" aria-labelledby="pw-again-title">
      @if (identified() && !notice()) {
        <h1 id="pw-again-title">Hi{{ known() ? ', ' + known()!.name : '' }}!</h1>
        <p>How can we help?</p>
      } @else {
        <h1 id="pw-again-title">Welcome back{{ known() ? ', ' + known()!.name : '' }}!</h1>
        <p>{{ notice() ?? 'Your previous conversation has ended.' }} Do you need anything else?</p>
      }
      @if (error()) {
        <p class="problem" role="alert">{{ error() }}</p>
      }
      <button #startButton type="button" class="primary" [disabled]="busy()" (click)="start.emit()">Start a new conversation</button>
      <!-- The site said who this is: there are no details to change. -->
      @if (!identified() && known(); as k) {
        <p class="as">
          As {{ k.name }} ({{ k.email }}).
          <button type="button" class="link" (click)="edit.emit()">Not you? Change details</button>
        </p>
      }
    </section>
  `,
})
export class StartAgainComponent {
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
