import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import { type AgentRole, type CreateAgentRequest, CreateAgentRequestSchema, LIMITS } from '@parley/contracts';
import { type FieldErrors, schemaErrors } from '../../../shared/form-errors';

/** New agent: name, email, initial password, role. Validated with the contract's schema. */
@Component({
  selector: 'app-agent-form',
  template: `
    <form class="card form-grid" (submit)="$event.preventDefault(); submit()" novalidate aria-labelledby="new-agent-title">
      <h2 id="new-agent-title" class="card-title">Add an agent</h2>
      <div class="field">
        <label for="agent-name">Name</label>
        <input id="agent-name" [value]="name()" (input)="name.set($any($event.target).value)" [attr.aria-invalid]="!!shown()['name']" aria-describedby="agent-name-error" />
        @if (shown()['name']; as e) { <p class="field-error" id="agent-name-error">{{ e }}</p> }
      </div>
      <div class="field">
        <label for="agent-email">Email</label>
        <input id="agent-email" type="email" [value]="email()" (input)="email.set($any($event.target).value)" [attr.aria-invalid]="!!shown()['email']" aria-describedby="agent-email-error" />
        @if (shown()['email']; as e) { <p class="field-error" id="agent-email-error">{{ e }}</p> }
      </div>
      <div class="field">
        <label for="agent-password">Initial password</label>
        <input id="agent-password" type="password" autocomplete="new-password" [value]="password()" (input)="password.set($any($event.target).value)"
          [attr.aria-invalid]="!!shown()['password']" aria-describedby="agent-password-hint agent-password-error" />
        <p class="field-hint" id="agent-password-hint">At least {{ minPassword }} characters. Share it with the agent privately.</p>
        @if (shown()['password']; as e) { <p class="field-error" id="agent-password-error">{{ e }}</p> }
      </div>
      <div class="field">
        <label for="agent-role">Role</label>
        <select id="agent-role" [value]="role()" (change)="role.set($any($event.target).value)">
          <option value="agent">Agent</option>
          <option value="admin">Admin</option>
        </select>
      </div>
      @if (formError()) { <p class="form-error" role="alert">{{ formError() }}</p> }
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" [disabled]="busy()">{{ busy() ? 'Adding…' : 'Add agent' }}</button>
      </div>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentFormComponent {
  readonly busy = input(false);
  /** Errors from the server for the last submission (EMAIL_TAKEN as `email`, say). */
  readonly serverErrors = input<FieldErrors>({});
  readonly formError = input<string | null>(null);
  readonly create = output<CreateAgentRequest>();

  protected readonly minPassword = LIMITS.passwordMin;
  protected readonly name = signal('');
  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly role = signal<AgentRole>('agent');
  private readonly local = signal<FieldErrors>({});
  protected readonly shown = computed<FieldErrors>(() => ({ ...this.serverErrors(), ...this.local() }));

  protected submit(): void {
    const parsed = CreateAgentRequestSchema.safeParse({ name: this.name(), email: this.email(), password: this.password(), role: this.role() });
    this.local.set(schemaErrors(parsed));
    if (parsed.success) this.create.emit(parsed.data);
  }

  /** Clears the fields after the agent was created. */
  reset(): void {
    this.name.set('');
    this.email.set('');
    this.password.set('');
    this.role.set('agent');
    this.local.set({});
  }
}
