import { afterNextRender, ChangeDetectionStrategy, Component, DOCUMENT, inject, Injector, signal, viewChild } from '@angular/core';
import { type AgentRole, type CreateAgentRequest, ErrorCode, LIMITS, ResetPasswordRequestSchema } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { ApiError, describeError } from '../../../core/api/api-error';
import { SessionStore } from '../../../core/session/session.store';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { type FieldErrors, schemaErrors, serverErrors } from '../../../shared/form-errors';
import { AgentFormComponent } from './agent-form.component';
import { AgentsStore } from './agents.store';

@Component({
  selector: 'app-agents-page',
  imports: [AgentFormComponent, AvatarComponent],
  providers: [AgentsStore],
  templateUrl: './agents.page.html',
  styles: `.reset { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; } .reset input { width: 190px; } .reset .field-error { flex-basis: 100%; margin: 0; } .load { white-space: nowrap; } .capacity { width: 4.5em; margin-left: 6px; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentsPage {
  protected readonly store = inject(AgentsStore);
  protected readonly session = inject(SessionStore);
  private readonly toasts = inject(ToastStore);
  private readonly form = viewChild.required(AgentFormComponent);
  protected readonly creating = signal(false);
  protected readonly createErrors = signal<FieldErrors>({});
  protected readonly createError = signal<string | null>(null);
  protected readonly dateTime = formatDateTime;
  private readonly api = inject(ApiClient);
  private readonly doc = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  protected readonly minPassword = LIMITS.passwordMin;
  /** The agent whose password is being reset (its form open in the row). */
  protected readonly resetting = signal<string | null>(null);
  protected readonly resetValue = signal('');
  protected readonly resetBusy = signal(false);
  protected readonly resetError = signal<string | null>(null);

  constructor() {
    void this.store.load();
  }

  protected async create(body: CreateAgentRequest): Promise<void> {
    this.creating.set(true);
    this.createErrors.set({});
    this.createError.set(null);
    try {
      const agent = await this.store.create(body);
      this.form().reset();
      this.toasts.show(`${agent.name} can now sign in.`, 'success');
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.EmailTaken) this.createErrors.set({ email: 'An agent with this email already exists.' });
      else {
        this.createErrors.set(serverErrors(err));
        this.createError.set(describeError(err));
      }
    } finally {
      this.creating.set(false);
    }
  }

  protected async setCapacity(id: string, field: HTMLInputElement): Promise<void> {
    const value = Number(field.value);
    const problem = Number.isInteger(value) && value >= 1 && value <= 50 ? await this.store.setCapacity(id, value) : 'Give a whole number from 1 to 50.';
    if (problem) {
      this.toasts.show(problem, 'error');
      field.value = String(this.store.agents().find((a) => a.id === id)?.maxConcurrent ?? '');
    } else {
      this.toasts.show('Capacity saved.', 'success', 3000);
    }
  }

  protected async setRole(id: string, select: HTMLSelectElement): Promise<void> {
    const problem = await this.store.setRole(id, select.value as AgentRole);
    if (problem) {
      this.toasts.show(problem, 'error');
      // Put the select back to what the server has. The binding alone would not: the role it is
      // bound to never changed, so Angular writes nothing and the refused choice stays on screen.
      await this.store.load();
      const role = this.store.agents().find((a) => a.id === id)?.role;
      if (role) select.value = role;
    }
  }

  protected startReset(id: string): void {
    this.resetting.set(id);
    this.resetValue.set('');
    this.resetError.set(null);
    afterNextRender(() => this.doc.getElementById(`reset-${id}`)?.focus(), { injector: this.injector });
  }

  /** Sets a new password for another agent: their sessions end, and they sign in with it. */
  protected async resetPassword(id: string, name: string): Promise<void> {
    if (this.resetBusy()) return;
    const parsed = ResetPasswordRequestSchema.safeParse({ password: this.resetValue() });
    this.resetError.set(schemaErrors(parsed)['password'] ?? null);
    if (!parsed.success) return;
    this.resetBusy.set(true);
    try {
      await this.api.call('post /agents/{id}/password', { params: { id }, body: parsed.data });
      this.resetting.set(null);
      this.toasts.show(`${name}'s password was changed; their sessions have ended.`, 'success');
    } catch (err) {
      this.resetError.set(serverErrors(err)['password'] ?? describeError(err));
    } finally {
      this.resetBusy.set(false);
    }
  }

  protected async setActive(id: string, active: boolean): Promise<void> {
    const problem = await this.store.setActive(id, active);
    if (problem) this.toasts.show(problem, 'error');
  }
}
