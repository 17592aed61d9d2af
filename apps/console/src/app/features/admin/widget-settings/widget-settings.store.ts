import { inject, Injectable, signal } from '@angular/core';
import type { CreatedIdentitySecret, UpdateWidgetSettingsRequest, WidgetSettings } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { ApiError, describeError } from '../../../core/api/api-error';

/** What the widget shows (title, greeting lines, colour) and which sites may embed it. */
@Injectable()
export class WidgetSettingsStore {
  private readonly api = inject(ApiClient);
  private readonly current = signal<WidgetSettings | null>(null);
  private readonly state = signal<'loading' | 'ready' | 'unavailable' | 'error'>('loading');
  private readonly failure = signal<string | null>(null);

  readonly settings = this.current.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();

  async load(): Promise<void> {
    this.state.set('loading');
    try {
      this.current.set(await this.api.call('get /widget/settings/admin'));
      this.state.set('ready');
    } catch (err) {
      this.failure.set(describeError(err));
      // A server from before widget settings existed answers 404.
      this.state.set(err instanceof ApiError && err.status === 404 ? 'unavailable' : 'error');
    }
  }

  /** A new identity secret, returned this once (the settings then list only its hint). */
  async generateIdentitySecret(): Promise<CreatedIdentitySecret> {
    const created = await this.api.call('post /widget/identity-secrets');
    await this.reload();
    return created;
  }

  async revokeIdentitySecret(id: string): Promise<void> {
    await this.api.call('delete /widget/identity-secrets/{id}', { params: { id } });
    await this.reload();
  }

  /** Turns "identity required" on or off, leaving the rest of the settings as the server has them. */
  async setIdentityRequired(identityRequired: boolean): Promise<void> {
    const s = this.current();
    if (!s) return;
    const { title, greetingLines, color, allowedOrigins } = s;
    this.current.set(await this.api.call('put /widget/settings', { body: { title, greetingLines, color, allowedOrigins, identityRequired } }));
  }

  /** Lets agents see visitors' IP addresses in the visitor context, or not (privacy), leaving the rest as it is. */
  async setShowVisitorIp(showVisitorIp: boolean): Promise<void> {
    const s = this.current();
    if (!s) return;
    const { title, greetingLines, color, allowedOrigins } = s;
    this.current.set(await this.api.call('put /widget/settings', { body: { title, greetingLines, color, allowedOrigins, showVisitorIp } }));
  }

  private async reload(): Promise<void> {
    this.current.set(await this.api.call('get /widget/settings/admin'));
  }

  /** Throws the ApiError, so the form can show the server's field errors. */
  async save(body: UpdateWidgetSettingsRequest): Promise<WidgetSettings> {
    const saved = await this.api.call('put /widget/settings', { body });
    this.current.set(saved);
    return saved;
  }
}
