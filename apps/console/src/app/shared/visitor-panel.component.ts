import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Thread, VisitorContext } from '@parley/contracts';
import { formatDateTime, formatElapsed, formatTime } from '../core/time/clock';
import { AvatarComponent } from './avatar.component';
import { StatusChipComponent } from './status-chip.component';
import { nameAndVersion, presenceText, zoneClock } from './visitor-context';

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
    @if (context(); as c) {
      <section class="context" aria-labelledby="visitor-context-title">
        <h3 id="visitor-context-title">On the site</h3>
        <dl class="facts">
          <div><dt>Presence</dt><dd class="presence" [class.online]="c.online">{{ presence() }}</dd></div>
          <div>
            <dt>Current page</dt>
            <dd class="current-page">
              @if (c.pages[0]; as p) {
                <!-- Titles and addresses are the site's: text only, and the link gives the site neither this page nor a handle on it. -->
                <a [href]="p.url" target="_blank" rel="noopener noreferrer" dir="auto" [title]="p.url">{{ p.title || p.url }}</a>
              } @else {
                <span class="muted">Not known yet</span>
              }
            </dd>
          </div>
          <div><dt>Browser</dt><dd class="browser">{{ browser() }}</dd></div>
          <div><dt>System</dt><dd class="os">{{ os() }}</dd></div>
          <div><dt>Local time</dt><dd class="local-time tabular">{{ localTime() }}</dd></div>
          @if (c.ip !== undefined) {
            <div><dt>IP address</dt><dd class="ip">{{ c.ip ?? 'Unknown' }}</dd></div>
          }
        </dl>
        @if (c.pages.length > 0) {
          <details class="pages">
            <summary>Pages seen in this visit ({{ c.pages.length }})</summary>
            <ol>
              @for (p of c.pages; track $index) {
                <li>
                  <a [href]="p.url" target="_blank" rel="noopener noreferrer" dir="auto" [title]="p.url">{{ p.title || p.url }}</a>
                  <span class="at">{{ time(p.at) }}</span>
                </li>
              }
            </ol>
          </details>
        }
      </section>
    }
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
  /** Where the visitor is (agents' thread view only); null hides the section. */
  readonly context = input<VisitorContext | null>(null);

  protected readonly dateTime = formatDateTime;
  protected readonly time = formatTime;
  protected readonly presence = computed(() => {
    const c = this.context();
    return c ? presenceText(c, this.now()) : '';
  });
  protected readonly browser = computed(() => nameAndVersion(this.context()?.browser ?? null) + (this.context()?.device ? ` (${this.context()?.device})` : ''));
  protected readonly os = computed(() => nameAndVersion(this.context()?.os ?? null));
  private readonly clock = computed(() => zoneClock(this.context()?.timeZone ?? null));
  /** Ticks with `now`, in the visitor's own zone. */
  protected readonly localTime = computed(() => {
    const clock = this.clock();
    return clock ? `${clock.format(this.now())} (${this.context()?.timeZone})` : 'Unknown';
  });
  protected readonly waited = computed(() => formatElapsed(this.thread().createdAt, this.now()));
  protected readonly closedBy = computed(() => {
    const by = this.thread().closedBy;
    if (!by) return '';
    if (by.type === 'visitor') return ' by the visitor';
    if (by.type === 'agent') return by.id === this.thread().assignedAgent?.id ? ` by ${this.thread().assignedAgent?.name}` : ' by an agent';
    return by.type === 'integration' ? ' by an integration' : '';
  });
}
