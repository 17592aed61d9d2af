import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ChatStatusComponent } from './components/chat-status.component';
import { ComposerComponent } from './components/composer.component';
import { ConfirmEndComponent } from './components/confirm-end.component';
import { DetailsFormComponent } from './components/details-form.component';
import { StartAgainComponent } from './components/start-again.component';
import { TranscriptComponent } from './components/transcript.component';
import { WidgetStore } from './widget.store';

/** The widget app's one container: it reads the store and hands plain values to the components. */
@Component({
  selector: 'pw-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [WidgetStore],
  imports: [ChatStatusComponent, ComposerComponent, ConfirmEndComponent, DetailsFormComponent, StartAgainComponent, TranscriptComponent],
  host: { '[style.--accent]': 'store.color()', '[attr.data-view]': 'store.view()' },
  template: `
    @switch (store.view()) {
      @case ('loading') {
        <p class="loading" role="status">Loading…</p>
      }
      @case ('blocked') {
        <p class="blocked" role="alert">This chat cannot be shown on this page.</p>
      }
      @case ('details') {
        <pw-details-form
          [initial]="store.known()"
          [busy]="store.busy()"
          [error]="store.error()"
          [notice]="store.notice()"
          (submitted)="store.submitDetails($event)"
        />
      }
      @case ('again') {
        <pw-start-again
          [known]="store.known()"
          [notice]="store.closedNotice()"
          [busy]="store.busy()"
          [error]="store.error()"
          (start)="store.startNew()"
          (edit)="store.editDetails()"
        />
      }
      @case ('chat') {
        @if (store.thread(); as thread) {
          <pw-chat-status
            [status]="thread.status"
            [agentName]="store.agentName()"
            [waiting]="store.waiting()"
            [connection]="store.connection()"
            (end)="store.requestEnd()"
          />
          <div class="scroll">
            <pw-transcript [messages]="store.messages()" [outgoing]="store.outgoing()" [typing]="store.agentTyping()" (retry)="store.retry($event)" />
          </div>
          @if (store.closedNotice(); as notice) {
            <div class="closed" role="status">
              <p>{{ notice }}</p>
              <button type="button" class="primary" [disabled]="store.busy()" (click)="store.startNew()">Start a new conversation</button>
            </div>
          } @else {
            <pw-composer (sent)="store.send($event)" (typing)="store.typed()" />
          }
          @if (store.error()) {
            <p class="problem footer-problem" role="alert">{{ store.error() }}</p>
          }
        }
      }
    }
    @if (store.confirming()) {
      <pw-confirm-end (end)="store.confirmEnd()" (keep)="store.cancelEnd()" />
    }
  `,
})
export class AppComponent {
  protected readonly store = inject(WidgetStore);

  constructor() {
    void this.store.init();
  }
}
