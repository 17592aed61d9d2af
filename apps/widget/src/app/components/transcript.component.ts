import { afterRenderEffect, ChangeDetectionStrategy, Component, type ElementRef, input, output, viewChild } from '@angular/core';
import type { Message } from '@parley/contracts';
import type { OutgoingMessage } from '@parley/realtime-client';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The conversation: stored messages in seq order, then the visitor's messages still on their way.
 * Every text is interpolated, so Angular writes it as text: an agent's `<b>` stays visible as `<b>`.
 * Names and bodies take their direction from their own text (`dir="auto"`) and are isolated, so
 * right-to-left text or a stray U+202E in them cannot reorder the words around them.
 */
@Component({
  selector: 'pw-transcript',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol class="log" #log aria-live="polite" aria-label="Conversation">
      @for (m of messages(); track m.seq) {
        @if (m.authorType === 'system') {
          <li class="sys">{{ m.body }}</li>
        } @else {
          <li class="msg" [class.me]="m.authorType === 'visitor'" [attr.data-seq]="m.seq">
            @if (m.authorType !== 'visitor') {
              <span class="who" dir="auto">{{ m.authorName ?? 'Support' }}</span>
            }
            <p class="body" dir="auto">{{ m.body }}</p>
            <time [attr.datetime]="m.createdAt">{{ time(m.createdAt) }}</time>
          </li>
        }
      }
      @for (o of outgoing(); track o.clientMsgId) {
        <li class="msg me out" [class.failed]="o.state === 'failed'">
          <p class="body" dir="auto">{{ o.body }}</p>
          @if (o.state === 'failed') {
            <span class="state">Not sent. <button type="button" class="link" (click)="retry.emit(o.clientMsgId)">Try again</button></span>
          } @else {
            <span class="state">Sending…</span>
          }
        </li>
      }
    </ol>
    @if (typing()) {
      <p class="typing" role="status"><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span><span class="name" dir="auto">{{ typing() }}</span> is typing…</p>
    }
  `,
})
export class TranscriptComponent {
  readonly messages = input.required<readonly Message[]>();
  readonly outgoing = input<readonly OutgoingMessage[]>([]);
  /** The agent's name while it types. */
  readonly typing = input<string | null>(null);
  readonly retry = output<string>();

  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');

  constructor() {
    // Keep the newest line in view as messages arrive.
    afterRenderEffect(() => {
      this.messages();
      this.outgoing();
      this.typing();
      const el = this.log().nativeElement.parentElement;
      if (el) el.scrollTop = el.scrollHeight;
    });
  }

  protected time(iso: string): string {
    return TIME.format(new Date(iso));
  }
}
