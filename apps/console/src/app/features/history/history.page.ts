import { ChangeDetectionStrategy, Component, computed, DestroyRef, effect, inject, input, untracked } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';
import { formatDateTime } from '../../core/time/clock';
import { TagsStore } from '../../core/tags/tags.store';
import { HighlightPipe } from '../../shared/highlight';
import { TagChipsComponent } from '../../shared/tag-chips.component';
import { IconComponent } from '../../shared/icon.component';
import { HistoryStore } from './history.store';

const SEARCH_DEBOUNCE_MS = 300;

/** Closed threads: search, pages, and the transcript of the one opened (child route). */
@Component({
  selector: 'app-history-page',
  imports: [HighlightPipe, IconComponent, RouterLink, RouterOutlet, TagChipsComponent],
  providers: [HistoryStore],
  templateUrl: './history.page.html',
  styleUrl: './history.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryPage {
  /** Query parameter `q`: the search, kept in the URL so it survives a reload and can be shared. */
  readonly q = input<string | undefined>();
  /** Query parameter `tag`: only threads with this tag (its id). */
  readonly tag = input<string | undefined>();
  protected readonly tags = inject(TagsStore);

  protected readonly store = inject(HistoryStore);
  private readonly router = inject(Router);
  protected readonly dateTime = formatDateTime;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map(() => this.router.url),
    ),
    { initialValue: this.router.url },
  );
  protected readonly selectedId = computed(() => /^\/closed\/([^/?#]+)/.exec(this.url())?.[1] ?? null);

  constructor() {
    effect(() => {
      const q = this.q() ?? '';
      const tag = this.tag() || null;
      untracked(() => void this.store.search(q, tag));
    });
    // The filter works without the list: a failed load only leaves the filter out.
    this.tags.load().catch(() => undefined);
    inject(DestroyRef).onDestroy(() => clearTimeout(this.debounce));
  }

  protected onSearch(value: string, now = false): void {
    clearTimeout(this.debounce);
    const go = () => void this.router.navigate([], { queryParams: { q: value.trim() || null }, queryParamsHandling: 'merge', replaceUrl: true });
    if (now) go();
    else this.debounce = setTimeout(go, SEARCH_DEBOUNCE_MS);
  }

  protected onTag(tagId: string): void {
    void this.router.navigate([], { queryParams: { tag: tagId || null }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected closedBy(t: { closedBy: { type: string } | null }): string {
    switch (t.closedBy?.type) {
      case 'visitor':
        return 'by the visitor';
      case 'agent':
        return 'by an agent';
      case 'integration':
        return 'by an integration';
      default:
        return '';
    }
  }
}
