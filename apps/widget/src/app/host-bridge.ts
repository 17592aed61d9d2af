import { DestroyRef, Injectable, InjectionToken, inject } from '@angular/core';
import { asOrigin, CONFIRM_PARAM, envelope, type FrameToHost, HOST_PARAM, type HostToFrame, IDENTITY_PARAM, readHostMessage, RESUME_PARAM } from '@parley/widget-protocol';

export const WIDGET_WINDOW = new InjectionToken<Window>('WIDGET_WINDOW', { factory: () => window });

/**
 * The iframe's side of the postMessage protocol. The loader names the host page's origin in the
 * iframe's address; the browser confirms it (`location.ancestorOrigins`, where it exists). Every
 * message goes to that exact origin, and a message is read only when it comes from the parent
 * window and from that origin. Nothing secret ever goes out: not the token, not the transcript.
 */
@Injectable({ providedIn: 'root' })
export class HostBridge {
  private readonly win = inject(WIDGET_WINDOW);
  private readonly handlers = new Set<(m: HostToFrame) => void>();

  /** Inside the loader's iframe (false when the page is opened on its own). */
  readonly framed = this.win.parent !== this.win;
  /** The host page's origin, the only one messages go to and come from. */
  readonly hostOrigin = asOrigin(new URLSearchParams(this.win.location.search).get(HOST_PARAM));
  /** Framed by the page the address names (or not framed at all). */
  readonly trusted = !this.framed || (this.hostOrigin !== null && this.confirmedByBrowser(this.hostOrigin));

  /**
   * The host page's identity token (`ParleySettings.identity`), handed over in the address's
   * fragment, which is removed at once so that it stays out of the history. Only from a trusted host.
   */
  private readonly fragment = this.takeFragment();
  readonly identity: string | null = this.framed && this.trusted ? this.fragment.get(IDENTITY_PARAM) : null;
  /**
   * A link from one of Parley's mails, through the loader's fragment (or the widget's own page):
   * a resume link (a fresh session of the visitor it was sent to) or an address confirmation.
   */
  readonly mailLink: { kind: 'resume' | 'confirm'; token: string } | null = this.takeMailLink();

  constructor() {
    if (!this.framed || !this.trusted) return;
    const listener = (event: MessageEvent) => {
      if (event.source !== this.win.parent || event.origin !== this.hostOrigin) return;
      const message = readHostMessage(event.data);
      if (message) for (const h of this.handlers) h(message);
    };
    this.win.addEventListener('message', listener);
    inject(DestroyRef).onDestroy(() => this.win.removeEventListener('message', listener));
  }

  listen(handler: (m: HostToFrame) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  post(message: FrameToHost): void {
    if (!this.framed || !this.trusted || !this.hostOrigin) return;
    this.win.parent.postMessage(envelope(message), this.hostOrigin);
  }

  private takeFragment(): URLSearchParams {
    const hash = this.win.location.hash;
    if (!hash) return new URLSearchParams();
    this.win.history.replaceState(this.win.history.state, '', this.win.location.pathname + this.win.location.search);
    return new URLSearchParams(hash.slice(1));
  }

  private takeMailLink(): { kind: 'resume' | 'confirm'; token: string } | null {
    if (!this.trusted) return null;
    const resume = this.fragment.get(RESUME_PARAM);
    if (resume) return { kind: 'resume', token: resume };
    const confirm = this.fragment.get(CONFIRM_PARAM);
    return confirm ? { kind: 'confirm', token: confirm } : null;
  }

  private confirmedByBrowser(origin: string): boolean {
    const ancestors = this.win.location.ancestorOrigins;
    return !ancestors || ancestors.length === 0 || ancestors[0] === origin;
  }
}
