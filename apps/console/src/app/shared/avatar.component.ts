import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const HUES = [210, 260, 330, 20, 150, 190, 40, 290];

/** Initials on a colour picked from the name, so the same person always looks the same. */
@Component({
  selector: 'app-avatar',
  template: `{{ initials() }}`,
  host: {
    'aria-hidden': 'true',
    '[style.background]': 'background()',
    '[style.width.px]': 'size()',
    '[style.height.px]': 'size()',
    '[style.font-size.px]': 'size() * 0.4',
  },
  styles: `:host { display: inline-flex; align-items: center; justify-content: center; border-radius: 50%;
    color: #fff; font-weight: 600; flex: none; letter-spacing: .02em; user-select: none; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AvatarComponent {
  readonly name = input.required<string>();
  readonly size = input(32);
  protected readonly initials = computed(() => {
    const parts = this.name().trim().split(/\s+/).filter(Boolean);
    const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] ?? '?').slice(0, 2);
    return letters.toUpperCase();
  });
  protected readonly background = computed(() => {
    let hash = 0;
    for (const ch of this.name()) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
    // Dark enough for white initials to reach 4.5:1 on every hue (WCAG AA for small text).
    return `hsl(${HUES[Math.abs(hash) % HUES.length]} 55% 33%)`;
  });
}
