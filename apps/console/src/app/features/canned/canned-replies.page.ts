import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { type CannedResponse, type CannedScope, CreateCannedResponseRequestSchema, ErrorCode, LIMITS } from '@parley/contracts';
import { ApiError, describeError } from '../../core/api/api-error';
import { CannedStore } from '../../core/canned/canned.store';
import { ToastStore } from '../../core/ui/toast.store';
import { type FieldErrors, schemaErrors, serverErrors } from '../../shared/form-errors';

/**
 * Saved replies of one scope: an agent's own (`/replies`) or the shared ones (`/admin/replies`,
 * admins). One form adds a reply or changes the one being edited; the list below has the rest.
 */
@Component({
  selector: 'app-canned-replies-page',
  template: `
    <div class="page">
      <header class="page-header">
        <h1>{{ scope() === 'shared' ? 'Shared replies' : 'Saved replies' }}</h1>
        <p class="lead">
          @if (scope() === 'shared') { Replies every agent can insert. } @else { Your own replies; only you see them. }
          In a reply, type <kbd>/</kbd> and the shortcut to insert one. <code>{{ '{{visitor.name}}' }}</code>, <code>{{ '{{visitor.email}}' }}</code> and
          <code>{{ '{{agent.name}}' }}</code> are filled in when it is inserted.
        </p>
      </header>
      <div class="page-grid">
        <form class="card form-grid" (submit)="$event.preventDefault(); submit()" novalidate aria-labelledby="reply-form-title">
          <h2 id="reply-form-title" class="card-title">{{ editing() ? 'Change the reply' : 'New reply' }}</h2>
          <div class="field">
            <label for="reply-shortcut">Shortcut</label>
            <input id="reply-shortcut" autocomplete="off" spellcheck="false" [value]="shortcut()" (input)="shortcut.set($any($event.target).value)"
              [attr.aria-invalid]="!!errors()['shortcut']" aria-describedby="reply-shortcut-hint reply-shortcut-error" />
            <p class="field-hint" id="reply-shortcut-hint">Lower-case letters, digits and hyphens, up to 32: <code>refund-policy</code>.</p>
            @if (errors()['shortcut']; as e) { <p class="field-error" id="reply-shortcut-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label for="reply-title">Title</label>
            <input id="reply-title" autocomplete="off" [value]="title()" (input)="title.set($any($event.target).value)" [attr.maxlength]="titleMax"
              [attr.aria-invalid]="!!errors()['title']" aria-describedby="reply-title-error" />
            @if (errors()['title']; as e) { <p class="field-error" id="reply-title-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label for="reply-body">Text</label>
            <textarea id="reply-body" rows="5" [value]="body()" (input)="body.set($any($event.target).value)"
              [attr.aria-invalid]="!!errors()['body']" aria-describedby="reply-body-error"></textarea>
            @if (errors()['body']; as e) { <p class="field-error" id="reply-body-error">{{ e }}</p> }
          </div>
          @if (formError()) { <p class="form-error" role="alert">{{ formError() }}</p> }
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" [disabled]="busy()">{{ editing() ? 'Save changes' : 'Add reply' }}</button>
            @if (editing()) { <button type="button" class="btn btn-ghost" (click)="reset()">Cancel</button> }
          </div>
        </form>
        <section class="card" aria-labelledby="replies-title">
          <h2 id="replies-title" class="card-title">{{ scope() === 'shared' ? 'Shared replies' : 'Your replies' }}</h2>
          @if (store.status() === 'error') { <p class="form-error" role="alert">{{ store.error() }}</p> }
          <table class="table">
            <thead><tr><th scope="col">Shortcut</th><th scope="col">Title</th><th scope="col">Text</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              @for (c of replies(); track c.id) {
                <tr data-testid="reply-row">
                  <td class="mono small">/{{ c.shortcut }}</td>
                  <td dir="auto">{{ c.title }}</td>
                  <td class="small body" dir="auto">{{ c.body }}</td>
                  <td class="actions">
                    @if (confirming() === c.id) {
                      <span class="confirm">
                        <button type="button" class="btn btn-small btn-danger" (click)="remove(c)">Delete now</button>
                        <button type="button" class="btn btn-small btn-ghost" (click)="confirming.set(null)">Cancel</button>
                      </span>
                    } @else {
                      <button type="button" class="btn btn-small" (click)="edit(c)" [attr.aria-label]="'Edit /' + c.shortcut">Edit</button>
                      <button type="button" class="btn btn-small" (click)="confirming.set(c.id)" [attr.aria-label]="'Delete /' + c.shortcut">Delete</button>
                    }
                  </td>
                </tr>
              } @empty {
                <tr><td colspan="4" class="muted">{{ store.status() === 'loading' ? 'Loading…' : 'No replies yet.' }}</td></tr>
              }
            </tbody>
          </table>
        </section>
      </div>
    </div>
  `,
  styles: `
    .body { white-space: pre-wrap; max-width: 40ch; overflow-wrap: anywhere; }
    textarea { font: inherit; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CannedRepliesPage {
  /** From the route data. */
  readonly scope = input<CannedScope>('personal');

  protected readonly store = inject(CannedStore);
  private readonly toasts = inject(ToastStore);
  private readonly document = inject(DOCUMENT);
  protected readonly titleMax = LIMITS.cannedTitleMax;
  protected readonly replies = computed(() => this.store.replies().filter((c) => c.scope === this.scope()));
  protected readonly shortcut = signal('');
  protected readonly title = signal('');
  protected readonly body = signal('');
  protected readonly editing = signal<string | null>(null);
  protected readonly confirming = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly errors = signal<FieldErrors>({});
  protected readonly formError = signal<string | null>(null);

  constructor() {
    // Fresh on every visit: an admin elsewhere may have changed the shared ones.
    void this.store.reload();
  }

  protected edit(c: CannedResponse): void {
    this.editing.set(c.id);
    this.shortcut.set(c.shortcut);
    this.title.set(c.title);
    this.body.set(c.body);
    this.errors.set({});
    this.formError.set(null);
    this.document.getElementById('reply-shortcut')?.focus();
  }

  protected reset(): void {
    this.editing.set(null);
    this.shortcut.set('');
    this.title.set('');
    this.body.set('');
    this.errors.set({});
    this.formError.set(null);
  }

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const parsed = CreateCannedResponseRequestSchema.safeParse({ scope: this.scope(), shortcut: this.shortcut().trim(), title: this.title(), body: this.body() });
    this.errors.set(schemaErrors(parsed));
    this.formError.set(null);
    if (!parsed.success) return;
    this.busy.set(true);
    try {
      const id = this.editing();
      const { scope: _scope, ...change } = parsed.data;
      if (id) await this.store.update(id, change);
      else await this.store.create(parsed.data);
      this.toasts.show(id ? `Saved /${parsed.data.shortcut}.` : `Added /${parsed.data.shortcut}.`, 'success', 3000);
      this.reset();
    } catch (err) {
      if (err instanceof ApiError && err.code === ErrorCode.ShortcutTaken) this.errors.set({ shortcut: this.scope() === 'shared' ? 'A shared reply already has this shortcut.' : 'You already have a reply with this shortcut.' });
      else {
        this.errors.set(serverErrors(err));
        this.formError.set(describeError(err));
      }
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(c: CannedResponse): Promise<void> {
    this.confirming.set(null);
    try {
      await this.store.remove(c.id);
      if (this.editing() === c.id) this.reset();
      this.toasts.show(`Deleted /${c.shortcut}.`, 'success', 3000);
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    }
  }
}
