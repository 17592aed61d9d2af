import { RouterLink } from '@angular/router';
import { ChangeDetectionStrategy, Component, DOCUMENT, effect, inject, signal, untracked } from '@angular/core';
import { type CreatedIdentitySecret, UpdateWidgetSettingsRequestSchema } from '@parley/contracts';
import { API_ORIGIN } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { formatDateTime } from '../../../core/time/clock';
import { IconComponent } from '../../../shared/icon.component';
import { ToastStore } from '../../../core/ui/toast.store';
import { type FieldErrors, schemaErrors, serverErrors } from '../../../shared/form-errors';
import { WidgetLanguagesComponent } from './widget-languages.component';
import { WidgetSettingsStore } from './widget-settings.store';

/** The contract allows up to three greeting lines. */
const GREETING_LINES = 3;

@Component({
  selector: 'app-widget-settings-page',
  imports: [IconComponent, WidgetLanguagesComponent, RouterLink],
  providers: [WidgetSettingsStore],
  templateUrl: './widget-settings.page.html',
  styleUrl: './widget-settings.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WidgetSettingsPage {
  protected readonly store = inject(WidgetSettingsStore);
  private readonly toasts = inject(ToastStore);
  protected readonly title = signal('');
  protected readonly color = signal('#2f5bea');
  protected readonly greetings = signal<string[]>(Array(GREETING_LINES).fill(''));
  protected readonly origins = signal('');
  protected readonly errors = signal<FieldErrors>({});
  protected readonly formError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly lineIndexes = Array.from({ length: GREETING_LINES }, (_, i) => i);
  private readonly doc = inject(DOCUMENT);
  /** The script tag a site includes: Parley's address is where this console is served from. */
  protected readonly snippet = `<script src="${inject(API_ORIGIN) || this.doc.location.origin}/widget.js" async></script>`;
  protected readonly copied = signal(false);
  protected readonly dateTime = formatDateTime;

  constructor() {
    void this.store.load();
    // Fill the form from what the server has (at load and after each save).
    effect(() => {
      const s = this.store.settings();
      if (!s) return;
      untracked(() => {
        this.title.set(s.title);
        this.color.set(s.color);
        this.greetings.set(Array.from({ length: GREETING_LINES }, (_, i) => s.greetingLines[i] ?? ''));
        this.origins.set(s.allowedOrigins.join('\n'));
      });
    });
  }

  /** A secret just generated: shown until the page is left, never again. */
  protected readonly newSecret = signal<CreatedIdentitySecret | null>(null);
  protected readonly identityBusy = signal(false);

  protected async generateSecret(): Promise<void> {
    await this.identityAction(async () => this.newSecret.set(await this.store.generateIdentitySecret()));
  }

  protected async revokeSecret(id: string): Promise<void> {
    await this.identityAction(async () => {
      await this.store.revokeIdentitySecret(id);
      if (this.newSecret()?.id === id) this.newSecret.set(null);
      this.toasts.show('Identity secret revoked.', 'success');
    });
  }

  protected async setIdentityRequired(required: boolean): Promise<void> {
    await this.identityAction(async () => {
      await this.store.setIdentityRequired(required);
      this.toasts.show(required ? 'Only identified visitors can chat now.' : 'Anonymous visitors can chat again.', 'success');
    });
  }

  protected async setShowVisitorIp(show: boolean): Promise<void> {
    await this.identityAction(async () => {
      await this.store.setShowVisitorIp(show);
      this.toasts.show(show ? "Agents now see visitors' IP addresses." : "Visitors' IP addresses are hidden from agents.", 'success');
    });
  }

  private async identityAction(run: () => Promise<void>): Promise<void> {
    this.identityBusy.set(true);
    try {
      await run();
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.identityBusy.set(false);
    }
  }

  protected setGreeting(index: number, value: string): void {
    this.greetings.update((g) => g.map((line, i) => (i === index ? value : line)));
  }

  protected originErrors(): string[] {
    return Object.entries(this.errors())
      .filter(([path]) => path.startsWith('allowedOrigins'))
      .map(([path, message]) => {
        const index = Number(path.split('.')[1]);
        const line = this.originLines()[index];
        return Number.isNaN(index) ? message : `Line ${index + 1} (${line}): ${message}`;
      });
  }

  protected async save(): Promise<void> {
    const parsed = UpdateWidgetSettingsRequestSchema.safeParse({
      title: this.title(),
      color: this.color(),
      greetingLines: this.greetings().map((g) => g.trim()).filter(Boolean),
      allowedOrigins: this.originLines(),
    });
    this.errors.set(schemaErrors(parsed));
    this.formError.set(null);
    if (!parsed.success) return;
    this.saving.set(true);
    try {
      await this.store.save(parsed.data);
      this.toasts.show('Widget settings saved.', 'success');
    } catch (err) {
      this.errors.set(serverErrors(err));
      this.formError.set(describeError(err));
    } finally {
      this.saving.set(false);
    }
  }

  private originLines(): string[] {
    return this.origins()
      .split(/[\n,]/)
      .map((l) => l.trim())
      .filter(Boolean);
  }

  protected async copy(): Promise<void> {
    try {
      await this.doc.defaultView?.navigator.clipboard.writeText(this.snippet);
      this.copied.set(true);
    } catch {
      this.toasts.show('The browser did not allow copying: select the snippet and copy it.', 'error');
    }
  }
}
