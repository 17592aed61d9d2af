import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MentionsStore } from '../../core/mentions/mentions.store';
import { formatDateTime } from '../../core/time/clock';
import { IconComponent } from '../../shared/icon.component';

/** Mentions: the private notes in which another agent wrote `@` and this agent's name, unread first. */
@Component({
  selector: 'app-mentions-page',
  imports: [IconComponent, RouterLink],
  template: `
    <section class="page" aria-labelledby="mentions-title">
      <h1 id="mentions-title">Mentions</h1>
      <p class="lead">Private notes in which another agent mentioned you. Visitors never see notes.</p>
      @if (store.mentions().length === 0) {
        <p class="empty">{{ store.loaded() ? 'Nobody has mentioned you yet.' : 'Loading…' }}</p>
      } @else {
        <ul class="list" aria-label="Mentions">
          @for (m of store.mentions(); track m.id) {
            <li class="mention" [class.unread]="!m.readAt" data-testid="mention">
              <div class="meta">
                @if (!m.readAt) { <span class="dot" aria-hidden="true"></span><span class="sr-only">Unread: </span> }
                <strong dir="auto">{{ m.note.authorName ?? 'An agent' }}</strong> in the conversation with <span dir="auto">{{ m.visitorName }}</span>
                · <time [attr.datetime]="m.note.createdAt">{{ dateTime(m.note.createdAt) }}</time>
              </div>
              <p class="body" dir="auto">{{ m.note.body }}</p>
              <div class="actions">
                <a class="btn btn-small" [routerLink]="['/queue', m.threadId]" (click)="store.markRead(m.id)">Open the conversation</a>
                @if (!m.readAt) {
                  <button type="button" class="btn btn-small btn-ghost" (click)="store.markRead(m.id)"><app-icon name="check" [size]="14" /> Mark read</button>
                }
              </div>
            </li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    :host { display: block; overflow-y: auto; height: 100%; }
    .page { max-width: 760px; margin: 0 auto; padding: 24px; }
    h1 { font-size: 22px; margin: 0 0 4px; }
    .lead, .empty { color: var(--text-secondary); }
    .list { list-style: none; margin: 16px 0 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
    .mention { border: 1px solid var(--border); border-radius: 10px; padding: 12px 14px; background: var(--surface); }
    .mention.unread { border-color: #b45309; background: #fffbeb; }
    .meta { font-size: 13px; color: var(--text-secondary); display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: #b45309; display: inline-block; }
    .body { margin: 6px 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; color: var(--text); }
    .actions { display: flex; gap: 8px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MentionsPage {
  protected readonly store = inject(MentionsStore);
  protected readonly dateTime = formatDateTime;
}
