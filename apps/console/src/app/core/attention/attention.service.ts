import { DOCUMENT } from '@angular/common';
import { DestroyRef, effect, inject, Injectable, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router } from '@angular/router';
import { PreferencesStore } from './preferences.store';

const APP_TITLE = 'Parley Console';

export interface Alert {
  title: string;
  body: string;
  /** Where a click on the desktop notification leads. */
  url: string;
  /** Notifications with the same tag replace each other (one per thread). */
  tag: string;
}

/**
 * Getting the agent's attention: a chime, a desktop notification when the tab is hidden, and the
 * unread total in the tab title. Each can be turned off in the settings menu.
 */
@Injectable({ providedIn: 'root' })
export class AttentionService {
  private readonly prefs = inject(PreferencesStore);
  private readonly title = inject(Title);
  private readonly router = inject(Router);
  private readonly document = inject(DOCUMENT);
  private readonly unreadTotal = signal(0);
  private audio: AudioContext | null = null;
  private readonly visible = signal(this.document.visibilityState !== 'hidden');

  /** Whether the agent can see this tab right now. */
  readonly tabVisible = this.visible.asReadonly();

  constructor() {
    effect(() => {
      const n = this.unreadTotal();
      this.title.setTitle(this.prefs.preferences().titleCount && n > 0 ? `(${n}) ${APP_TITLE}` : APP_TITLE);
    });
    const onVisibility = () => this.visible.set(this.document.visibilityState !== 'hidden');
    this.document.addEventListener('visibilitychange', onVisibility);
    inject(DestroyRef).onDestroy(() => {
      this.document.removeEventListener('visibilitychange', onVisibility);
      void this.audio?.close().catch(() => undefined);
    });
  }

  setUnreadTotal(n: number): void {
    this.unreadTotal.set(n);
  }

  /** A new waiting visitor or a new message: chime, and a desktop notification if the tab is hidden. */
  alert(alert: Alert): void {
    const prefs = this.prefs.preferences();
    if (prefs.sound) this.chime();
    if (prefs.desktop && !this.visible() && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      try {
        // The body is shown as text by the system, never as markup.
        const n = new Notification(alert.title, { body: alert.body, tag: alert.tag });
        n.onclick = () => {
          globalThis.focus?.();
          void this.router.navigateByUrl(alert.url);
          n.close();
        };
      } catch {
        // Some browsers only allow notifications from a service worker; the chime and title remain.
      }
    }
  }

  /** Two short notes made with Web Audio: no sound file to download. */
  private chime(): void {
    try {
      const Ctx = globalThis.AudioContext;
      if (!Ctx) return;
      this.audio ??= new Ctx();
      const ctx = this.audio;
      if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
      const start = ctx.currentTime;
      for (const [i, freq] of [880, 1320].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = freq;
        const t = start + i * 0.12;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t);
        osc.stop(t + 0.3);
      }
    } catch {
      // No audio (autoplay policy before any click, or no device): the other signals remain.
    }
  }
}
