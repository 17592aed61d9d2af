import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Thread } from '@parley/contracts';
import { formatElapsed, formatTime } from '../../core/time/clock';
import type { LatestMessage } from '../../core/inbox/inbox.store';
import { AvatarComponent } from '../../shared/avatar.component';
import { IconComponent } from '../../shared/icon.component';
import { TagChipsComponent } from '../../shared/tag-chips.component';

export type ListKind = 'queue' | 'mine' | 'all';

const LIST_LABEL: Record<ListKind, string> = { queue: 'Waiting visitors', mine: 'My conversations', all: 'All open conversations' };

/** The queue, the agent's threads or every open one: who, what was said last, how long they have waited, who has it. */
@Component({
  selector: 'app-thread-list',
  imports: [AvatarComponent, IconComponent, RouterLink, TagChipsComponent],
  template: `
    <ul class="list" [attr.aria-label]="label()">
      @for (t of threads(); track t.id) {
        <li class="item" [class.selected]="t.id === selectedId()" data-testid="thread-item" [attr.data-thread-id]="t.id">
          <a class="link" [routerLink]="['/', kind(), t.id]" [attr.aria-current]="t.id === selectedId() ? 'page' : null">
            <app-avatar [name]="t.visitor.name" [size]="36" />
            <span class="body">
              <span class="line">
                <span class="name" dir="auto">{{ t.visitor.name }}</span>
                @if (kind() === 'queue') {
                  <span class="waited" [attr.aria-label]="'waiting ' + elapsed(t.createdAt)">
                    <app-icon name="clock" [size]="12" /> {{ elapsed(t.createdAt) }}
                  </span>
                } @else if (kind() === 'all') {
                  @if (t.assignedAgent; as agent) {
                    <span class="assignee" data-testid="assignee" dir="auto">{{ agent.name }}</span>
                  } @else {
                    <span class="assignee waiting" data-testid="assignee">Waiting · {{ elapsed(t.createdAt) }}</span>
                  }
                } @else {
                  <span class="side">
                    @if (latest()[t.id]; as last) { <time class="time" [attr.datetime]="last.createdAt">{{ time(last.createdAt) }}</time> }
                    @if (unread()[t.id]) {
                      <span class="unread" [attr.aria-label]="unread()[t.id] + ' unread'">{{ unread()[t.id] }}</span>
                    }
                  </span>
                }
              </span>
              <span class="email" dir="auto">{{ t.visitor.email }}</span>
              @if (t.createdWhileClosed) {
                <span class="while-closed" data-testid="while-closed">Arrived while closed</span>
              }
              @if (kind() !== 'queue' && latest()[t.id]; as last) {
                <span class="preview" data-testid="thread-preview" [class.strong]="unread()[t.id]">{{ last.byMe ? 'You: ' : '' }}<span class="text" dir="auto">{{ last.body }}</span></span>
              } @else {
                <span class="preview" data-testid="thread-preview" [class.none]="!t.preview" [class.beside-button]="kind() === 'queue'" [attr.dir]="t.preview ? 'auto' : null">{{ t.preview ?? 'No message yet' }}</span>
              }
              <app-tag-chips [tags]="t.tags" />
            </span>
          </a>
          @if (kind() === 'queue') {
            <button type="button" class="btn btn-primary btn-small claim" (click)="claim.emit(t.id)"
              [disabled]="claiming() === t.id" [attr.aria-label]="'Claim conversation with ' + t.visitor.name">
              {{ claiming() === t.id ? 'Claiming…' : 'Claim' }}
            </button>
          }
        </li>
      } @empty {
        <li class="empty">
          <app-icon [name]="kind() === 'queue' ? 'inbox' : 'chat'" [size]="28" />
          <span>{{ emptyText() }}</span>
        </li>
      }
    </ul>
  `,
  styleUrl: './thread-list.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadListComponent {
  readonly threads = input.required<readonly Thread[]>();
  readonly kind = input.required<ListKind>();
  readonly now = input.required<number>();
  readonly unread = input<Readonly<Record<string, number>>>({});
  readonly latest = input<Readonly<Record<string, LatestMessage>>>({});
  readonly selectedId = input<string | null>(null);
  readonly claiming = input<string | null>(null);
  readonly claim = output<string>();

  protected readonly time = formatTime;
  protected readonly label = computed(() => LIST_LABEL[this.kind()]);
  protected readonly emptyText = computed(() => {
    switch (this.kind()) {
      case 'queue':
        return 'Nobody is waiting. New visitors appear here.';
      case 'mine':
        return 'No open conversations. Claim one from the queue.';
      default:
        return 'No open conversations right now.';
    }
  });

  protected elapsed(from: string): string {
    return formatElapsed(from, this.now());
  }
}
