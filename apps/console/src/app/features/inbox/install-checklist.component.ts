import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApiClient } from '../../core/api/api-client';
import { PreferencesStore } from '../../core/attention/preferences.store';
import { SessionStore } from '../../core/session/session.store';
import { EmptyStateComponent } from '../../shared/empty-state.component';
import { IconComponent } from '../../shared/icon.component';

interface Steps {
  snippet: boolean;
  agent: boolean;
  message: boolean;
}

/**
 * Getting started, for admins until they dismiss it: add the snippet (done once the widget was seen
 * on a site), add an agent (done with a second agent), send a test message (done once any thread
 * exists). Each step's state is read from the server when the list is shown.
 */
@Component({
  selector: 'app-install-checklist',
  imports: [IconComponent, RouterLink],
  template: `
    @if (steps(); as s) {
      <section class="checklist card" aria-labelledby="checklist-title" data-testid="install-checklist">
        <h2 id="checklist-title" class="card-title">Get started with Parley</h2>
        <ol>
          <li [class.done]="s.snippet" data-testid="step-snippet">
            <span class="mark" aria-hidden="true">@if (s.snippet) { <app-icon name="check" [size]="14" /> }</span>
            <span><a routerLink="/admin/widget">Add the snippet</a> to your site's pages<span class="state">{{ s.snippet ? 'Done' : 'To do' }}</span></span>
          </li>
          <li [class.done]="s.agent" data-testid="step-agent">
            <span class="mark" aria-hidden="true">@if (s.agent) { <app-icon name="check" [size]="14" /> }</span>
            <span><a routerLink="/admin/agents">Add an agent</a><span class="state">{{ s.agent ? 'Done' : 'To do' }}</span></span>
          </li>
          <li [class.done]="s.message" data-testid="step-message">
            <span class="mark" aria-hidden="true">@if (s.message) { <app-icon name="check" [size]="14" /> }</span>
            <span>Send a test message from your site's chat<span class="state">{{ s.message ? 'Done' : 'To do' }}</span></span>
          </li>
        </ol>
        <button type="button" class="btn btn-small" (click)="prefs.set('checklistDismissed', true)">Dismiss</button>
      </section>
    }
  `,
  styles: `
    .checklist { margin: 24px auto 0; max-width: 460px; }
    ol { list-style: none; margin: 0 0 14px; padding: 0; display: flex; flex-direction: column; gap: 10px; }
    li { display: flex; gap: 10px; align-items: flex-start; font-size: 14px; }
    .mark { flex: none; width: 20px; height: 20px; border-radius: 50%; border: 2px solid var(--border-strong); display: grid; place-items: center; }
    li.done .mark { background: var(--success); border-color: var(--success); color: #fff; }
    .state { display: block; font-size: 12px; color: var(--text-muted); }
    li.done .state { color: var(--success); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InstallChecklistComponent {
  protected readonly prefs = inject(PreferencesStore);
  private readonly api = inject(ApiClient);
  protected readonly steps = signal<Steps | null>(null);

  constructor() {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [settings, agents, threads] = await Promise.all([
        this.api.call('get /widget/settings/admin'),
        this.api.call('get /agents'),
        this.api.call('get /threads', { query: { limit: 1 } }),
      ]);
      this.steps.set({ snippet: settings.seenOn !== null, agent: agents.length > 1, message: threads.items.length > 0 });
    } catch {
      // Not shown when the server cannot say: it is a help, not a task.
      this.steps.set(null);
    }
  }
}

/** The inbox with no thread open: the install checklist for admins who have not dismissed it, then the empty state. */
@Component({
  selector: 'app-inbox-start',
  imports: [EmptyStateComponent, InstallChecklistComponent],
  template: `
    @if (session.isAdmin() && !prefs.preferences().checklistDismissed) {
      <app-install-checklist />
    }
    <app-empty-state />
  `,
  styles: `:host { display: flex; flex-direction: column; height: 100%; background: var(--canvas); } app-empty-state { flex: 1; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InboxStartComponent {
  protected readonly session = inject(SessionStore);
  protected readonly prefs = inject(PreferencesStore);
}
