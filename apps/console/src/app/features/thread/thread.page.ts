import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  type ElementRef,
  inject,
  Injector,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { CannedStore } from '../../core/canned/canned.store';
import type { CannedContext } from '../../core/canned/canned-text';
import { ShortcutsService } from '../../core/shortcuts/shortcuts.service';
import { Clock, formatDateTime, formatElapsed } from '../../core/time/clock';
import { closedByName } from '../../shared/closed-by';
import { SessionStore } from '../../core/session/session.store';
import { DraftStore } from '../../core/storage/drafts';
import { ToastStore } from '../../core/ui/toast.store';
import { IconComponent } from '../../shared/icon.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { AttachmentFiles } from '../../core/api/attachment-files';
import { type ComposedMessage, ComposerComponent } from './composer.component';
import { ThreadStore } from './thread.store';
import { TranscriptComponent } from '../../shared/transcript.component';
import { VisitorPanelComponent } from '../../shared/visitor-panel.component';
import { ThreadTagsComponent } from '../../shared/thread-tags.component';
import { TagsStore } from '../../core/tags/tags.store';
import { describeError } from '../../core/api/api-error';
import type { Thread } from '@parley/contracts';
import { TransferDialogComponent } from './transfer-dialog.component';

/** The thread view: header with the actions, transcript, typing line, composer, visitor details. */
@Component({
  selector: 'app-thread-page',
  imports: [ComposerComponent, IconComponent, StatusChipComponent, ThreadTagsComponent, TranscriptComponent, TransferDialogComponent, VisitorPanelComponent],
  providers: [ThreadStore],
  templateUrl: './thread.page.html',
  styleUrl: './thread.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadPage {
  /** From the route (`:threadId`). */
  readonly threadId = input.required<string>();

  protected readonly store = inject(ThreadStore);
  protected readonly tags = inject(TagsStore);
  protected readonly tagging = signal(false);
  private readonly drafts = inject(DraftStore);
  private readonly toasts = inject(ToastStore);
  private readonly router = inject(Router);
  protected readonly now = inject(Clock).now;
  private readonly session = inject(SessionStore);
  protected readonly meId = computed(() => this.session.agent()?.id ?? null);
  /** Transfer: admins, and the assignee for its own conversation (as the API decides). */
  protected readonly canTransfer = computed(() => {
    const t = this.store.thread();
    return !!t && t.status !== 'closed' && (this.session.agent()?.role === 'admin' || (t.status === 'active' && this.store.isMine()));
  });
  private readonly transferDialog = viewChild(TransferDialogComponent);
  protected readonly draft = signal('');
  private readonly files = inject(AttachmentFiles);
  /** Uploads go to the thread shown. */
  protected readonly uploader = computed(() => this.files.uploaderFor(this.threadId()));
  protected readonly confirmingClose = signal(false);
  /** Writing a private note on a thread this agent does not reply in. */
  protected readonly noting = signal(false);
  private readonly injector = inject(Injector);
  private readonly askCloseButton = viewChild<ElementRef<HTMLButtonElement>>('askClose');
  private readonly titleHeading = viewChild<ElementRef<HTMLElement>>('title');
  private readonly confirmCloseButton = viewChild<ElementRef<HTMLButtonElement>>('confirmClose');
  private readonly composer = viewChild(ComposerComponent);
  protected readonly canned = inject(CannedStore);
  /** What a saved reply's variables stand for in this conversation. */
  protected readonly cannedContext = computed<CannedContext>(() => {
    const t = this.store.thread();
    return { visitor: { name: t?.visitor.name ?? '', email: t?.visitor.email ?? '' }, agent: { name: this.session.agent()?.name ?? '' } };
  });
  /** The details panel sits beside the transcript on wide screens and over it below 1280 px. */
  protected readonly showDetails = signal(globalThis.matchMedia?.('(min-width: 1280px)').matches ?? true);
  protected readonly dateTime = formatDateTime;
  protected readonly closedBy = computed(() => {
    const t = this.store.thread();
    return t ? closedByName(t) : null;
  });
  protected readonly waited = computed(() => {
    const t = this.store.thread();
    return t ? formatElapsed(t.createdAt, this.now()) : '';
  });

  constructor() {
    effect(() => {
      const id = this.threadId();
      untracked(() => {
        this.confirmingClose.set(false);
        this.noting.set(false);
        this.store.setNoteMode(false);
        this.draft.set(this.drafts.get(id));
        void this.store.open(id);
      });
    });
    // Fetched again with each conversation opened, so a reply an admin shared meanwhile is offered.
    void this.canned.reload();
    this.bindShortcuts();
    this.tags.load().catch(() => undefined);
  }

  /** The thread's keyboard shortcuts (docs/console.md); each does what its button does, when the button is there. */
  private bindShortcuts(): void {
    const shortcuts = inject(ShortcutsService);
    const offs = [
      shortcuts.register('claim', () => {
        if (this.store.thread()?.status === 'queued' && this.store.busy() !== 'claim') void this.claim();
      }),
      shortcuts.register('close', () => {
        if (this.store.thread()?.status === 'active' && this.store.isMine()) this.askToClose();
      }),
      shortcuts.register('focusComposer', () => this.composer()?.focus()),
      shortcuts.register('openCannedPicker', () => this.composer()?.openPicker()),
      shortcuts.register('toggleNoteMode', () => {
        if (this.store.canWrite()) this.composer()?.toggleNoteMode();
        else if (this.store.thread()) {
          this.noting.set(true);
          afterNextRender({ write: () => this.composer()?.focus() }, { injector: this.injector });
        }
      }),
    ];
    inject(DestroyRef).onDestroy(() => offs.forEach((off) => off()));
  }

  protected async setTag(tagId: string, on: boolean): Promise<void> {
    const id = this.threadId();
    if (!tagId) return;
    this.tagging.set(true);
    try {
      this.store.tagged(await this.tags.apply(id, tagId, on));
    } catch (err) {
      this.toasts.show(describeError(err), 'error');
    } finally {
      this.tagging.set(false);
    }
  }

  protected openTransfer(): void {
    void this.transferDialog()?.open();
  }

  protected async onTransferred(thread: Thread): Promise<void> {
    this.store.tagged(thread);
    const where = thread.assignedAgent && thread.status === 'active' ? thread.assignedAgent.name : `the ${thread.team?.name ?? 'general'} queue`;
    this.toasts.show(`Transferred to ${where}.`, 'success', 3000);
    if (thread.assignedAgent?.id !== this.meId() && this.session.agent()?.role !== 'admin') await this.router.navigate(['/queue']);
  }

  protected onDraft(text: string): void {
    this.draft.set(text);
    this.drafts.set(this.threadId(), text);
  }

  protected onSend(message: ComposedMessage): void {
    if (this.store.noteMode() || !this.store.canWrite()) {
      void this.sendNote(message.body);
      return;
    }
    this.store.send(message.body, message.attachments);
    this.onDraft('');
  }

  /** The note's text stays in the box until the server has stored it; a refusal is said and the text kept. */
  private async sendNote(body: string): Promise<void> {
    this.onDraft('');
    const failure = await this.store.sendNote(body);
    if (failure) {
      this.onDraft(body);
      this.toasts.show(`The note was not saved: ${failure}`, 'error');
    }
  }

  protected async claim(): Promise<void> {
    const id = this.threadId();
    if (await this.store.claim()) {
      this.toasts.show('You have claimed the conversation.', 'success', 3000);
      await this.router.navigate(['/mine', id]);
    }
  }

  /** "Close conversation": the confirmation takes the focus, so Enter closes and Escape cancels. */
  protected askToClose(): void {
    this.confirmingClose.set(true);
    afterNextRender({ write: () => this.confirmCloseButton()?.nativeElement.focus() }, { injector: this.injector });
  }

  /** Cancel or Escape: the focus goes back to the button that asked. */
  protected cancelClose(): void {
    this.confirmingClose.set(false);
    afterNextRender({ write: () => this.askCloseButton()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected async close(): Promise<void> {
    this.confirmingClose.set(false);
    const closed = await this.store.close();
    if (closed) this.toasts.show('Conversation closed.', 'success', 3000);
    // The buttons are gone once it is closed: the focus stays in the thread, on its title.
    const target = closed ? this.titleHeading : this.askCloseButton;
    afterNextRender({ write: () => target()?.nativeElement.focus() }, { injector: this.injector });
  }
}
