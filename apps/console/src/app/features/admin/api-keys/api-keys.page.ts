import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, CreateApiKeyRequestSchema } from '@parley/contracts';
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
  styles: `
    fieldset.field { border: 0; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
    .field label.check { display: flex; align-items: center; gap: 8px; font-weight: 400; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApiKeysPage {
  protected readonly store = inject(ApiKeysStore);
  private readonly toasts = inject(ToastStore);
  protected readonly name = signal('');
  protected readonly nameError = signal<string | null>(null);
  protected readonly allScopes = API_KEY_SCOPES;
  protected readonly scopes = signal<ReadonlySet<ApiKeyScope>>(new Set(API_KEY_SCOPES));
  protected readonly scopesError = signal<string | null>(null);
  /** `yyyy-mm-dd` from the date field; the key works until the end of that day, here. */
  protected readonly expiresOn = signal('');
  protected readonly expiryError = signal<string | null>(null);
  protected readonly rotating = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly confirming = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly dateTime = formatDateTime;

  constructor() {
    void this.store.load();
    // Leaving the page forgets the secret.
    inject(DestroyRef).onDestroy(() => this.store.dismissCreated());
  }

  protected toggleScope(scope: ApiKeyScope, on: boolean): void {
    this.scopes.update((s) => {
      const next = new Set(s);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  protected scopesOf(k: ApiKey): string {
    return k.scopes.length === API_KEY_SCOPES.length ? 'All' : k.scopes.join(', ');
  }

  protected expired(k: ApiKey): boolean {
    return k.expiresAt !== null && Date.parse(k.expiresAt) <= Date.now();
  }

  protected async create(): Promise<void> {
    const day = this.expiresOn();
    const parsed = CreateApiKeyRequestSchema.safeParse({
      name: this.name(),
      scopes: API_KEY_SCOPES.filter((s) => this.scopes().has(s)),
      ...(day ? { expiresAt: new Date(`${day}T23:59:59.999`).toISOString() } : {}),
    });
    const errors = schemaErrors(parsed);
    this.nameError.set(errors['name'] ?? null);
    this.scopesError.set(errors['scopes'] ? 'Choose at least one scope.' : null);
    this.expiryError.set(errors['expiresAt'] ? 'Choose a day from today on.' : null);
    if (!parsed.success) return;
    this.creating.set(true);
    this.copied.set(false);
    try {
      await this.store.create(parsed.data);
      this.name.set('');
      this.scopes.set(new Set(API_KEY_SCOPES));
      this.expiresOn.set('');
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

  protected async rotate(id: string): Promise<void> {
    this.rotating.set(null);
    this.copied.set(false);
    const problem = await this.store.rotate(id);
    this.toasts.show(problem ?? 'New key made. The old one stopped working now.', problem ? 'error' : 'success');
  }

  protected async revoke(id: string): Promise<void> {
    this.confirming.set(null);
    const problem = await this.store.revoke(id);
    this.toasts.show(problem ?? 'Key revoked. Integrations using it stop working now.', problem ? 'error' : 'success');
  }
}
