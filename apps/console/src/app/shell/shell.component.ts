import { DOCUMENT } from '@angular/common';
import { afterNextRender, ChangeDetectionStrategy, Component, DestroyRef, inject, Injector, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { type AgentStatus, ServerEvent } from '@parley/contracts';
import { ApiClient } from '../core/api/api-client';
import { CannedStore } from '../core/canned/canned.store';
import { ShortcutsService } from '../core/shortcuts/shortcuts.service';
import { AttentionService } from '../core/attention/attention.service';
import { describeError } from '../core/api/api-error';
import { RealtimeService } from '../core/realtime/realtime.service';
import { SessionStore } from '../core/session/session.store';
import { ToastStore } from '../core/ui/toast.store';
import { InboxStore } from '../core/inbox/inbox.store';
import { MentionsStore } from '../core/mentions/mentions.store';
import { AvatarComponent } from '../shared/avatar.component';
import { IconComponent } from '../shared/icon.component';
import { ConnectionBannerComponent } from './connection-banner.component';
import { SettingsMenuComponent } from './settings-menu.component';
import { ShortcutsHelpComponent } from './shortcuts-help.component';
import { ToastsComponent } from './toasts.component';

/**
 * The signed-in frame: navigation, presence, notification settings, the connection banner. It
 * owns the socket and the inbox for as long as the agent is signed in (they are provided here, so
 * signing out ends them).
 */
@Component({
  selector: 'app-shell',
  imports: [AvatarComponent, ConnectionBannerComponent, IconComponent, RouterLink, RouterLinkActive, RouterOutlet, SettingsMenuComponent, ShortcutsHelpComponent, ToastsComponent],
  providers: [RealtimeService, InboxStore, CannedStore, ShortcutsService, MentionsStore],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellComponent {
  protected readonly session = inject(SessionStore);
  protected readonly realtime = inject(RealtimeService);
  protected readonly inbox = inject(InboxStore);
  protected readonly mentions = inject(MentionsStore);
  protected readonly attention = inject(AttentionService);
  private readonly api = inject(ApiClient);
  private readonly toasts = inject(ToastStore);
  protected readonly savingPresence = signal(false);
  private readonly document = inject(DOCUMENT);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  protected readonly shortcuts = inject(ShortcutsService);

  constructor() {
    const offAgent = this.realtime.on(ServerEvent.AgentUpdated, (agent) => this.session.update(agent));
    // Only admins' sockets are in the room this goes to; the page of Webhooks shows the same reason.
    const offWebhook = this.realtime.on(ServerEvent.WebhookDisabled, (w) =>
      this.toasts.show(`A webhook endpoint was turned off: ${w.url}. ${w.disabledReason ?? ''} Turn it on again under Admin → Webhooks.`, 'error', 30_000),
    );
    const offSearch = this.shortcuts.register('focusSearch', () => void this.focusSearch());
    inject(DestroyRef).onDestroy(() => {
      offAgent();
      offWebhook();
      offSearch();
    });
  }

  protected async setPresence(status: Extract<AgentStatus, 'online' | 'away'>): Promise<void> {
    if (this.session.agent()?.status === status) return;
    this.savingPresence.set(true);
    try {
      this.session.update(await this.api.call('patch /agents/me', { body: { status } }));
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.savingPresence.set(false);
    }
  }

  /**
   * The skip link moves the focus to the page's content. Its `#main` alone would resolve against
   * `<base href="/">` and load `/#main`, leaving (and reloading) the page the agent was on.
   */
  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.document.getElementById('main')?.focus();
  }

  /** The search box of closed conversations: the one on the page, or the Closed page's. */
  private async focusSearch(): Promise<void> {
    const find = () => this.document.getElementById('history-search');
    if (!find() && !(await this.router.navigateByUrl('/closed'))) return;
    // The Closed page is loaded on demand: its box is there once the navigation has rendered.
    afterNextRender({ write: () => find()?.focus() }, { injector: this.injector });
  }

  protected signOut(): void {
    this.session.signOut();
  }
}
