import { ChangeDetectionStrategy, Component, inject, input, output } from '@angular/core';
import type { ThreadStatus } from '@parley/contracts';
import type { ConnectionState } from '@parley/realtime-client';
import { I18n } from '../i18n/i18n';

/** Above the transcript: who the visitor talks to, or how long it has waited; and the connection when it is lost (the browser offline, or the socket gone). */
@Component({
  selector: 'pw-chat-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!online()) {
      <p class="banner offline" role="status">{{ t().offline }}</p>
    } @else if (connection() === 'reconnecting') {
      <p class="banner offline" role="status">{{ t().reconnecting }}</p>
    }
    @switch (status()) {
      @case ('queued') {
        <div class="status waiting" role="status">
          <span class="pulse" aria-hidden="true"></span>
          <span>{{ t().waitingForAgent }}</span>
          <time class="wait" [attr.aria-label]="t().timeWaiting">{{ waiting() }}</time>
          <button type="button" class="link end" (click)="end.emit()">{{ t().endChat }}</button>
        </div>
        @if (queue(); as q) {
          <p class="queue" data-testid="queue-position" role="status">
            {{ q.position === 1 ? t().nextInQueue : t().placeInQueue(q.position) }}
            @if (q.estimateSeconds !== null) { {{ t().estimatedWait(estimate(q.estimateSeconds)) }} }
          </p>
        }
      }
      @case ('active') {
        <div class="status agent">
          <span class="avatar" aria-hidden="true">{{ (agentName() ?? '?').charAt(0) }}</span>
          <span>{{ t().chattingWith }} <strong class="agent-name" dir="auto">{{ agentName() }}</strong></span>
          <button type="button" class="link end" (click)="end.emit()">{{ t().endChat }}</button>
        </div>
      }
    }
  `,
})
export class ChatStatusComponent {
  private readonly i18n = inject(I18n);
  protected readonly t = this.i18n.t;
  readonly status = input.required<ThreadStatus>();
  readonly agentName = input<string | null>(null);
  readonly waiting = input<string | null>(null);
  /** The place in the queue and the wait estimate while waiting (null: not told yet). */
  readonly queue = input<{ position: number; estimateSeconds: number | null } | null>(null);
  readonly connection = input<ConnectionState>('idle');
  /** The browser's own word on the network, which comes at once. */
  readonly online = input(true);
  readonly end = output<void>();

  /** "about 4 minutes" in English; in the visitor's language, the minutes as `Intl` writes them. */
  protected estimate(seconds: number): string {
    const minutes = Math.max(1, Math.round(seconds / 60));
    const locale = this.i18n.locale();
    if (locale === 'en') return seconds < 60 ? 'under a minute' : minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
    return `~${new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(minutes)}`;
  }
}
