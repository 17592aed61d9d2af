import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import { ErrorCode, LoginRequestSchema } from '@parley/contracts';
import { ApiError, describeError } from '../../core/api/api-error';
import { SessionStore } from '../../core/session/session.store';
import { type FieldErrors, schemaErrors } from '../../shared/form-errors';
import { AuthLayoutComponent } from './auth-layout.component';

@Component({
  selector: 'app-login-page',
  imports: [AuthLayoutComponent],
  template: `
    <app-auth-layout heading="Sign in" lead="Sign in to answer your visitors.">
      @if (expiredNotice()) {
        <p class="banner" role="status">{{ expiredNotice() }}</p>
      }
      <form (submit)="$event.preventDefault(); submit()" novalidate>
        <div class="field">
          <label for="login-email">Email</label>
          <input id="login-email" type="email" autocomplete="username" [value]="email()" (input)="email.set($any($event.target).value)"
            [attr.aria-invalid]="!!errors()['email']" aria-describedby="login-email-error" required autofocus />
          @if (errors()['email']; as e) { <p class="field-error" id="login-email-error">{{ e }}</p> }
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" type="password" autocomplete="current-password" [value]="password()"
            (input)="password.set($any($event.target).value)" [attr.aria-invalid]="!!errors()['password']" required />
        </div>
        @if (error()) { <p class="form-error" role="alert">{{ error() }}</p> }
        <button type="submit" class="btn btn-primary btn-block" [disabled]="busy()">{{ busy() ? 'Signing in…' : 'Sign in' }}</button>
      </form>
    </app-auth-layout>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  /** Query parameter: where to go after signing in (set when a session ended). */
  readonly returnUrl = input<string | undefined>();

  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  protected readonly email = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly errors = signal<FieldErrors>({});
  protected readonly expiredNotice = computed(() => {
    const why = this.session.endedBecause();
    if (why === 'expired') return 'Your session has expired. Sign in again to carry on where you were; your drafts are kept.';
    if (why === 'revoked') return 'You have been signed out. Sign in again to carry on.';
    if (why === 'deactivated') return 'Your account has been deactivated. Ask an admin of your team if you need it again.';
    return null;
  });

  protected async submit(): Promise<void> {
    const parsed = LoginRequestSchema.safeParse({ email: this.email(), password: this.password() });
    this.errors.set(schemaErrors(parsed));
    this.error.set(null);
    if (!parsed.success) return;
    this.busy.set(true);
    try {
      await this.session.login(parsed.data);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (err) {
      this.error.set(err instanceof ApiError && err.code === ErrorCode.InvalidCredentials ? 'Wrong email or password.' : describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}

/** Only a path inside the console: a crafted link must not send the agent to another site. */
export function safeReturnUrl(url: string | undefined): string {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login') ? url : '/';
}
