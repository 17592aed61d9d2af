import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ThreadStatus } from '@parley/contracts';

const LABELS: Record<ThreadStatus, string> = { queued: 'Waiting', active: 'Active', closed: 'Closed' };

@Component({
  selector: 'app-status-chip',
  template: `{{ label() }}`,
  host: { '[class]': '"chip chip-" + status()' },
  styles: `:host { display: inline-flex; align-items: center; gap: 4px; font-size: 12px; font-weight: 600; padding: 1px 8px;
      border-radius: 999px; line-height: 18px; }
    :host(.chip-queued) { background: #fef3c7; color: #92400e; }
    :host(.chip-active) { background: #dcfce7; color: #166534; }
    :host(.chip-closed) { background: #e2e8f0; color: #334155; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusChipComponent {
  readonly status = input.required<ThreadStatus>();
  protected readonly label = computed(() => LABELS[this.status()]);
}
