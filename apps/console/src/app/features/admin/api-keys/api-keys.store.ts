import { inject, Injectable, signal } from '@angular/core';
import type { ApiKey, CreatedApiKey, CreateApiKeyRequest } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';

/**
 * API keys for integrators. A new key's secret is held here only until the admin dismisses it:
 * never stored, never fetched again.
 */
@Injectable()
export class ApiKeysStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly ApiKey[]>([]);
  private readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  private readonly failure = signal<string | null>(null);
  private readonly fresh = signal<CreatedApiKey | null>(null);
  private readonly pending = signal<string | null>(null);

  readonly keys = this.list.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();
  /** The key just created, with its secret: shown once. */
  readonly created = this.fresh.asReadonly();
  readonly busyId = this.pending.asReadonly();

  async load(): Promise<void> {
    try {
      this.list.set(await this.api.call('get /api-keys'));
      this.state.set('ready');
    } catch (err) {
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }

  async create(request: CreateApiKeyRequest): Promise<void> {
    const key = await this.api.call('post /api-keys', { body: request });
    this.fresh.set(key);
    const { key: _secret, ...listed } = key;
    this.list.update((l) => [listed, ...l]);
  }

  /** A new secret for the key (the old one stops working now), shown once like a new key's. */
  async rotate(id: string): Promise<string | null> {
    this.pending.set(id);
    try {
      const key = await this.api.call('post /api-keys/{id}/rotate', { params: { id } });
      this.fresh.set(key);
      const { key: _secret, ...listed } = key;
      this.list.update((l) => l.map((k) => (k.id === id ? listed : k)));
      return null;
    } catch (err) {
      return describeError(err);
    } finally {
      this.pending.set(null);
    }
  }

  /** Forgets the secret of the key just created. */
  dismissCreated(): void {
    this.fresh.set(null);
  }

  async revoke(id: string): Promise<string | null> {
    this.pending.set(id);
    try {
      const key = await this.api.call('delete /api-keys/{id}', { params: { id } });
      this.list.update((l) => l.map((k) => (k.id === id ? key : k)));
      return null;
    } catch (err) {
      return describeError(err);
    } finally {
      this.pending.set(null);
    }
  }
}
