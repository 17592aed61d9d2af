import { inject, Injectable, signal } from '@angular/core';
import type { UpdateWidgetSettingsRequest, WidgetSettings } from '@parley/contracts';
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

  /** Throws the ApiError, so the form can show the server's field errors. */
  async save(body: UpdateWidgetSettingsRequest): Promise<WidgetSettings> {
    const saved = await this.api.call('put /widget/settings', { body });
    this.current.set(saved);
    return saved;
  }
}
