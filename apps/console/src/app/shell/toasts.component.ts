import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ToastStore } from '../core/ui/toast.store';
import { IconComponent } from '../shared/icon.component';

@Component({
  selector: 'app-toasts',
  imports: [IconComponent],
  template: `
    <div class="toasts" aria-live="polite">
      @for (t of store.toasts(); track t.id) {
        <div class="toast" [class]="'toast ' + t.kind" [attr.role]="t.kind === 'error' ? 'alert' : 'status'" data-testid="toast">
          <span>{{ t.text }}</span>
          <button type="button" class="dismiss" (click)="store.dismiss(t.id)" aria-label="Dismiss"><app-icon name="close" [size]="14" /></button>
        </div>
      }
    </div>
  `,
  styles: `
    .toasts { position: fixed; right: 20px; bottom: calc(20px + var(--composer-clearance, 0px)); display: flex; flex-direction: column; gap: 8px; z-index: 50; max-width: 380px; }
    .toast { display: flex; align-items: flex-start; gap: 10px; padding: 12px 14px; border-radius: 10px; background: #0f172a; color: #f8fafc;
      font-size: 14px; box-shadow: 0 10px 30px rgb(15 23 42 / 25%); line-height: 1.4; }
    .toast.error { background: #7f1d1d; }
    .toast.success { background: #14532d; }
    .toast span { flex: 1; }
    .dismiss { background: none; border: 0; color: inherit; opacity: .7; cursor: pointer; padding: 2px; display: inline-flex; }
    .dismiss:hover { opacity: 1; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToastsComponent {
  protected readonly store = inject(ToastStore);
}
