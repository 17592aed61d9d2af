import { computed, DestroyRef, effect, Injectable, inject, linkedSignal, signal } from '@angular/core';
import { LIMITS } from '@parley/contracts';
import { FrameMessage, HostMessage, type HostToFrame, PREVIEW_MAX } from '@parley/widget-protocol';
import { ConversationStore, fromSupport } from './conversation.store';
import { HostBridge } from './host-bridge';
import { I18n } from './i18n/i18n';
import { SessionStore } from './session.store';
import { VisitorStorage } from './visitor-storage';

/**
 * The widget as the host page sees it: whether the popup shows, the unread count and the new-message
 * nudge it gets (who wrote and the start of what, for the preview bubble), whether a conversation
 * is going on, hiding the popup, and ending the conversation (after asking). Nothing secret goes
 * out: not the token, not the transcript.
 */
@Injectable()
export class HostStore {
  private readonly bridge = inject(HostBridge);
  private readonly storage = inject(VisitorStorage);
  private readonly session = inject(SessionStore);
  private readonly conversation = inject(ConversationStore);
  private readonly i18n = inject(I18n);

  private readonly _visible = signal(!this.bridge.framed);
  /** Any change of whether the conversation is open settles the question. */
  private readonly _confirming = linkedSignal({ source: this.conversation.open, computation: () => false });
  private readonly threadId = computed(() => this.conversation.thread()?.id ?? null);
  /** The last seq the visitor saw of the current thread, kept across reloads. */
  private readonly lastRead = linkedSignal({
    source: this.threadId,
    computation: (id) => (id ? this.storage.lastRead(id) : 0),
  });

  readonly confirming = this._confirming.asReadonly();
  /** Whether the popup shows (always, when the app is opened on its own). */
  readonly visible = this._visible.asReadonly();
  /** Support messages after the last one the visitor saw; nothing is unread while the popup shows. */
  readonly unread = computed(() => {
    if (this._visible()) return 0;
    const last = Math.max(this.lastRead(), this.conversation.visitorReadSeq());
    return this.conversation.messages().filter((m) => m.seq > last && fromSupport(m)).length;
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(this.bridge.listen((m) => this.onHostMessage(m)));
    destroyRef.onDestroy(
      this.conversation.onSupportMessage((m) => {
        if (this._visible()) return;
        this.bridge.post({ type: FrameMessage.AgentMessage, author: m.authorName ?? this.i18n.t().support, preview: m.body.slice(0, PREVIEW_MAX) });
      }),
    );

    // Seen while showing: remember how far, so a reload does not count old messages as unread.
    effect(() => {
      const id = this.threadId();
      const list = this.conversation.messages();
      if (!id || !this._visible() || list.length === 0) return;
      const seq = list[list.length - 1].seq;
      if (seq > this.lastRead()) {
        this.lastRead.set(seq);
        this.storage.saveLastRead(id, seq);
      }
      // And tell the server: the agent sees "Seen", the visitor's other devices stop counting it.
      this.conversation.markRead(seq);
    });
    effect(() => this.bridge.post({ type: FrameMessage.Unread, count: this.unread() }));
    effect(() => {
      if (this.session.view() !== 'loading') this.bridge.post({ type: FrameMessage.Conversation, active: this.conversation.open() });
    });
  }

  /** "End chat": asks first. */
  requestEnd(): void {
    if (this.session.view() === 'chat' && this.conversation.open()) this._confirming.set(true);
  }

  cancelEnd(): void {
    this._confirming.set(false);
  }

  /** Ends the conversation; the popup stays, showing the offer to start another. */
  async confirmEnd(): Promise<void> {
    this._confirming.set(false);
    if (await this.session.endConversation()) this.bridge.post({ type: FrameMessage.Ended });
  }

  /** Escape inside the popup: the loader hides it (the conversation goes on). */
  hide(): void {
    this.bridge.post({ type: FrameMessage.Hide });
  }

  private onHostMessage(m: HostToFrame): void {
    if (m.type === HostMessage.Visibility) this._visible.set(m.open);
    else if (this.isHostPage(m.url)) this.conversation.reportPage(m.url, m.title);
  }

  /** A page of the host itself: the loader may only speak for the origin the browser confirmed framed this app. */
  private isHostPage(url: string): boolean {
    if (url.length > LIMITS.pageUrlMax || !URL.canParse(url)) return false;
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === this.bridge.hostOrigin && !u.username && !u.password;
  }
}
