import { computed, DestroyRef, effect, Injectable, inject, signal, untracked } from '@angular/core';
import { localText, type Message, type PublicWidgetSettings, type Thread } from '@parley/contracts';
import { FrameMessage } from '@parley/widget-protocol';
import { ConversationStore, isExpired } from './conversation.store';
import { HostBridge } from './host-bridge';
import { VisitorStorage, type VisitorDetails } from './visitor-storage';
import { WidgetApi } from './widget-api';
import { I18n } from './i18n/i18n';
import { problemText } from './widget-text';

/**
 * details: the pre-chat form; chat: a conversation (open, or closed by the agent); again: start
 * another one; identity: the site lets only its signed-in users chat, and this visitor is not one;
 * link: a link from one of Parley's mails that no longer works (used, expired, not ours).
 */
export type View = 'loading' | 'details' | 'chat' | 'again' | 'blocked' | 'identity' | 'link';

/**
 * The visitor's session and the screen it leads to: the pre-chat form, a conversation, or the offer
 * to start another. It creates sessions, starts and ends threads (the conversation store follows
 * them), and sends the visitor back to the form when the token is refused.
 */
@Injectable()
export class SessionStore {
  private readonly api = inject(WidgetApi);
  private readonly storage = inject(VisitorStorage);
  private readonly bridge = inject(HostBridge);
  private readonly conversation = inject(ConversationStore);
  private readonly i18n = inject(I18n);

  private readonly _view = signal<View>('loading');
  private readonly _known = signal<VisitorDetails | null>(null);
  private readonly _busy = signal(false);
  private readonly _error = signal<string | null>(null);
  private readonly _notice = signal<string | null>(null);
  private readonly _color = signal<string | null>(null);
  private readonly _identified = signal(false);
  private readonly _settings = signal<PublicWidgetSettings | null>(null);
  private readonly _earlier = signal<readonly Thread[]>([]);
  private readonly _reading = signal<{ thread: Thread; messages: readonly Message[] } | null>(null);
  private readonly _linkResult = signal<string | null>(null);

