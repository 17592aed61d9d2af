import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { PreferencesStore } from '../core/attention/preferences.store';
import { IconComponent } from '../shared/icon.component';

/** Notification settings: sound, desktop notifications, unread count in the title. */
@Component({
  selector: 'app-settings-menu',
  imports: [IconComponent],
  host: { '(document:keydown.escape)': 'close()', '(document:click)': 'outside($event)' },
  template: `
    <button type="button" class="nav-button" #trigger (click)="toggle()" title="Notifications" [attr.aria-expanded]="open()" aria-controls="settings-menu"
      aria-haspopup="true">
      <app-icon name="bell" /><span class="label">Notifications</span>
    </button>
    @if (open()) {
      <div class="menu" id="settings-menu" role="group" aria-label="Notification settings">
        <label class="option">
          <input type="checkbox" [checked]="prefs.preferences().sound" (change)="prefs.set('sound', $any($event.target).checked)" />
          <span><strong>Sound</strong><small>A chime for new visitors and messages</small></span>
        </label>
        <label class="option">
          <input type="checkbox" [checked]="prefs.preferences().desktop" (change)="setDesktop($any($event.target).checked)" />
          <span><strong>Desktop notifications</strong><small>When this tab is in the background</small></span>
        </label>
        @if (prefs.notificationPermission() === 'denied') {
          <p class="hint">Your browser blocks notifications for this site. Allow them in the site settings.</p>
        } @else if (prefs.notificationPermission() === 'unsupported') {
          <p class="hint">This browser does not support desktop notifications.</p>
        }
        <label class="option">
          <input type="checkbox" [checked]="prefs.preferences().titleCount" (change)="prefs.set('titleCount', $any($event.target).checked)" />
          <span><strong>Unread count in the tab title</strong><small>e.g. “(3) Parley Console”</small></span>
        </label>
      </div>
    }
  `,
  styleUrl: './settings-menu.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsMenuComponent {
  protected readonly prefs = inject(PreferencesStore);
  protected readonly open = signal(false);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly trigger = viewChild.required<ElementRef<HTMLButtonElement>>('trigger');

  protected toggle(): void {
    this.open.update((o) => !o);
  }

  protected close(): void {
    if (!this.open()) return;
    this.open.set(false);
    this.trigger().nativeElement.focus();
  }

  protected outside(event: Event): void {
    if (this.open() && !this.host.nativeElement.contains(event.target as Node)) this.open.set(false);
  }

  /** Runs in the click handler, so the browser may show its permission prompt. */
  protected setDesktop(on: boolean): void {
    void this.prefs.setDesktop(on);
  }
}
