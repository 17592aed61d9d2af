import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router } from '@angular/router';
import { Clock, formatElapsed } from '../../core/time/clock';
import { SessionStore } from '../../core/session/session.store';
import { DraftStore } from '../../core/storage/drafts';
import { ToastStore } from '../../core/ui/toast.store';
import { IconComponent } from '../../shared/icon.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { ComposerComponent } from './composer.component';
import { ThreadStore } from './thread.store';
import { TranscriptComponent } from '../../shared/transcript.component';
import { VisitorPanelComponent } from '../../shared/visitor-panel.component';

/** The thread view: header with the actions, transcript, typing line, composer, visitor details. */
@Component({
  selector: 'app-thread-page',
  imports: [ComposerComponent, IconComponent, StatusChipComponent, TranscriptComponent, VisitorPanelComponent],
  providers: [ThreadStore],
  templateUrl: './thread.page.html',
  styleUrl: './thread.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadPage {
  /** From the route (`:threadId`). */
  readonly threadId = input.required<string>();

  protected readonly store = inject(ThreadStore);
  private readonly drafts = inject(DraftStore);
  private readonly toasts = inject(ToastStore);
  private readonly router = inject(Router);
  protected readonly now = inject(Clock).now;
  private readonly session = inject(SessionStore);
  protected readonly meId = computed(() => this.session.agent()?.id ?? null);
  protected readonly draft = signal('');
  protected readonly confirmingClose = signal(false);
  /** The details panel sits beside the transcript on wide screens and over it below 1280 px. */
  protected readonly showDetails = signal(globalThis.matchMedia?.('(min-width: 1280px)').matches ?? true);
  protected readonly waited = computed(() => {
    const t = this.store.thread();
    return t ? formatElapsed(t.createdAt, this.now()) : '';
  });

  constructor() {
    effect(() => {
      const id = this.threadId();
      untracked(() => {
        this.confirmingClose.set(false);
        this.draft.set(this.drafts.get(id));
        void this.store.open(id);
      });
    });
  }

  protected onDraft(text: string): void {
    this.draft.set(text);
    this.drafts.set(this.threadId(), text);
  }

  protected onSend(body: string): void {
    this.store.send(body);
    this.onDraft('');
  }

  protected async claim(): Promise<void> {
    const id = this.threadId();
    if (await this.store.claim()) {
      this.toasts.show('You have claimed the conversation.', 'success', 3000);
      await this.router.navigate(['/mine', id]);
    }
  }

  protected async close(): Promise<void> {
    this.confirmingClose.set(false);
    if (await this.store.close()) this.toasts.show('Conversation closed.', 'success', 3000);
  }
}