  /** A conversation the visitor ended, by the button or in another tab, leaves only the offer to start another. */
  readonly view = computed<View>(() => {
    const view = this._view();
    return view === 'chat' && this.conversation.endedByVisitor() ? 'again' : view;
  });
  readonly known = this._known.asReadonly();
  readonly busy = this._busy.asReadonly();
  readonly error = this._error.asReadonly();
  readonly notice = this._notice.asReadonly();
  readonly color = this._color.asReadonly();
  /** The host page's identity token was accepted: the widget knows who this is. */
  readonly identified = this._identified.asReadonly();
  /** The widget's title and greeting (the admin's words): the greeting opens every conversation. */
  readonly title = computed(() => {
    const s = this._settings();
    return s ? localText(s, this.i18n.locale(), 'title') : null;
  });
  /** In the visitor's language when the admin wrote one for it, else the site's default greeting. */
  readonly greeting = computed<readonly string[]>(() => {
    const s = this._settings();
    return s ? localText(s, this.i18n.locale(), 'greetingLines') : [];
  });
  /** The visitor's earlier (closed) conversations, and the one being read again. */
  readonly earlier = this._earlier.asReadonly();
  readonly reading = this._reading.asReadonly();
  /**
   * The site is closed: the form takes the first message with the details (`form`), or there is no
   * form at all (`hide`: the loader shows no button, unless a conversation is going on, which goes on).
   */
  readonly closed = computed(() => {
    const a = this.conversation.availability();
    if (!a || a.open) return null;
    // The admin's closed message in the visitor's language when there is one, else the site's own.
    const translated = this._settings()?.translations?.[this.i18n.locale()]?.closedMessage;
    return { whenClosed: a.whenClosed, message: translated || a.closedMessage, replyBy: a.nextOpenAt };
  });
  /** What came of a confirmation link the widget was opened with (shown above the chat). */
  readonly linkResult = this._linkResult.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(this.conversation.onExpired(() => this.expired()));
    // Each time the offer to start again shows, the list of earlier conversations is fetched anew.
    effect(() => {
      if (this.view() === 'again') untracked(() => void this.loadEarlier());
    });
  }

  private async loadEarlier(): Promise<void> {
    const session = this.storage.session();
    if (!session) return;
    try {
      this._earlier.set(await this.api.earlierThreads(session.token));
    } catch {
      // Only a help: without it the visitor can still start a conversation.
      this._earlier.set([]);
    }
  }

  /** Opens an earlier conversation to read (read-only). */
  async readEarlier(thread: Thread): Promise<void> {
    const session = this.storage.session();
    if (!session || this._busy()) return;
    this._busy.set(true);
    this._error.set(null);
    try {
      this._reading.set({ thread, messages: await this.api.messages(session.token, thread.id) });
    } catch (err) {
      if (isExpired(err)) return this.expired();
      this._error.set(problemText(err, this.i18n.t()));
    } finally {
      this._busy.set(false);
    }
  }

  stopReading(): void {
    this._reading.set(null);
  }

  /** Picks up where the visitor left off: an open conversation, a closed one, or the form. */
  async init(): Promise<void> {
    if (!this.bridge.trusted) {
      this.i18n.useSiteDefault(null);
      this._view.set('blocked');
      return;
    }
    this.bridge.post({ type: FrameMessage.Ready });
    const settings = this.api.settings().then(
      (s) => {
        this._color.set(s.color);
        this._settings.set(s);
        this.i18n.useSiteDefault(s.defaultLocale);
        return s;
      },
      () => {
        this.i18n.useSiteDefault(null);
        return null;
      },
    );
    // Best effort: without it the widget takes chats as before. The form follows it when it comes.
    void this.api.availability().then(
      (a) => this.conversation.setAvailability(a),
      () => undefined,
    );
    this._known.set(this.storage.details());
    const link = this.bridge.mailLink;
    if (link?.kind === 'resume') return this.resume(link.token);
    if (link?.kind === 'confirm') await this.confirmEmail(link.token);
    if (this.bridge.identity) return this.identify(this.bridge.identity, settings);
    const session = this.storage.session();
    const threadId = this.storage.threadId();
    if (!session) {
      this._view.set((await settings)?.identityRequired ? 'identity' : 'details');
      return;
    }
    if (!threadId) {
      this._view.set('again');
      return;
    }
    try {
      this.adopt(await this.api.getThread(session.token, threadId));
    } catch (err) {
      if (isExpired(err)) return this.expired();
      this.storage.saveThreadId(null);
      this._view.set('again');
    }
  }

  /** The pre-chat form: a new visitor session, then its thread (and, while closed, its first message). */
  async submitDetails(details: VisitorDetails & { message?: string }): Promise<void> {
    if (this._busy()) return;
    this._busy.set(true);
    this._error.set(null);
    this._notice.set(null);
    try {
      const { message, ...who } = details;
      const token = await this.newSession(who);
      this.adopt(await this.api.startThread(token));
      // Through the realtime client's outbox: sent once connected, stored once (its clientMsgId).
      if (message) this.conversation.send(message);
    } catch (err) {
      this._error.set(problemText(err, this.i18n.t()));
    } finally {
      this._busy.set(false);
    }
  }

  /** Another conversation with the details already known. */
  async startNew(): Promise<void> {
    const known = this._known();
    if (this._busy()) return;
    if (!known) return this.editDetails();
    this._busy.set(true);
    this._error.set(null);
    try {
      let token = this.storage.session()?.token ?? (await this.newSession(known));
      const thread = await this.api.startThread(token).catch(async (err: unknown) => {
        if (!isExpired(err)) throw err;
        token = await this.newSession(known);
        return this.api.startThread(token);
      });
      this.adopt(thread);
    } catch (err) {
      this._error.set(problemText(err, this.i18n.t()));
    } finally {
      this._busy.set(false);
    }
  }

  editDetails(): void {
    this._error.set(null);
    this._view.set('details');
  }

  /**
   * Ends the current thread with the visitor's token. Resolves whether the popup may close: also
   * when there was nothing to end, or the session had expired; not when the call failed.
   */
  async endConversation(): Promise<boolean> {
    const session = this.storage.session();
    if (!this.conversation.thread() || !session) return true;
    this._busy.set(true);
    try {
      await this.conversation.close(session.token);
      return true;
    } catch (err) {
      if (isExpired(err)) {
        this.expired();
        return true;
      }
      this._error.set(this.i18n.t().cannotEnd);
      return false;
    } finally {
      this._busy.set(false);
    }
  }

  /**
   * The host page named its signed-in user: a session of that visitor (the same on every device),
   * and its open conversation, wherever it was started. When the token is refused the visitor is an
   * anonymous one, unless the site requires identified visitors: then the widget says so.
   */
  private async identify(identity: string, settings: Promise<{ identityRequired: boolean } | null>): Promise<void> {
    let token: string;
    try {
      const res = await this.api.identify(identity);
      const before = this.storage.session();
      if (before?.visitor.id !== res.visitor.id) this.storage.saveThreadId(null);
      this.storage.saveSession({ token: res.token, expiresAt: res.expiresAt, visitor: res.visitor });
      this._known.set({ name: res.visitor.name, email: res.visitor.email });
      this._identified.set(true);
      this.conversation.reconnect();
      token = res.token;
    } catch {
      if ((await settings)?.identityRequired) return this._view.set('identity');
      this._view.set(this.storage.session() ? 'again' : 'details');
      return;
    }
    try {
      const open = (await this.api.listThreads(token)).find((t) => t.status !== 'closed');
      if (open) return this.adopt(open);
    } catch {
      // No list: the offer to start (or resume: the server hands back the open thread) still works.
    }
    this._view.set('again');
  }

  /**
   * A resume link from a follow-up mail: a fresh session of the visitor it was sent to, and its
   * conversation (the open one, else the newest). A link that no longer works gets a screen of its
   * own, and no session.
   */
  private async resume(token: string): Promise<void> {
    let session: string;
    try {
      const res = await this.api.resume(token);
      if (this.storage.session()?.visitor.id !== res.visitor.id) this.storage.saveThreadId(null);
      this.storage.saveSession({ token: res.token, expiresAt: res.expiresAt, visitor: res.visitor });
      this._known.set({ name: res.visitor.name, email: res.visitor.email });
      this.conversation.reconnect();
      session = res.token;
    } catch {
      this._view.set('link');
      return;
    }
    try {
      const threads = await this.api.listThreads(session);
      const thread = threads.find((t) => t.status !== 'closed') ?? threads[0];
      if (thread) return this.adopt(thread);
    } catch {
      // No list: the offer to start again still works.
    }
    this._view.set('again');
  }

  private async confirmEmail(token: string): Promise<void> {
    try {
      const res = await this.api.confirmEmail(token);
      this._linkResult.set(`Thank you: ${res.email} is confirmed. Replies can now reach you by email.`);
    } catch {
      this._linkResult.set('This confirmation link no longer works: it was used already or it expired.');
    }
  }

  /** Leaves the screen of a link that did not work: the visitor's own session, or the form. */
  leaveLink(): void {
    this._view.set(this.storage.session() ? 'again' : 'details');
  }

  private async newSession(details: VisitorDetails): Promise<string> {
    const res = await this.api.createSession(details);
    this.storage.saveSession({ token: res.token, expiresAt: res.expiresAt, visitor: res.visitor });
    this._known.set({ name: res.visitor.name, email: res.visitor.email });
    this.conversation.reconnect();
    return res.token;
  }

  private adopt(thread: Thread): void {
    this._reading.set(null);
    this.conversation.follow(thread);
    this._view.set('chat');
  }

  /** The token was refused: back to the form, filled in with what the visitor typed last time. */
  private expired(): void {
    this.storage.clearSession();
    this.conversation.clear();
    this._known.set(this.storage.details());
    this._notice.set(this.i18n.t().sessionExpired);
    this._view.set('details');
  }
}
