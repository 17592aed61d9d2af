import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Thread } from '@parley/contracts';
import { formatDateTime, formatElapsed } from '../core/time/clock';
import { AvatarComponent } from './avatar.component';
import { StatusChipComponent } from './status-chip.component';

/** Who the visitor is and where the conversation stands. */
@Component({
  selector: 'app-visitor-panel',
  imports: [AvatarComponent, RouterLink, StatusChipComponent],
  template: `
    @let t = thread();
    <div class="who">
      <app-avatar [name]="t.visitor.name" [size]="48" />
      <div class="who-text">
        <h2 class="name" dir="auto">{{ t.visitor.name }}</h2>
        <a class="email" dir="auto" [href]="'mailto:' + t.visitor.email">{{ t.visitor.email }}</a>
      </div>
    </div>
    <dl class="facts">
      <div><dt>Status</dt><dd><app-status-chip [status]="t.status" /></dd></div>
      <div><dt>Started</dt><dd>{{ dateTime(t.createdAt) }}</dd></div>
      @if (t.status === 'queued') {
        <div><dt>Waiting for</dt><dd class="tabular">{{ waited() }}</dd></div>
      }
      <div><dt>Assigned to</dt><dd><span class="agent-name" [attr.dir]="t.assignedAgent ? 'auto' : null">{{ t.assignedAgent?.name ?? 'Nobody yet' }}</span></dd></div>
      @if (t.closedAt) {
        <div><dt>Closed</dt><dd>{{ dateTime(t.closedAt) }}{{ closedBy() }}</dd></div>
      }
      <div><dt>Messages</dt><dd class="tabular">{{ messageCount() ?? t.lastSeq }}</dd></div>
    </dl>
    <section class="history" aria-labelledby="visitor-earlier-title">
      <h3 id="visitor-earlier-title">Earlier conversations</h3>
      @if (history().length === 0) {
        <p class="muted">None with this email.</p>
      } @else {
        <ul>
          @for (h of history(); track h.id) {
            <li>
              <a [routerLink]="['/closed', h.id]">
                <span class="h-date">{{ dateTime(h.createdAt) }}</span>
                <span class="h-preview" [attr.dir]="h.preview ? 'auto' : null">{{ h.preview ?? 'No message' }}</span>
              </a>
            </li>
          }
        </ul>
      }
    </section>
  `,
  styleUrl: './visitor-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VisitorPanelComponent {
  readonly thread = input.required<Thread>();
  readonly history = input<readonly Thread[]>([]);
  readonly now = input.required<number>();
  /** Messages in the transcript on screen (the thread's lastSeq is only as fresh as its last update). */
  readonly messageCount = input<number | null>(null);

  protected readonly dateTime = formatDateTime;
  protected readonly waited = computed(() => formatElapsed(this.thread().createdAt, this.now()));
  protected readonly closedBy = computed(() => {
    const by = this.thread().closedBy;
    if (!by) return '';
    if (by.type === 'visitor') return ' by the visitor';
    if (by.type === 'agent') return by.id === this.thread().assignedAgent?.id ? ` by ${this.thread().assignedAgent?.name}` : ' by an agent';
    return by.type === 'integration' ? ' by an integration' : '';
  });
}
