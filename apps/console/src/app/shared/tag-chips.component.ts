import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { Tag } from '@parley/contracts';

/** A thread's tags as small chips, each with its colour as a dot; names are written as text. */
@Component({
  selector: 'app-tag-chips',
  template: `
    @if (tags().length) {
      <ul class="tag-chips" aria-label="Tags">
        @for (t of tags(); track t.id) {
          <li class="tag-chip" data-testid="tag-chip"><span class="dot" aria-hidden="true" [style.background]="t.color ?? 'currentColor'"></span><span dir="auto">{{ t.name }}</span></li>
        }
      </ul>
    }
  `,
  styles: `
    .tag-chips { display: inline-flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
    .tag-chip { display: inline-flex; align-items: center; gap: 4px; padding: 0 6px; border: 1px solid var(--border-strong); border-radius: 999px;
      font-size: 0.75rem; line-height: 1.4; color: var(--text); background: var(--surface); max-width: 12rem; }
    .tag-chip span[dir] { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .dot { width: 8px; height: 8px; border-radius: 50%; flex: none; opacity: 0.8; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TagChipsComponent {
  readonly tags = input.required<readonly Tag[]>();
}
