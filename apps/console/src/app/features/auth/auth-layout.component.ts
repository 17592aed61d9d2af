import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The centred card the sign-in and first-run pages share. */
@Component({
  selector: 'app-auth-layout',
  template: `
    <main class="auth" id="main">
      <div class="card">
        <div class="brand"><span class="logo" aria-hidden="true">P</span> Parley</div>
        <h1>{{ heading() }}</h1>
        @if (lead()) { <p class="lead">{{ lead() }}</p> }
        <ng-content />
      </div>
    </main>
  `,
  styles: `
    :host { display: block; min-height: 100vh; background: radial-gradient(1200px 600px at 20% -10%, #e0e7ff 0, transparent 60%), var(--canvas); }
    .auth { min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 24px; box-sizing: border-box; }
    .card { width: 100%; max-width: 400px; background: var(--surface); border: 1px solid var(--border); border-radius: 16px;
      padding: 32px; box-shadow: 0 10px 30px rgb(15 23 42 / 8%); }
    .brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 16px; margin-bottom: 20px; }
    .logo { width: 28px; height: 28px; border-radius: 8px; background: var(--accent); color: #fff; display: inline-flex;
      align-items: center; justify-content: center; font-size: 15px; }
    h1 { font-size: 22px; margin: 0 0 6px; }
    .lead { color: var(--text-secondary); margin: 0 0 20px; font-size: 14px; line-height: 1.5; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthLayoutComponent {
  readonly heading = input.required<string>();
  readonly lead = input('');
}
