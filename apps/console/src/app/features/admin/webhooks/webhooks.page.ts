import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { CreateWebhookRequestSchema, type Webhook, type WebhookEventType } from '@parley/contracts';
import { describeError } from '../../../core/api/api-error';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';
import { IconComponent } from '../../../shared/icon.component';
import { schemaErrors } from '../../../shared/form-errors';
import { WebhooksStore } from './webhooks.store';

/** The events an admin can pick; the ones Parley does not send yet are left out of the form. */
const EVENTS: readonly { type: WebhookEventType; label: string }[] = [
  { type: 'thread.created', label: 'A conversation starts' },
  { type: 'thread.updated', label: 'A conversation is claimed, assigned, transferred, closed or tagged' },
  { type: 'message.created', label: 'A message is sent (messages the visitor sees)' },
  { type: 'rating.created', label: 'A visitor rates a conversation, or changes the rating' },
];

@Component({
  selector: 'app-webhooks-page',
  imports: [IconComponent],
  providers: [WebhooksStore],
  templateUrl: './webhooks.page.html',
  styles: `
    fieldset.field { border: 0; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
    .field label.check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
    .url { word-break: break-all; }
    .deliveries { margin-top: 16px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhooksPage {
  protected readonly store = inject(WebhooksStore);
  private readonly toasts = inject(ToastStore);
  protected readonly events = EVENTS;
  protected readonly url = signal('');
  protected readonly urlError = signal<string | null>(null);
  protected readonly chosen = signal<ReadonlySet<WebhookEventType>>(new Set(EVENTS.map((e) => e.type)));
  protected readonly eventsError = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly confirming = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly dateTime = formatDateTime;

  constructor() {
    void this.store.load();
    inject(DestroyRef).onDestroy(() => this.store.dismissCreated());
  }

  protected toggleEvent(type: WebhookEventType, on: boolean): void {
    this.chosen.update((s) => {
      const next = new Set(s);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });
  }

  protected urlOf(id: string): string {
    return this.store.webhooks().find((w) => w.id === id)?.url ?? '';
  }

  protected async create(): Promise<void> {
    const parsed = CreateWebhookRequestSchema.safeParse({ url: this.url(), events: EVENTS.map((e) => e.type).filter((t) => this.chosen().has(t)) });
    const errors = schemaErrors(parsed);
    this.urlError.set(errors['url'] ?? null);
    this.eventsError.set(errors['events'] ? 'Choose at least one event.' : null);
    if (!parsed.success) return;
    this.creating.set(true);
    this.copied.set(false);
    try {
      await this.store.create(parsed.data);
      this.url.set('');
    } catch (err) {
      this.urlError.set(describeError(err));
    } finally {
      this.creating.set(false);
    }
  }

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(true);
    } catch {
      this.toasts.show('Copying is blocked here; select the secret and copy it by hand.', 'error');
    }
  }

  protected async toggle(w: Webhook): Promise<void> {
    const problem = await this.store.setEnabled(w.id, !w.enabled);
    this.toasts.show(problem ?? (w.enabled ? 'Endpoint turned off.' : 'Endpoint turned on.'), problem ? 'error' : 'success');
  }

  protected async remove(id: string): Promise<void> {
    this.confirming.set(null);
    const problem = await this.store.remove(id);
    this.toasts.show(problem ?? 'Endpoint deleted.', problem ? 'error' : 'success');
  }

  protected async rotate(id: string): Promise<void> {
    this.copied.set(false);
    const problem = await this.store.rotate(id);
    this.toasts.show(problem ?? 'New secret made. The old one keeps signing for 24 hours.', problem ? 'error' : 'success');
  }

  protected async sendTest(id: string): Promise<void> {
    const problem = await this.store.sendTest(id);
    this.toasts.show(problem ?? 'Test event queued.', problem ? 'error' : 'success');
  }

  protected async showDeliveries(id: string): Promise<void> {
    const problem = await this.store.showDeliveries(id);
    if (problem) this.toasts.show(problem, 'error');
  }

  protected async redeliver(webhookId: string, deliveryId: string): Promise<void> {
    const problem = await this.store.redeliver(webhookId, deliveryId);
    this.toasts.show(problem ?? 'Sent again.', problem ? 'error' : 'success');
  }
}
