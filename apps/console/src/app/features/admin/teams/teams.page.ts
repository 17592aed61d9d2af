import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { type Agent, CreateTeamRequestSchema, LIMITS, type RoutingMode, type RoutingSettings, type Team } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { ToastStore } from '../../../core/ui/toast.store';

/** Admin → Teams: teams with their routing mode and members, and the workspace's routing settings. */
@Component({
  selector: 'app-teams-page',
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Teams</h1>
        <p class="lead">Each team has its own queue. In automatic mode, a new conversation goes to the least busy online member with a free slot.</p>
      </header>
      <div class="page-grid">
        <section class="card" aria-labelledby="teams-title">
          <h2 id="teams-title" class="card-title">Teams</h2>
          @for (t of teams(); track t.id) {
            <article class="team" data-testid="team-row" [attr.aria-label]="t.name">
              <div class="team-head">
                <label class="sr-only" [for]="'team-name-' + t.id">Name of {{ t.name }}</label>
                <input [id]="'team-name-' + t.id" [value]="t.name" [attr.maxlength]="max" (change)="rename(t, $any($event.target))" />
                <label [for]="'team-mode-' + t.id">Routing</label>
                <select [id]="'team-mode-' + t.id" [value]="t.routingMode" (change)="setMode(t, $any($event.target).value)">
                  <option value="manual">Manual (agents claim)</option>
                  <option value="auto">Automatic</option>
                </select>
                <button type="button" class="btn btn-small" (click)="remove(t)" [attr.aria-label]="'Delete ' + t.name">Delete</button>
              </div>
              <fieldset class="members">
                <legend>Members of <span dir="auto">{{ t.name }}</span></legend>
                @for (a of agents(); track a.id) {
                  <label class="member"><input type="checkbox" [checked]="t.memberIds.includes(a.id)" (change)="setMember(t, a, $any($event.target).checked)" />
                    <span dir="auto">{{ a.name }}</span> <span class="muted small">{{ a.activeThreads ?? 0 }}/{{ a.maxConcurrent }}</span></label>
                }
              </fieldset>
            </article>
          } @empty {
            <p class="muted">No teams yet: every conversation waits in the general queue.</p>
          }
        </section>
        <div class="side">
          <form class="card form-grid" (submit)="$event.preventDefault(); create()" novalidate aria-labelledby="new-team-title">
            <h2 id="new-team-title" class="card-title">Add a team</h2>
            <div class="field">
              <label for="new-team-name">Name</label>
              <input id="new-team-name" [value]="name()" (input)="name.set($any($event.target).value)" placeholder="e.g. Sales" [attr.maxlength]="max"
                [attr.aria-invalid]="!!nameError()" aria-describedby="new-team-name-error" />
              @if (nameError(); as e) { <p class="field-error" id="new-team-name-error">{{ e }}</p> }
            </div>
            <div class="field">
              <label for="new-team-mode">Routing</label>
              <select id="new-team-mode" [value]="mode()" (change)="mode.set($any($event.target).value)">
                <option value="manual">Manual (agents claim)</option>
                <option value="auto">Automatic</option>
              </select>
            </div>
            <div class="form-actions"><button type="submit" class="btn btn-primary" [disabled]="busy()">Add team</button></div>
          </form>
          @if (settings(); as s) {
            <form class="card form-grid" (submit)="$event.preventDefault()" aria-labelledby="routing-title">
              <h2 id="routing-title" class="card-title">Routing</h2>
              <div class="field">
                <label for="default-mode">General queue (conversations without a team)</label>
                <select id="default-mode" [value]="s.defaultMode" (change)="saveSettings({ defaultMode: $any($event.target).value })">
                  <option value="manual">Manual (agents claim)</option>
                  <option value="auto">Automatic</option>
                </select>
              </div>
              <div class="field">
                <label for="widget-team">Team of new widget conversations</label>
                <select id="widget-team" [value]="s.widgetTeamId ?? ''" (change)="saveSettings({ widgetTeamId: $any($event.target).value || null })">
                  <option value="">General queue</option>
                  @for (t of teams(); track t.id) { <option [value]="t.id">{{ t.name }}</option> }
                </select>
              </div>
              <div class="field">
                <label for="unanswered">Back to routing when the assignee has not replied within (minutes, empty: never)</label>
                <input id="unanswered" type="number" min="1" max="1440" [value]="s.unansweredMinutes ?? ''"
                  (change)="saveSettings({ unansweredMinutes: $any($event.target).value === '' ? null : Number($any($event.target).value) })" />
              </div>
            </form>
          }
        </div>
      </div>
    </div>
  `,
  styles: `
    .team { border-top: 1px solid #dadce0; padding: 0.75rem 0; }
    .team-head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    .members { border: none; padding: 0; margin: 0.5rem 0 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
    .members legend { font-weight: 600; margin-bottom: 0.25rem; }
    .member { display: inline-flex; gap: 0.35rem; align-items: center; }
    .side { display: grid; gap: 1rem; align-content: start; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TeamsPage {
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly Number = Number;
  protected readonly max = LIMITS.tagNameMax;
  protected readonly teams = signal<readonly Team[]>([]);
  protected readonly agents = signal<readonly Agent[]>([]);
  protected readonly settings = signal<RoutingSettings | null>(null);
  protected readonly name = signal('');
  protected readonly mode = signal<RoutingMode>('manual');
  protected readonly nameError = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    void this.run(() => this.load());
  }

  private async load(): Promise<void> {
    const [teams, agents, settings] = await Promise.all([this.api.call('get /teams'), this.api.call('get /agents'), this.api.call('get /routing-settings')]);
    this.teams.set(teams);
    this.agents.set(agents.filter((a) => a.active));
    this.settings.set(settings);
  }

  protected async create(): Promise<void> {
    const body = { name: this.name().trim(), routingMode: this.mode() };
    if (!CreateTeamRequestSchema.safeParse(body).success) {
      this.nameError.set(`Give the team a name of at most ${this.max} characters.`);
      return;
    }
    this.nameError.set(null);
    await this.run(async () => {
      await this.api.call('post /teams', { body });
      this.name.set('');
      this.toasts.show(`Team “${body.name}” added.`, 'success');
      await this.load();
    }, (msg) => this.nameError.set(msg));
  }

  protected async rename(t: Team, field: HTMLInputElement): Promise<void> {
    const name = field.value.trim();
    if (!name || name === t.name) return;
    await this.run(async () => {
      await this.api.call('patch /teams/{id}', { params: { id: t.id }, body: { name } });
      this.toasts.show('Team renamed.', 'success', 3000);
      await this.load();
    }, (msg) => {
      field.value = t.name;
      this.toasts.show(msg, 'error');
    });
  }

  protected async setMode(t: Team, routingMode: RoutingMode): Promise<void> {
    await this.run(async () => {
      await this.api.call('patch /teams/{id}', { params: { id: t.id }, body: { routingMode } });
      this.toasts.show(`${t.name}: ${routingMode === 'auto' ? 'automatic' : 'manual'} routing.`, 'success', 3000);
      await this.load();
    });
  }

  protected async setMember(t: Team, a: Agent, member: boolean): Promise<void> {
    await this.run(async () => {
      const params = { id: t.id, agentId: a.id };
      await (member ? this.api.call('put /teams/{id}/members/{agentId}', { params }) : this.api.call('delete /teams/{id}/members/{agentId}', { params }));
      await this.load();
    });
  }

  protected async remove(t: Team): Promise<void> {
    await this.run(async () => {
      await this.api.call('delete /teams/{id}', { params: { id: t.id } });
      this.toasts.show(`Team “${t.name}” deleted; its conversations are in the general queue.`, 'success');
      await this.load();
    });
  }

  protected async saveSettings(body: { defaultMode?: RoutingMode; widgetTeamId?: string | null; unansweredMinutes?: number | null }): Promise<void> {
    await this.run(async () => {
      this.settings.set(await this.api.call('put /routing-settings', { body }));
      this.toasts.show('Routing saved.', 'success', 3000);
    });
  }

  private async run(work: () => Promise<void>, onError: (msg: string) => void = (msg) => this.toasts.show(msg, 'error')): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } catch (err) {
      onError(describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}
