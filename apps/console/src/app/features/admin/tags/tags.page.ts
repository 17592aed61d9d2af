import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { CreateTagRequestSchema, LIMITS, type Tag } from '@parley/contracts';
import { describeError } from '../../../core/api/api-error';
import { TagsStore } from '../../../core/tags/tags.store';
import { ToastStore } from '../../../core/ui/toast.store';

const DEFAULT_COLOR = '#3056d3';

/** Admin → Tags: the workspace's list of tags, which agents put on conversations. */
@Component({
  selector: 'app-tags-page',
  template: `
    <div class="page">
      <header class="page-header">
        <h1>Tags</h1>
        <p class="lead">Agents put these on conversations; lists, search, reports and webhooks show them.</p>
      </header>
      <div class="page-grid">
        <section class="card" aria-labelledby="tags-title">
          <h2 id="tags-title" class="card-title">Tags</h2>
          <table class="table">
            <thead><tr><th scope="col">Name</th><th scope="col">Colour</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              @for (t of tags.tags(); track t.id) {
                <tr data-testid="tag-row">
                  @if (editing() === t.id) {
                    <td><label class="sr-only" [for]="'tag-name-' + t.id">Name of {{ t.name }}</label>
                      <input [id]="'tag-name-' + t.id" [value]="editName()" (input)="editName.set($any($event.target).value)" [attr.maxlength]="max" /></td>
                    <td><label class="sr-only" [for]="'tag-color-' + t.id">Colour of {{ t.name }}</label>
                      <input type="color" [id]="'tag-color-' + t.id" [value]="editColor()" (input)="editColor.set($any($event.target).value)" /></td>
                    <td class="actions">
                      <button type="button" class="btn btn-small btn-primary" (click)="save(t)" [disabled]="busy()">Save</button>
                      <button type="button" class="btn btn-small btn-ghost" (click)="editing.set(null)">Cancel</button>
                    </td>
                  } @else {
                    <td class="strong" dir="auto">{{ t.name }}</td>
                    <td><span class="swatch" [style.background]="t.color ?? 'transparent'" aria-hidden="true"></span> <span class="mono small">{{ t.color ?? 'default' }}</span></td>
                    <td class="actions">
                      @if (confirming() === t.id) {
                        <button type="button" class="btn btn-small btn-danger" (click)="remove(t)" [disabled]="busy()">Delete now</button>
                        <button type="button" class="btn btn-small btn-ghost" (click)="confirming.set(null)">Cancel</button>
                      } @else {
                        <button type="button" class="btn btn-small" (click)="edit(t)" [attr.aria-label]="'Rename ' + t.name">Rename</button>
                        <button type="button" class="btn btn-small" (click)="confirming.set(t.id)" [attr.aria-label]="'Delete ' + t.name">Delete</button>
                      }
                    </td>
                  }
                </tr>
              } @empty {
                <tr><td colspan="3" class="muted">No tags yet.</td></tr>
              }
            </tbody>
          </table>
        </section>
        <form class="card form-grid" (submit)="$event.preventDefault(); create()" novalidate aria-labelledby="new-tag-title">
          <h2 id="new-tag-title" class="card-title">Add a tag</h2>
          <div class="field">
            <label for="new-tag-name">Name</label>
            <input id="new-tag-name" [value]="name()" (input)="name.set($any($event.target).value)" placeholder="e.g. Billing" [attr.maxlength]="max"
              [attr.aria-invalid]="!!nameError()" aria-describedby="new-tag-name-error" />
            @if (nameError(); as e) { <p class="field-error" id="new-tag-name-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label for="new-tag-color">Colour</label>
            <input id="new-tag-color" type="color" [value]="color()" (input)="color.set($any($event.target).value)" />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" [disabled]="busy()">Add tag</button>
          </div>
        </form>
      </div>
    </div>
  `,
  styles: `
    .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 4px; border: 1px solid #5f6368; vertical-align: middle; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TagsPage {
  protected readonly tags = inject(TagsStore);
  private readonly toasts = inject(ToastStore);
  protected readonly max = LIMITS.tagNameMax;
  protected readonly name = signal('');
  protected readonly color = signal(DEFAULT_COLOR);
  protected readonly nameError = signal<string | null>(null);
  protected readonly editing = signal<string | null>(null);
  protected readonly editName = signal('');
  protected readonly editColor = signal(DEFAULT_COLOR);
  protected readonly confirming = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    this.tags.load(true).catch((err: unknown) => this.toasts.show(describeError(err), 'error'));
  }

  protected async create(): Promise<void> {
    const body = { name: this.name().trim(), color: this.color() };
    if (!CreateTagRequestSchema.safeParse(body).success) {
      this.nameError.set(`Give the tag a name of at most ${this.max} characters.`);
      return;
    }
    this.nameError.set(null);
    await this.run(async () => {
      await this.tags.create(body.name, body.color);
      this.name.set('');
      this.toasts.show(`Tag “${body.name}” added.`, 'success');
    }, (msg) => this.nameError.set(msg));
  }

  protected edit(t: Tag): void {
    this.editing.set(t.id);
    this.editName.set(t.name);
    this.editColor.set(t.color ?? DEFAULT_COLOR);
    this.confirming.set(null);
  }

  protected async save(t: Tag): Promise<void> {
    await this.run(async () => {
      await this.tags.rename(t.id, this.editName().trim(), this.editColor());
      this.editing.set(null);
      this.toasts.show('Tag saved.', 'success');
    });
  }

  protected async remove(t: Tag): Promise<void> {
    await this.run(async () => {
      await this.tags.remove(t.id);
      this.confirming.set(null);
      this.toasts.show(`Tag “${t.name}” deleted; it came off every conversation.`, 'success');
    });
  }

  private async run(work: () => Promise<void>, onError: (msg: string) => void = (msg) => this.toasts.show(msg, 'error')): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } catch (err) {
      onError(describeError(err));
    } finally {
      this.busy.set(false);
    }
  }
}
