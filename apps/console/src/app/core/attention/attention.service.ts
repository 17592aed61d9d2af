import { DOCUMENT } from '@angular/common';
import { computed, DestroyRef, effect, inject, Injectable, signal } from '@angular/core';
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
  private readonly waitingTotal = signal(0);
  private audio: AudioContext | null = null;
  private readonly visible = signal(this.document.visibilityState !== 'hidden');
  private readonly audioState = signal<AudioContextState | 'unused'>('unused');

  /** Whether the agent can see this tab right now. */
  readonly tabVisible = this.visible.asReadonly();
  /** The chime's audio: 'unused' until the first chime, 'suspended' while the browser holds sound back. */
  readonly soundState = this.audioState.asReadonly();
  /**
   * A chime was held back by the browser's autoplay policy (no click in the page yet): the shell says
   * so and offers one click to enable sound.
   */
  readonly soundBlocked = computed(() => this.audioState() === 'suspended' && this.prefs.preferences().sound);

  constructor() {
    effect(() => {
      const counting = this.prefs.preferences().titleCount;
      const unread = counting ? this.unreadTotal() : 0;
      const waiting = counting ? this.waitingTotal() : 0;
      this.title.setTitle([unread > 0 ? `(${unread})` : '', waiting > 0 ? `${waiting} waiting ·` : '', APP_TITLE].filter(Boolean).join(' '));
      this.setFavicon(unread + waiting);
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

  /** Visitors waiting in the queue: counted in the title and on the favicon with the unread messages. */
  setWaitingTotal(n: number): void {
    this.waitingTotal.set(n);
  }

  /**
   * The favicon with a red badge holding the count (unread + waiting, "9+" past nine), so a pinned
   * or background tab shows that someone needs an answer. A data: URL, which the CSP allows for images.
   */
  private setFavicon(count: number): void {
    const link = this.document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) return;
    const label = count > 9 ? '9+' : String(count);
    const badge =
      count > 0
        ? `<circle cx="23" cy="9" r="9" fill="#dc2626"/><text x="23" y="13" font-family="Arial, sans-serif" font-size="${label.length > 1 ? 10 : 13}" font-weight="700" fill="#fff" text-anchor="middle">${label}</text>`
        : '';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#3056d3"/><text x="${count > 0 ? 12 : 16}" y="22" font-family="Arial, sans-serif" font-size="18" font-weight="700" fill="#fff" text-anchor="middle">P</text>${badge}</svg>`;
    link.href = count > 0 ? `data:image/svg+xml,${encodeURIComponent(svg)}` : 'favicon.svg';
    link.dataset['count'] = String(count);
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

  /**
   * Asked from a click ("Enable sound"): the click lets the browser start the audio, and the chime
   * plays once so the agent hears what it sounds like.
   */
  enableSound(): void {
    const ctx = this.context();
    if (!ctx) return;
    void ctx
      .resume()
      .then(() => {
        this.audioState.set(ctx.state);
        if (ctx.state === 'running') this.playNotes(ctx);
      })
      .catch(() => undefined);
  }

  private context(): AudioContext | null {
    if (this.audio) return this.audio;
    const Ctx = globalThis.AudioContext;
    if (!Ctx) return null;
    const ctx = new Ctx();
    // Suspended at birth when the autoplay policy holds sound back; running once a click allowed it.
    ctx.onstatechange = () => this.audioState.set(ctx.state);
    this.audio = ctx;
    this.audioState.set(ctx.state);
    return ctx;
  }

  private chime(): void {
    try {
      const ctx = this.context();
      if (!ctx) return;
      if (ctx.state === 'suspended') {
        // Without a click in the page first the browser keeps it suspended: say so (soundBlocked).
        this.audioState.set('suspended');
        void ctx.resume().catch(() => undefined);
      }
      this.playNotes(ctx);
    } catch {
      // No audio device: the other signals remain.
    }
  }

  /** Two short notes made with Web Audio: no sound file to download. */
  private playNotes(ctx: AudioContext): void {
    try {
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
      // No audio device: the other signals remain.
    }
  }
}
