import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { CreateApiKeyRequestSchema } from '@parley/contracts';
import { describeError } from '../../../core/api/api-error';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';
import { IconComponent } from '../../../shared/icon.component';
import { schemaErrors } from '../../../shared/form-errors';
import { ApiKeysStore } from './api-keys.store';

@Component({
  selector: 'app-api-keys-page',
  imports: [IconComponent],
  providers: [ApiKeysStore],
  templateUrl: './api-keys.page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeysPage {
  protected readonly store = inject(ApiKeysStore);
  private readonly toasts = inject(ToastStore);
  protected readonly name = signal('');
  protected readonly nameError = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly confirming = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly dateTime = formatDateTime;

  constructor() {
    void this.store.load();
    // Leaving the page forgets the secret.
    inject(DestroyRef).onDestroy(() => this.store.dismissCreated());
  }

  protected async create(): Promise<void> {
    const parsed = CreateApiKeyRequestSchema.safeParse({ name: this.name() });
    this.nameError.set(schemaErrors(parsed)['name'] ?? null);
    if (!parsed.success) return;
    this.creating.set(true);
    this.copied.set(false);
    try {
      await this.store.create(parsed.data.name);
      this.name.set('');
    } catch (err) {
      this.nameError.set(describeError(err));
    } finally {
      this.creating.set(false);
    }
  }

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(true);
    } catch {
      this.toasts.show('Copying is blocked here; select the key and copy it by hand.', 'error');
    }
  }

  protected async revoke(id: string): Promise<void> {
    this.confirming.set(null);
    const problem = await this.store.revoke(id);
    this.toasts.show(problem ?? 'Key revoked. Integrations using it stop working now.', problem ? 'error' : 'success');
  }
}
