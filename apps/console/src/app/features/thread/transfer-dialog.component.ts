import { ChangeDetectionStrategy, Component, computed, type ElementRef, inject, input, output, signal, viewChild } from '@angular/core';
import type { Agent, Team, Thread } from '@parley/contracts';
import { ApiClient } from '../../core/api/api-client';
import { describeError } from '../../core/api/api-error';
import { SessionStore } from '../../core/session/session.store';

/**
 * "Transfer": to a colleague (each with their live load `active/max` and presence; the ones who
 * cannot take it are shown and disabled, an admin may still force) or to a team's queue, with an
 * optional note for agents only.
 */
@Component({
  selector: 'app-transfer-dialog',
  template: `
    <dialog #dialog class="transfer" aria-labelledby="transfer-title" (close)="closed.emit()" (cancel)="closed.emit()">
      <form (submit)="$event.preventDefault(); submit()" novalidate>
        <h2 id="transfer-title">Transfer the conversation</h2>
        @if (loading()) {
          <p>Loading…</p>
        } @else {
          <fieldset>
            <legend>To an agent</legend>
            @for (a of candidates(); track a.id) {
              <label class="option" data-testid="transfer-agent">
                <input type="radio" name="transfer-target" [value]="'agent:' + a.id" [checked]="target() === 'agent:' + a.id"
                  (change)="target.set('agent:' + a.id)" [disabled]="!canPick(a)" />
                <span class="name" dir="auto">{{ a.name }}</span>
                <span class="load" [attr.aria-label]="(a.activeThreads ?? 0) + ' of ' + a.maxConcurrent + ' conversations'">{{ a.activeThreads ?? 0 }}/{{ a.maxConcurrent }}</span>
                <span class="presence presence-{{ a.status }}">{{ a.status }}</span>
              </label>
            } @empty {
              <p class="muted">No other agent.</p>
            }
          </fieldset>
          <fieldset>
            <legend>To a queue</legend>
            <label class="option"><input type="radio" name="transfer-target" value="team:" [checked]="target() === 'team:'" (change)="target.set('team:')" /> General queue</label>
            @for (t of teams(); track t.id) {
              <label class="option" data-testid="transfer-team">
                <input type="radio" name="transfer-target" [value]="'team:' + t.id" [checked]="target() === 'team:' + t.id" (change)="target.set('team:' + t.id)" />
                <span dir="auto">{{ t.name }}</span> queue
              </label>
            }
          </fieldset>
          <div class="field">
            <label for="transfer-note">Note for agents (the visitor does not see it)</label>
            <textarea id="transfer-note" rows="3" [value]="note()" (input)="note.set($any($event.target).value)"></textarea>
          </div>
          @if (isAdmin()) {
            <label class="option"><input type="checkbox" [checked]="force()" (change)="force.set($any($event.target).checked)" /> Force (away or full agents)</label>
          }
          @if (error(); as e) { <p class="field-error" role="alert">{{ e }}</p> }
        }
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" [disabled]="!target() || busy()">Transfer</button>
          <button type="button" class="btn btn-ghost" (click)="dialog.close()">Cancel</button>
        </div>
      </form>
    </dialog>
  `,
  styles: `
    .transfer { min-width: 22rem; max-width: 32rem; border: 1px solid #5f6368; border-radius: 8px; padding: 1rem 1.25rem; }
    fieldset { border: none; padding: 0; margin: 0 0 0.75rem; }
    legend { font-weight: 600; margin-bottom: 0.25rem; }
    .option { display: flex; gap: 0.5rem; align-items: center; padding: 0.2rem 0; }
    .name { flex: 1; }
    .load { font-variant-numeric: tabular-nums; }
    .presence { font-size: 0.8rem; color: #3c4043; }
    textarea { width: 100%; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TransferDialogComponent {
  readonly thread = input.required<Thread>();
  readonly transferred = output<Thread>();
  readonly closed = output<void>();

  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  protected readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  protected readonly agents = signal<readonly Agent[]>([]);
  protected readonly teams = signal<readonly Team[]>([]);
  protected readonly loading = signal(true);
  protected readonly target = signal<string | null>(null);
  protected readonly note = signal('');
  protected readonly force = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly isAdmin = computed(() => this.session.agent()?.role === 'admin');
  /** Active colleagues other than the assignee, in the thread's team when it has one. */
  protected readonly candidates = computed(() => {
    const t = this.thread();
    return this.agents().filter((a) => a.active && a.id !== t.assignedAgent?.id && (!t.team || (a.teamIds ?? []).includes(t.team.id)));
  });

  /** Opens as a modal dialog with fresh loads and presences. */
  async open(): Promise<void> {
    this.target.set(null);
    this.note.set('');
    this.error.set(null);
    this.loading.set(true);
    this.dialog().nativeElement.showModal();
    try {
      const [agents, teams] = await Promise.all([this.api.call('get /agents'), this.api.call('get /teams')]);
      this.agents.set(agents);
      this.teams.set(teams);
    } catch (err) {
      this.error.set(describeError(err));
    } finally {
      this.loading.set(false);
    }
  }

  protected canPick(a: Agent): boolean {
    if (this.isAdmin()) return true;
    return a.status === 'online' && (a.activeThreads ?? 0) < a.maxConcurrent;
  }

  protected async submit(): Promise<void> {
    const target = this.target();
    if (!target) return;
    const [kind, id] = target.split(':');
    const note = this.note().trim();
    const body = {
      ...(kind === 'agent' ? { agentId: id } : { teamId: id || null }),
      ...(note ? { note } : {}),
      ...(this.force() ? { force: true } : {}),
    };
    this.busy.set(true);
    this.error.set(null);
    try {
      const thread = await this.api.call('post /threads/{id}/transfer', { params: { id: this.thread().id }, body });
      this.dialog().nativeElement.close();
      this.transferred.emit(thread);
    } catch (err) {
      this.error.set(describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}
