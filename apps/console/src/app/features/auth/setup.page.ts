import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { ErrorCode, LIMITS, SetupRequestSchema } from '@parley/contracts';
import { ApiError, describeError } from '../../core/api/api-error';
import { SessionStore } from '../../core/session/session.store';
import { type FieldErrors, schemaErrors, serverErrors } from '../../shared/form-errors';
import { AuthLayoutComponent } from './auth-layout.component';

/** First run: create the first admin (the server allows it only while no agent exists). */
@Component({
  selector: 'app-setup-page',
  imports: [AuthLayoutComponent],
  template: `
    <app-auth-layout heading="Welcome to Parley" lead="Create the first administrator account. You can invite your team afterwards.">
      <form (submit)="$event.preventDefault(); submit()" novalidate>
        <div class="field">
          <label for="setup-name">Your name</label>
          <input id="setup-name" autocomplete="name" [value]="name()" (input)="name.set($any($event.target).value)"
            [attr.aria-invalid]="!!errors()['name']" aria-describedby="setup-name-error" required autofocus />
          @if (errors()['name']; as e) { <p class="field-error" id="setup-name-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="setup-email">Work email</label>
          <input id="setup-email" type="email" autocomplete="username" [value]="email()" (input)="email.set($any($event.target).value)"
            [attr.aria-invalid]="!!errors()['email']" aria-describedby="setup-email-error" required />
          @if (errors()['email']; as e) { <p class="field-error" id="setup-email-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="setup-password">Password</label>
          <input id="setup-password" type="password" autocomplete="new-password" [value]="password()"
            (input)="password.set($any($event.target).value)" [attr.aria-invalid]="!!errors()['password']"
            aria-describedby="setup-password-hint setup-password-error" required />
          <p class="field-hint" id="setup-password-hint">At least {{ minPassword }} characters.</p>
          @if (errors()['password']; as e) { <p class="field-error" id="setup-password-error">{{ e }}</p> }
        </div>
        @if (error()) { <p class="form-error" role="alert">{{ error() }}</p> }
        <button type="submit" class="btn btn-primary btn-block" [disabled]="busy()">{{ busy() ? 'Creating…' : 'Create admin account' }}</button>
      </form>
    </app-auth-layout>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SetupPage {
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly minPassword = LIMITS.passwordMin;
  protected readonly name = signal('');
  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errors = signal<FieldErrors>({});

  protected async submit(): Promise<void> {
    const parsed = SetupRequestSchema.safeParse({ name: this.name(), email: this.email(), password: this.password() });
    this.errors.set(schemaErrors(parsed));
    this.error.set(null);
    if (!parsed.success) return;
    this.busy.set(true);
    try {
      await this.session.setup(parsed.data);
      await this.router.navigateByUrl('/');
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.SetupAlreadyDone) {
        await this.router.navigateByUrl('/login');
        return;
      }
      this.errors.set(serverErrors(err));
      this.error.set(describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}
