import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { describeError } from '../../core/api/api-error';
import { SessionStore } from '../../core/session/session.store';
import { TagsStore } from '../../core/tags/tags.store';
import { ToastStore } from '../../core/ui/toast.store';
import { ThreadTagsComponent } from '../../shared/thread-tags.component';
import { Clock, formatDateTime } from '../../core/time/clock';
import { closedByName } from '../../shared/closed-by';
import { IconComponent } from '../../shared/icon.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TranscriptComponent } from '../../shared/transcript.component';
import { VisitorPanelComponent } from '../../shared/visitor-panel.component';
import { HistoryStore } from './history.store';

/** A closed thread's transcript, read-only. */
@Component({
  selector: 'app-history-thread-page',
  imports: [IconComponent, StatusChipComponent, ThreadTagsComponent, TranscriptComponent, VisitorPanelComponent],
  template: `
    @if (store.thread(); as t) {
      <section class="thread" aria-labelledby="closed-thread-title">
        <header class="thread-header">
          <div>
            <h1 id="closed-thread-title" class="title" dir="auto">{{ t.visitor.name }}</h1>
            <p class="subtitle"><span class="email" dir="auto">{{ t.visitor.email }}</span> <app-status-chip [status]="t.status" />
              @if (t.closedAt) {
                <span class="closed-by" data-testid="closed-by">Closed by <span class="agent-name" dir="auto">{{ closedBy() }}</span>
                  · <time [attr.datetime]="t.closedAt">{{ dateTime(t.closedAt) }}</time></span>
              }
              @if (t.rating; as r) {
                <span class="rating" data-testid="thread-rating">Rated <strong>{{ r.score }} out of 5</strong>@if (r.comment) { · “<span dir="auto">{{ r.comment }}</span>”}</span>
              }
            </p>
            <app-thread-tags [threadId]="t.id" [tags]="t.tags" [allTags]="tags.tags()" [busy]="tagging()" (add)="setTag($event, true)" (remove)="setTag($event, false)" />
          </div>
        </header>
        <div class="thread-body">
          <div class="conversation">
            @if (store.transcriptError(); as e) {
              <p class="error" role="alert">{{ e }}</p>
            } @else {
              <app-transcript [messages]="store.messages() ?? []" [meId]="meId()" [visitorName]="t.visitor.name" [loading]="store.messages() === null" [highlight]="store.q() || null" [highlightWords]="store.words()" />
            }
            <div class="read-only">This conversation is closed.</div>
          </div>
          <section class="details" aria-label="Visitor details">
            <app-visitor-panel [thread]="t" [now]="now()" />
          </section>
        </div>
      </section>
    } @else if (store.transcriptError(); as e) {
      <div class="state-message" role="alert"><app-icon name="alert" [size]="28" /><p>{{ e }}</p></div>
    } @else {
      <div class="state-message"><p>Loading…</p></div>
    }
  `,
  styleUrl: '../thread/thread.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryThreadPage {
  readonly threadId = input.required<string>();
  protected readonly store = inject(HistoryStore);
  protected readonly tags = inject(TagsStore);
  private readonly toasts = inject(ToastStore);
  protected readonly tagging = signal(false);
  protected readonly now = inject(Clock).now;
  private readonly session = inject(SessionStore);
  protected readonly meId = computed(() => this.session.agent()?.id ?? null);
  protected readonly dateTime = formatDateTime;
  protected readonly closedBy = computed(() => {
    const t = this.store.thread();
    return t ? closedByName(t) : null;
  });

  constructor() {
    effect(() => {
      const id = this.threadId();
      untracked(() => void this.store.open(id));
    });
    this.tags.load().catch(() => undefined);
  }

  protected async setTag(tagId: string, on: boolean): Promise<void> {
    if (!tagId) return;
    this.tagging.set(true);
    try {
      await this.store.setTag(tagId, on);
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.tagging.set(false);
    }
  }
}
