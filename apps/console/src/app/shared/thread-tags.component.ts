import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { Tag } from '@parley/contracts';

/**
 * A thread's tags in its header: each chip with a button that takes it off, and a list of the
 * other tags to put on. Presentational: the page does the calls.
 */
@Component({
  selector: 'app-thread-tags',
  template: `
    <div class="thread-tags" role="group" aria-label="Tags">
      @for (t of tags(); track t.id) {
        <span class="tag-chip" data-testid="thread-tag"><span class="dot" aria-hidden="true" [style.background]="t.color ?? 'currentColor'"></span><span dir="auto">{{ t.name }}</span>
          <button type="button" class="remove" [disabled]="busy()" (click)="remove.emit(t.id)" [attr.aria-label]="'Remove tag ' + t.name">×</button></span>
      }
      @if (others().length) {
        <label class="sr-only" [attr.for]="selectId()">Add a tag</label>
        <select #pick [id]="selectId()" class="add" [disabled]="busy()" (change)="add.emit(pick.value); pick.value = ''">
          <option value="">+ Tag</option>
          @for (t of others(); track t.id) {
            <option [value]="t.id">{{ t.name }}</option>
          }
        </select>
      }
    </div>
  `,
  styles: `
    .thread-tags { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; margin-top: 4px; }
    .tag-chip { display: inline-flex; align-items: center; gap: 4px; padding: 0 2px 0 8px; border: 1px solid var(--border-strong); border-radius: 999px;
      font-size: 0.8125rem; color: var(--text); background: var(--surface); }
    .dot { width: 8px; height: 8px; border-radius: 50%; flex: none; opacity: 0.8; }
    .remove { border: 0; background: transparent; color: inherit; cursor: pointer; font-size: 1rem; line-height: 1; padding: 0 6px; border-radius: 999px; }
    .remove:hover, .remove:focus-visible { background: var(--surface-muted); }
    .add { font-size: 0.8125rem; padding: 1px 4px; border: 1px dashed var(--border-strong); border-radius: 999px; background: transparent; color: inherit; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadTagsComponent {
  readonly threadId = input.required<string>();
  readonly tags = input.required<readonly Tag[]>();
  readonly allTags = input.required<readonly Tag[]>();
  readonly busy = input(false);
  readonly add = output<string>();
  readonly remove = output<string>();

  protected readonly selectId = computed(() => `add-tag-${this.threadId()}`);
  protected readonly others = computed(() => {
    const on = new Set(this.tags().map((t) => t.id));
    return this.allTags().filter((t) => !on.has(t.id));
  });
}
