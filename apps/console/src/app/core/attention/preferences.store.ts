import { effect, inject, Injectable, signal } from '@angular/core';
import { LOCAL_STORAGE, readJson, StorageKeys, writeJson } from '../storage/browser-storage';

export interface Preferences {
  /** A short chime for a new waiting visitor or message. */
  sound: boolean;
  /** A desktop notification when the tab is hidden (needs the browser's permission). */
  desktop: boolean;
  /** The unread total in the tab title. */
  titleCount: boolean;
  /** The admin put the install checklist away. */
  checklistDismissed: boolean;
}

const DEFAULTS: Preferences = { sound: true, desktop: false, titleCount: true, checklistDismissed: false };

export type NotificationPermissionState = NotificationPermission | 'unsupported';

/** The agent's attention settings, kept in localStorage (not secret; shared by the agent's tabs). */
@Injectable({ providedIn: 'root' })
export class PreferencesStore {
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly prefs = signal<Preferences>({ ...DEFAULTS, ...readJson<Partial<Preferences>>(this.storage, StorageKeys.preferences, {}) });
  private readonly permission = signal<NotificationPermissionState>(currentPermission());

  readonly preferences = this.prefs.asReadonly();
  readonly notificationPermission = this.permission.asReadonly();

  constructor() {
    effect(() => writeJson(this.storage, StorageKeys.preferences, this.prefs()));
  }

  set<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
    this.prefs.update((p) => ({ ...p, [key]: value }));
  }

  /**
   * Turns desktop notifications on or off. Turning them on asks the browser's permission, so call
   * it from a click (browsers only ask from a user gesture).
   */
  async setDesktop(on: boolean): Promise<void> {
    if (!on) return this.set('desktop', false);
    if (typeof Notification === 'undefined') {
      this.permission.set('unsupported');
      return;
    }
    const answer = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    this.permission.set(answer);
    this.set('desktop', answer === 'granted');
  }
}

function currentPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
