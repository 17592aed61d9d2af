import { ChangeDetectionStrategy, Component, inject, signal, viewChild } from '@angular/core';
import { type AgentRole, type CreateAgentRequest, ErrorCode } from '@parley/contracts';
import { ApiError, describeError } from '../../../core/api/api-error';
import { SessionStore } from '../../../core/session/session.store';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';
import { AvatarComponent } from '../../../shared/avatar.component';
import { type FieldErrors, serverErrors } from '../../../shared/form-errors';
import { AgentFormComponent } from './agent-form.component';
import { AgentsStore } from './agents.store';

@Component({
  selector: 'app-agents-page',
  imports: [AgentFormComponent, AvatarComponent],
  providers: [AgentsStore],
  templateUrl: './agents.page.html',
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

  protected async setActive(id: string, active: boolean): Promise<void> {
    const problem = await this.store.setActive(id, active);
    if (problem) this.toasts.show(problem, 'error');
  }
}
