import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { BannerState } from '../core/realtime/realtime.service';
import { IconComponent } from '../shared/icon.component';

/** Across the top while the socket is down or coming back; says what happens to unsent messages. */
@Component({
  selector: 'app-connection-banner',
  imports: [IconComponent],
  template: `
    @if (state(); as s) {
      <div class="banner" [class]="'banner ' + s" role="status" data-testid="connection-banner" [attr.data-state]="s">
        <app-icon [name]="s === 'restored' ? 'check' : 'wifiOff'" [size]="16" />
        <span>{{ text() }}</span>
      </div>
    }
  `,
  styles: `
    .banner { display: flex; align-items: center; justify-content: center; gap: 8px; padding: 7px 16px; font-size: 13px; font-weight: 500; }
    .offline, .reconnecting { background: #fef2f2; color: #991b1b; border-bottom: 1px solid #fecaca; }
    .connecting { background: #fffbeb; color: #92400e; border-bottom: 1px solid #fde68a; }
    .restored { background: #f0fdf4; color: #166534; border-bottom: 1px solid #bbf7d0; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionBannerComponent {
  readonly state = input<BannerState>(null);
  readonly unsent = input(0);

  protected readonly text = computed(() => {
    const later = this.unsent() > 0 ? ` ${this.unsent()} unsent message${this.unsent() === 1 ? '' : 's'} will be sent when it is back.` : ' Messages you write are sent when it is back.';
    switch (this.state()) {
      case 'offline':
        return `You are offline.${later}`;
      case 'reconnecting':
        return `Connection lost. Reconnecting…${later}`;
      case 'connecting':
        return 'Connecting to Parley…';
      case 'restored':
        return 'Connected again. Everything is up to date.';
      default:
        return '';
    }
  });
}
