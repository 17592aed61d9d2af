import { ChangeDetectionStrategy, Component, inject, Injectable, signal } from '@angular/core';
import { type Erasure, FindVisitorsQuerySchema, type PrivacyVisitor } from '@parley/contracts';
import { routeUrl } from '@parley/rest-client';
import { ApiClient, API_ORIGIN, FETCH } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';
import { AuthToken } from '../../../core/session/auth-token';
import { formatDateTime } from '../../../core/time/clock';
import { ToastStore } from '../../../core/ui/toast.store';

/** Privacy requests through the REST API: find, export (fetched as a file), erase. */
@Injectable()
export class PrivacyStore {
  private readonly api = inject(ApiClient);
  private readonly auth = inject(AuthToken);
  private readonly origin = inject(API_ORIGIN);
  private readonly fetchFn = inject(FETCH);

  find(email: string): Promise<PrivacyVisitor[]> {
    return this.api.call('get /privacy/visitors', { query: { email } });
  }

  erase(id: string): Promise<Erasure> {
    return this.api.call('post /privacy/visitors/{id}/erase', { params: { id } });
  }

  /** The export as a file (the token goes in a header, so it is fetched, then saved from a blob URL). */
  async export(id: string): Promise<Blob> {
    const res = await this.fetchFn(`${this.origin}${routeUrl('get /privacy/visitors/{id}/export', { id })}`, {
      headers: { authorization: `Bearer ${this.auth.token() ?? ''}` },
      credentials: 'omit',
    });
    if (!res.ok) {
      const p = ((await res.json().catch(() => undefined)) ?? {}) as { detail?: string; title?: string };
      throw new Error(p.detail ?? p.title ?? `HTTP ${res.status}`);
    }
    return res.blob();
  }
}

/**
 * Admin → Privacy: a visitor's request to see or erase their data (GDPR art. 15 and 17). Several
 * visitors may have typed the same unverified email: all are listed, and the admin picks.
 */
@Component({
  selector: 'app-privacy-page',
  providers: [PrivacyStore],
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Privacy requests</h1>
        <p class="lead">Find the visitors who gave an email address, export what Parley keeps about one, or erase one.</p>
      </header>
      <form class="card form-grid" role="search" (submit)="$event.preventDefault(); find()" novalidate aria-labelledby="privacy-find-title">
        <h2 id="privacy-find-title" class="card-title">Find visitors by email</h2>
        <div class="field">
          <label for="privacy-email">Email address</label>
          <input id="privacy-email" type="email" autocomplete="off" [value]="email()" (input)="email.set($any($event.target).value)"
            [attr.aria-invalid]="!!emailError()" aria-describedby="privacy-email-error" />
          @if (emailError(); as e) { <p class="field-error" id="privacy-email-error">{{ e }}</p> }
        </div>
        <div class="form-actions"><button type="submit" class="btn btn-primary" [disabled]="busy()">Find</button></div>
      </form>
      @if (searched(); as s) {
        <section class="card" aria-labelledby="privacy-results-title">
          <h2 id="privacy-results-title" class="card-title">Visitors with {{ s }}</h2>
          <div class="table-wrap" tabindex="0" role="region" aria-label="Visitors found, scrollable">
            <table class="table">
              <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">First seen</th><th scope="col">Conversations</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                @for (v of visitors(); track v.id) {
                  <tr data-testid="privacy-visitor">
                    <td class="strong" dir="auto">{{ v.name }}</td>
                    <td dir="auto">{{ v.email }} @if (v.emailVerified) { <span class="pill">verified</span> }</td>
                    <td>{{ when(v.createdAt) }}</td>
                    <td>{{ v.threads }}</td>
                    <td class="actions">
                      @if (confirming() === v.id) {
                        <button type="button" class="btn btn-small btn-danger" (click)="erase(v)" [disabled]="busy()">Erase now</button>
                        <button type="button" class="btn btn-small btn-ghost" (click)="confirming.set(null)">Cancel</button>
                      } @else {
                        <button type="button" class="btn btn-small" (click)="exportOf(v)" [disabled]="busy()" [attr.aria-label]="'Export the data of ' + v.name">Export</button>
                        <button type="button" class="btn btn-small" (click)="confirming.set(v.id)" [attr.aria-label]="'Erase ' + v.name">Erase</button>
                      }
                    </td>
                  </tr>
                } @empty {
                  <tr><td colspan="5" class="muted">No visitor gave this address.</td></tr>
                }
              </tbody>
            </table>
          </div>
          @if (confirming()) {
            <p class="muted small" role="note">Erasing removes the name and email, replaces the visitor's messages with a marker, deletes their files, signs them out and closes an open conversation. It cannot be undone.</p>
          }
        </section>
      }
      @if (erased(); as e) {
        <p class="card" role="status" data-testid="privacy-erased">
          Erased: {{ e.messagesErased }} messages replaced, {{ e.filesDeleted }} files deleted, {{ e.threadsClosed }} open conversations closed.
        </p>
      }
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PrivacyPage {
  private readonly store = inject(PrivacyStore);
  private readonly toasts = inject(ToastStore);
  protected readonly email = signal('');
  protected readonly emailError = signal<string | null>(null);
  protected readonly searched = signal<string | null>(null);
  protected readonly visitors = signal<readonly PrivacyVisitor[]>([]);
  protected readonly confirming = signal<string | null>(null);
  protected readonly erased = signal<Erasure | null>(null);
  protected readonly busy = signal(false);

  protected when(at: string): string {
    return formatDateTime(at);
  }

  protected async find(): Promise<void> {
    const email = this.email().trim();
    if (!FindVisitorsQuerySchema.safeParse({ email }).success) {
      this.emailError.set('Type the email address the visitor gave.');
      return;
    }
    this.emailError.set(null);
    await this.run(async () => {
      this.visitors.set(await this.store.find(email));
      this.searched.set(email);
      this.confirming.set(null);
      this.erased.set(null);
    });
  }

  protected async exportOf(v: PrivacyVisitor): Promise<void> {
    await this.run(async () => {
      const blob = await this.store.export(v.id);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `parley-visitor-${v.id}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });
  }

  protected async erase(v: PrivacyVisitor): Promise<void> {
    await this.run(async () => {
      const done = await this.store.erase(v.id);
      this.erased.set(done);
      this.visitors.update((list) => list.filter((x) => x.id !== v.id));
      this.confirming.set(null);
      this.toasts.show(`${v.name} was erased.`, 'success');
    });
  }

  private async run(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.busy.set(false);
    }
  }
}
