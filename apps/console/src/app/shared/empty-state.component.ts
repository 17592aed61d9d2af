import { ChangeDetectionStrategy, Component } from '@angular/core';
import { IconComponent } from './icon.component';

@Component({
  selector: 'app-empty-state',
  imports: [IconComponent],
  template: `<div class="empty"><app-icon name="chat" [size]="40" /><p>Select a conversation to read it.</p></div>`,
  styles: `:host { display: block; height: 100%; background: var(--canvas); }
    .empty { height: 100%; display: flex; flex-direction: column; align-items: center; justify-content: center; color: var(--text-muted); gap: 8px; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EmptyStateComponent {}
