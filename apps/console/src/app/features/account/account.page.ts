import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { ChangePasswordRequestSchema, ErrorCode, LIMITS } from '@parley/contracts';
import { ApiClient } from '../../core/api/api-client';
import { ApiError, describeError } from '../../core/api/api-error';
import { SessionStore } from '../../core/session/session.store';
import { ToastStore } from '../../core/ui/toast.store';
import { type FieldErrors, schemaErrors, serverErrors } from '../../shared/form-errors';

/** The signed-in agent's own account: a new password, given the current one. */
@Component({
  selector: 'app-account-page',
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Your account</h1>
        <p class="lead">Signed in as <span dir="auto">{{ session.agent()?.name }}</span> ({{ session.agent()?.email }}).</p>
      </header>
      <form class="card form-grid narrow" (submit)="$event.preventDefault(); submit()" novalidate aria-labelledby="password-title">
        <h2 id="password-title" class="card-title">Change your password</h2>
        <div class="field">
          <label for="current-password">Current password</label>
          <input id="current-password" type="password" autocomplete="current-password" [value]="current()" (input)="current.set($any($event.target).value)"
            [attr.aria-invalid]="!!errors()['currentPassword']" aria-describedby="current-password-error" />
          @if (errors()['currentPassword']; as e) { <p class="field-error" id="current-password-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="new-password">New password</label>
          <input id="new-password" type="password" autocomplete="new-password" [value]="next()" (input)="next.set($any($event.target).value)"
            [attr.aria-invalid]="!!errors()['newPassword']" aria-describedby="new-password-hint new-password-error" />
          <p class="field-hint" id="new-password-hint">At least {{ minPassword }} characters. Your other sessions end; this one stays.</p>
          @if (errors()['newPassword']; as e) { <p class="field-error" id="new-password-error">{{ e }}</p> }
        </div>
        @if (formError()) { <p class="form-error" role="alert">{{ formError() }}</p> }
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" [disabled]="busy()">{{ busy() ? 'Changing…' : 'Change password' }}</button>
        </div>
      </form>
    </div>
  `,
  styles: `.narrow { max-width: 480px; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountPage {
  protected readonly session = inject(SessionStore);
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly minPassword = LIMITS.passwordMin;
  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly busy = signal(false);
  protected readonly errors = signal<FieldErrors>({});
  protected readonly formError = signal<string | null>(null);

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const body = { currentPassword: this.current(), newPassword: this.next() };
    const parsed = ChangePasswordRequestSchema.safeParse(body);
    this.errors.set(schemaErrors(parsed));
    this.formError.set(null);
    if (!parsed.success) return;
    this.busy.set(true);
    try {
      await this.api.call('post /auth/password', { body: parsed.data });
      this.current.set('');
      this.next.set('');
      this.toasts.show('Your password was changed.', 'success');
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.WrongPassword) this.errors.set({ currentPassword: 'This is not your current password.' });
      else {
        this.errors.set(serverErrors(err));
        this.formError.set(describeError(err));
      }
    } finally {
      this.busy.set(false);
    }
  }
}
