import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';
import { ShortcutsService } from '../../core/shortcuts/shortcuts.service';
import { Clock } from '../../core/time/clock';
import { ToastStore } from '../../core/ui/toast.store';
import { InboxStore } from '../../core/inbox/inbox.store';
import { ApiClient } from '../../core/api/api-client';
import type { Team } from '@parley/contracts';
import { type ListKind, ThreadListComponent } from './thread-list.component';

/** The queue or "my threads": the list on the left, the open thread (child route) on the right. */
@Component({
  selector: 'app-inbox-page',
  imports: [RouterOutlet, ThreadListComponent],
  template: `
    <section class="list-pane" [attr.aria-labelledby]="'list-title-' + list()">
      <header class="pane-header">
        <h1 [id]="'list-title-' + list()">{{ title() }}</h1>
        <span class="count" data-testid="list-count">
          @if (list() === 'queue') { {{ threads().length }} waiting } @else { {{ threads().length }} open }
        </span>
      </header>
      @if (teams().length > 0) {
        <div class="team-filter">
          <label for="team-filter">Team</label>
          <select id="team-filter" data-testid="team-filter" [value]="team()" (change)="team.set($any($event.target).value)">
            <option value="">All teams</option>
            <option value="none">General queue</option>
            @for (t of teams(); track t.id) { <option [value]="t.id">{{ t.name }}</option> }
          </select>
        </div>
      }
      @if (inbox.status() === 'loading') {
        <p class="pane-state">Loading…</p>
      } @else if (inbox.status() === 'error') {
        <p class="pane-state error" role="alert">{{ inbox.error() }}</p>
      } @else {
        <app-thread-list
          [kind]="list()"
          [threads]="threads()"
          [now]="now()"
          [unread]="inbox.unread()"
          [latest]="inbox.latest()"
          [selectedId]="selectedId()"
          [claiming]="claiming()"
          (claim)="claim($event)"
        />
      }
    </section>
    <div class="detail-pane">
      <router-outlet />
    </div>
  `,
  styleUrl: './inbox.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InboxPage {
  /** From the route data: which list this page shows. */
  readonly list = input<ListKind>('queue');

  protected readonly inbox = inject(InboxStore);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastStore);
  protected readonly now = inject(Clock).now;
  protected readonly claiming = signal<string | null>(null);
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map(() => this.router.url),
    ),
    { initialValue: this.router.url },
  );
  protected readonly selectedId = computed(() => /^\/(?:queue|mine|all)\/([^/?#]+)/.exec(this.url())?.[1] ?? null);
  protected readonly title = computed(() => ({ queue: 'Queue', mine: 'My threads', all: 'All open' })[this.list()]);
  protected readonly teams = signal<readonly Team[]>([]);
  /** The team filter: '' all, 'none' the general queue, or a team's id. */
  protected readonly team = signal('');
  protected readonly threads = computed(() => {
    const list = this.list();
    const all = list === 'queue' ? this.inbox.queue() : list === 'mine' ? this.inbox.mine() : this.inbox.allOpen();
    const team = this.team();
    return team === '' ? all : all.filter((t) => (t.team?.id ?? 'none') === team);
  });

  constructor() {
    inject(ApiClient)
      .call('get /teams')
      .then((teams) => this.teams.set(teams))
      .catch(() => undefined);
    const shortcuts = inject(ShortcutsService);
    const offs = [shortcuts.register('nextConversation', () => this.step(1)), shortcuts.register('previousConversation', () => this.step(-1))];
    inject(DestroyRef).onDestroy(() => offs.forEach((off) => off()));
  }

  /** Opens the conversation `delta` places from the open one in this list (the first or last when none is open). */
  private step(delta: 1 | -1): void {
    const threads = this.threads();
    if (threads.length === 0) return;
    const at = threads.findIndex((t) => t.id === this.selectedId());
    const next = at === -1 ? (delta > 0 ? 0 : threads.length - 1) : Math.min(threads.length - 1, Math.max(0, at + delta));
    const target = threads[next];
    if (target && target.id !== this.selectedId()) void this.router.navigate(['/', this.list(), target.id]);
  }

  protected async claim(threadId: string): Promise<void> {
    this.claiming.set(threadId);
    try {
      const result = await this.inbox.claim(threadId);
      if (result.ok) {
        this.toasts.show(`You have claimed the conversation with ${result.thread.visitor.name}.`, 'success', 3000);
        await this.router.navigate(['/mine', threadId]);
      } else {
        this.toasts.show(result.message, 'error', 8000);
      }
    } finally {
      this.claiming.set(null);
    }
  }
}
