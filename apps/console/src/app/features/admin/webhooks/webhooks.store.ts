import { inject, Injectable, signal } from '@angular/core';
import type { CreatedWebhook, CreateWebhookRequest, Webhook, WebhookDelivery } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';

/**
 * Webhook endpoints and the delivery log of the one being looked at. A new endpoint's secret is
 * held here only until the admin dismisses it: never stored, never fetched again.
 */
@Injectable()
export class WebhooksStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly Webhook[]>([]);
  private readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  private readonly failure = signal<string | null>(null);
  private readonly fresh = signal<CreatedWebhook | null>(null);
  private readonly pending = signal<string | null>(null);
  private readonly log = signal<{ webhookId: string; items: readonly WebhookDelivery[] } | null>(null);

  readonly webhooks = this.list.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();
  /** The endpoint just created (or given a new secret), with its secret: shown once. */
  readonly created = this.fresh.asReadonly();
  readonly busyId = this.pending.asReadonly();
  /** The delivery log on show, newest first. */
  readonly deliveries = this.log.asReadonly();

  async load(): Promise<void> {
    try {
      this.list.set(await this.api.call('get /webhooks'));
      this.state.set('ready');
    } catch (err) {
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }

  async create(request: CreateWebhookRequest): Promise<void> {
    const hook = await this.api.call('post /webhooks', { body: request });
    this.fresh.set(hook);
    const { secret: _secret, ...listed } = hook;
    this.list.update((l) => [...l, listed]);
  }

  dismissCreated(): void {
    this.fresh.set(null);
  }

  /** Turns an endpoint on or off; null or what went wrong. */
  setEnabled(id: string, enabled: boolean): Promise<string | null> {
    return this.busy(id, async () => {
      const hook = await this.api.call('patch /webhooks/{id}', { params: { id }, body: { enabled } });
      this.list.update((l) => l.map((w) => (w.id === id ? hook : w)));
    });
  }

  remove(id: string): Promise<string | null> {
    return this.busy(id, async () => {
      await this.api.call('delete /webhooks/{id}', { params: { id } });
      this.list.update((l) => l.filter((w) => w.id !== id));
      if (this.log()?.webhookId === id) this.log.set(null);
    });
  }

  /** A new secret, shown once; the old one keeps signing for 24 hours. */
  rotate(id: string): Promise<string | null> {
    return this.busy(id, async () => {
      const hook = await this.api.call('post /webhooks/{id}/rotate-secret', { params: { id } });
      this.fresh.set(hook);
      const { secret: _secret, ...listed } = hook;
      this.list.update((l) => l.map((w) => (w.id === id ? listed : w)));
    });
  }

  sendTest(id: string): Promise<string | null> {
    return this.busy(id, async () => {
      await this.api.call('post /webhooks/{id}/test', { params: { id } });
      await this.showDeliveries(id);
    });
  }

  async showDeliveries(id: string): Promise<string | null> {
    try {
      const page = await this.api.call('get /webhooks/{id}/deliveries', { params: { id }, query: { limit: 50 } });
      this.log.set({ webhookId: id, items: page.items });
      return null;
    } catch (err) {
      return describeError(err);
    }
  }

  hideDeliveries(): void {
    this.log.set(null);
  }

  redeliver(webhookId: string, deliveryId: string): Promise<string | null> {
    return this.busy(deliveryId, async () => {
      await this.api.call('post /webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { id: webhookId, deliveryId } });
      await this.showDeliveries(webhookId);
    });
  }

  private async busy(id: string, work: () => Promise<void>): Promise<string | null> {
    this.pending.set(id);
    try {
      await work();
      return null;
    } catch (err) {
      return describeError(err);
    } finally {
      this.pending.set(null);
    }
  }
}
