import { afterRenderEffect, ChangeDetectionStrategy, Component, computed, DOCUMENT, effect, inject, untracked, viewChild } from '@angular/core';
import { ChatStatusComponent } from './components/chat-status.component';
import { ComposerComponent } from './components/composer.component';
import { ConfirmEndComponent } from './components/confirm-end.component';
import { DetailsFormComponent } from './components/details-form.component';
import { RatingComponent } from './components/rating.component';
import { StartAgainComponent } from './components/start-again.component';
import { TranscriptComponent } from './components/transcript.component';
import { ConversationStore } from './conversation.store';
import { HostStore } from './host.store';
import { I18n } from './i18n/i18n';
import { SessionStore } from './session.store';
import { WidgetFiles } from './widget-files';

/** The widget app's one container: it reads the stores and hands plain values to the components. */
@Component({
  selector: 'pw-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [SessionStore, ConversationStore, HostStore],
  imports: [ChatStatusComponent, ComposerComponent, ConfirmEndComponent, DetailsFormComponent, RatingComponent, StartAgainComponent, TranscriptComponent],
  host: {
    '[style.--accent]': 'session.color()',
    '[attr.data-view]': 'view()',
    '[attr.lang]': 'i18n.locale()',
    '[attr.dir]': 'i18n.dir()',
    '(document:keydown.escape)': 'host.hide()',
  },
  template: `
    @if (session.linkResult(); as result) {
      <p class="link-result" role="status" data-testid="link-result">{{ result }}</p>
    }
    @switch (view()) {
      @case ('loading') {
        <p class="loading" role="status">{{ t().loading }}</p>
      }
      @case ('blocked') {
        <p class="blocked" role="alert">{{ t().blocked }}</p>
      }
      @case ('link') {
        <div class="blocked link-invalid" role="alert" data-testid="link-invalid">
          <p><strong>{{ t().linkInvalid }}</strong></p>
          <p>{{ t().linkInvalidWhy }}</p>
          <button type="button" class="primary" (click)="session.leaveLink()">{{ t().continueToChat }}</button>
        </div>
      }
      @case ('identity') {
        <p class="blocked" role="alert">{{ t().identityRequired }}</p>
      }
      @case ('details') {
        @if (session.closed()?.whenClosed === 'hide') {
          <div class="details">
            <h1>{{ t().weAreClosed }}</h1>
            <p class="closed-message" role="status" dir="auto">{{ session.closed()?.message }}</p>
          </div>
        } @else {
          <pw-details-form
            [initial]="session.known()"
            [busy]="session.busy()"
            [error]="session.error()"
            [notice]="session.notice()"
            [greeted]="session.greeting().length > 0"
            [closed]="session.closed()"
            (submitted)="session.submitDetails($event)"
          />
        }
      }
      @case ('again') {
        @if (session.reading(); as r) {
          <div class="reading">
            <button type="button" class="link back" (click)="session.stopReading()">{{ t().allConversations }}</button>
            <p class="reading-title">{{ t().conversationOf(day(r.thread.createdAt)) }}</p>
          </div>
          <pw-transcript [messages]="r.messages" [shown]="host.visible()" [greeting]="session.greeting()" [from]="session.title()" />
        } @else {
          <pw-start-again
            [known]="session.known()"
            [notice]="conversation.closedNotice()"
            [identified]="session.identified()"
            [busy]="session.busy()"
            [error]="session.error()"
            (start)="session.startNew()"
            (edit)="session.editDetails()"
          />
          @if (conversation.thread()?.status === 'closed') {
            <div class="again-rating">
              <pw-rating
                [rating]="conversation.thread()?.rating ?? null"
                [busy]="conversation.rating().busy"
                [error]="conversation.rating().error"
                (rated)="conversation.rate($event.score, $event.comment)"
              />
              <div class="email-transcript">
                <button type="button" class="link" data-testid="email-transcript" [disabled]="conversation.transcript().busy" (click)="conversation.requestTranscript()">{{ t().emailTranscript }}</button>
                @if (conversation.transcript().message; as m) {
                  <p [attr.role]="conversation.transcript().error ? 'alert' : 'status'" [class.problem]="conversation.transcript().error">{{ m }}</p>
                }
              </div>
            </div>
          }
          @if (session.earlier().length) {
            <section class="earlier" aria-labelledby="pw-earlier-title">
              <h2 id="pw-earlier-title">{{ t().earlierTitle }}</h2>
              <ul>
                @for (th of session.earlier(); track th.id) {
                  <li>
                    <button type="button" class="earlier-item" [disabled]="session.busy()" (click)="session.readEarlier(th)">
                      <span class="when">{{ day(th.createdAt) }}</span>
                      <span class="what" dir="auto">{{ th.lastMessage?.body ?? th.preview ?? t().noMessages }}</span>
                    </button>
                  </li>
                }
              </ul>
            </section>
          }
        }
      }
      @case ('chat') {
        @if (conversation.thread(); as thread) {
          <pw-chat-status
            [status]="thread.status"
            [agentName]="conversation.agentName()"
            [waiting]="conversation.waiting()"
            [queue]="conversation.queuePosition()"
            [connection]="conversation.connection()"
            [online]="conversation.online()"
            (end)="host.requestEnd()"
          />
          <pw-transcript
            [messages]="conversation.messages()"
            [outgoing]="conversation.outgoing()"
            [typing]="conversation.agentTyping()"
            [shown]="host.visible()"
            [cut]="conversation.cut()"
            [greeting]="session.greeting()"
            [from]="session.title()"
            [waiting]="thread.status === 'queued'"
            (retry)="conversation.retry($event)"
          />
          @if (conversation.closedNotice(); as notice) {
            <div class="closed" role="status">
              <p>{{ notice }}</p>
              <button type="button" class="primary" [disabled]="session.busy()" (click)="session.startNew()">{{ t().startNew }}</button>
              <pw-rating
                [rating]="thread.rating"
                [busy]="conversation.rating().busy"
                [error]="conversation.rating().error"
                (rated)="conversation.rate($event.score, $event.comment)"
              />
              <div class="email-transcript">
                <button type="button" class="link" data-testid="email-transcript" [disabled]="conversation.transcript().busy" (click)="conversation.requestTranscript()">{{ t().emailTranscript }}</button>
                @if (conversation.transcript().message; as m) {
                  <p [attr.role]="conversation.transcript().error ? 'alert' : 'status'" [class.problem]="conversation.transcript().error">{{ m }}</p>
                }
              </div>
            </div>
          } @else {
            <pw-composer [slowDown]="conversation.slowDown()" [uploader]="uploader()" (sent)="conversation.send($event.body, $event.attachments)" (typing)="conversation.typed()" />
          }
          @if (session.error()) {
            <p class="problem footer-problem" role="alert">{{ session.error() }}</p>
          }
        }
      }
    }
    @if (host.confirming()) {
      <pw-confirm-end (end)="host.confirmEnd()" (keep)="host.cancelEnd()" />
    }
  `,
})
export class AppComponent {
  protected readonly session = inject(SessionStore);
  protected readonly conversation = inject(ConversationStore);
  protected readonly host = inject(HostStore);
  protected readonly i18n = inject(I18n);
  protected readonly t = this.i18n.t;
  /** Until the visitor's language is settled and its texts are loaded, the app says it is loading (no flash of English). */
  protected readonly view = computed(() => (this.i18n.ready() ? this.session.view() : 'loading'));
  private readonly doc = inject(DOCUMENT);
  private readonly files = inject(WidgetFiles);
  /** The thread files go to while it is open: an id, so a claim or any other change of the thread keeps the composer's files. */
  private readonly uploadThread = computed(() => (this.conversation.open() ? (this.conversation.thread()?.id ?? null) : null));
  protected readonly uploader = computed(() => {
    const id = this.uploadThread();
    return id ? this.files.uploaderFor(id) : null;
  });
  private readonly details = viewChild(DetailsFormComponent);
  private readonly composer = viewChild(ComposerComponent);
  private readonly again = viewChild(StartAgainComponent);
  protected readonly day = (iso: string) => this.i18n.day(iso);

  constructor() {
    void this.session.init();
    // The whole page (scrollbars, form controls) in the visitor's language and direction.
    effect(() => {
      this.doc.documentElement.lang = this.i18n.locale();
      this.doc.documentElement.dir = this.i18n.dir();
    });
    // The keyboard goes where the visitor goes next: the form, the message box, "Start a new
    // conversation"; each time the popup opens and each time the screen changes. Only when this
    // frame has the focus already (the loader gives it on a click): never taken from the host page.
    afterRenderEffect(() => {
      if (!this.host.visible() || this.host.confirming()) return;
      const target = this.composer() ?? this.details() ?? this.again();
      if (target && this.doc.hasFocus()) untracked(() => target.focus());
    });
  }
}
