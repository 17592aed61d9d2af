/**
 * The postMessage protocol between the loader (on the customer's page) and the widget app (in the
 * iframe, on Parley's origin). Both sides post with an exact target origin and read a message only
 * when `event.origin` and `event.source` are the other side's; these readers then check its shape,
 * so nothing another script posts is acted on. The visitor token never crosses this boundary.
 * Constants and tiny functions only: the loader's budget is a few kilobytes.
 */

/** Carried by every message, so a message of another script (or another version) is never taken for ours. */
export const PROTOCOL = 'parley-widget/1';

/** Where the widget app is served on Parley's origin. */
export const WIDGET_PATH = '/widget/';

/** Query parameter through which the loader tells the iframe the host page's origin. */
export const HOST_PARAM = 'host';

/** Query parameter through which the loader tells the iframe the visitor's language (the page's `ParleySettings.locale`, else the browser's, else the site's). */
export const LOCALE_PARAM = 'lang';

/** Loader → iframe. */
export const HostMessage = {
  /** The popup was shown or hidden (the iframe counts unread messages while hidden). */
  Visibility: 'popup.visibility',
  /**
   * The page the visitor is on (address without a fragment unless it is a hash route, and title):
   * sent when the iframe is ready and after each navigation of the host page, when it changed.
   */
  Page: 'host.page',
} as const;

/** How much of an agent's message the host page gets for the preview bubble. */
export const PREVIEW_MAX = 140;

/** Iframe → loader. */
export const FrameMessage = {
  /** The widget app is listening; the loader may post now. */
  Ready: 'frame.ready',
  /** Whether a conversation is in progress: the loader then loads the iframe on the next page at once. */
  Conversation: 'conversation.state',
  /** Agent messages the visitor has not seen. */
  Unread: 'unread.count',
  /**
   * An agent's message arrived while the popup was hidden: who wrote and the start of the text, for
   * the preview bubble above the button (and the optional sound). The only words of the
   * conversation that reach the host page, and only while its visitor is on it.
   */
  AgentMessage: 'agent.message',
  /** The visitor asked to hide the popup from inside it (Escape). */
  Hide: 'popup.hide',
  /** The visitor ended the conversation. */
  Ended: 'conversation.ended',
} as const;

export type HostToFrame = { type: typeof HostMessage.Visibility; open: boolean } | { type: typeof HostMessage.Page; url: string; title: string };

export type FrameToHost =
  | { type: typeof FrameMessage.Ready }
  | { type: typeof FrameMessage.Conversation; active: boolean }
  | { type: typeof FrameMessage.Unread; count: number }
  | { type: typeof FrameMessage.AgentMessage; author: string; preview: string }
  | { type: typeof FrameMessage.Hide }
  | { type: typeof FrameMessage.Ended };

export interface Envelope<M> {
  protocol: typeof PROTOCOL;
  message: M;
}

export function envelope<M extends HostToFrame | FrameToHost>(message: M): Envelope<M> {
  return { protocol: PROTOCOL, message };
}

function opened(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'object' || data === null) return null;
  const e = data as Partial<Envelope<unknown>>;
  if (e.protocol !== PROTOCOL || typeof e.message !== 'object' || e.message === null) return null;
  return e.message as Record<string, unknown>;
}

/** The loader's message in `data`, or null when `data` is anything else. */
export function readHostMessage(data: unknown): HostToFrame | null {
  const m = opened(data);
  if (!m) return null;
  if (m['type'] === HostMessage.Visibility && typeof m['open'] === 'boolean') return { type: HostMessage.Visibility, open: m['open'] };
  if (m['type'] === HostMessage.Page && typeof m['url'] === 'string' && typeof m['title'] === 'string') return { type: HostMessage.Page, url: m['url'], title: m['title'] };
  return null;
}

/** The iframe's message in `data`, or null when `data` is anything else. */
export function readFrameMessage(data: unknown): FrameToHost | null {
  const m = opened(data);
  if (!m) return null;
  switch (m['type']) {
    case FrameMessage.Ready:
    case FrameMessage.Hide:
    case FrameMessage.Ended:
      return { type: m['type'] };
    case FrameMessage.AgentMessage: {
      const author = m['author'];
      const preview = m['preview'];
      return typeof author === 'string' && typeof preview === 'string'
        ? { type: m['type'], author: author.slice(0, 100), preview: preview.slice(0, PREVIEW_MAX) }
        : null;
    }
    case FrameMessage.Conversation:
      return typeof m['active'] === 'boolean' ? { type: m['type'], active: m['active'] } : null;
    case FrameMessage.Unread:
      return Number.isInteger(m['count']) && (m['count'] as number) >= 0 ? { type: m['type'], count: m['count'] as number } : null;
    default:
      return null;
  }
}

/**
 * Fragment parameter through which the loader hands the iframe the host page's identity token
 * (`ParleySettings.identity`). A fragment is never sent to a server nor in a Referer; the widget
 * reads it and removes it from its address at once.
 */
export const IDENTITY_PARAM = 'identity';

/**
 * Fragment parameters of the links in Parley's mails (a resume link, an address confirmation): on
 * the customer's page, where the loader takes them out of the address and hands them to the iframe
 * in its own fragment, under the same name; the widget redeems them.
 */
export const RESUME_PARAM = 'parley-resume';
export const CONFIRM_PARAM = 'parley-confirm';

/**
 * The iframe's address for a host page: Parley's widget path, told the host's origin, the visitor's
 * language (and its signed user, and a mail's link `name=token`, if any).
 */
export function widgetUrl(parleyOrigin: string, hostOrigin: string, identity?: string, locale = 'en', link?: string | null): string {
  // The locale is a known language code (the loader chose it), nothing to escape.
  const fragment = [identity && `${IDENTITY_PARAM}=${encodeURIComponent(identity)}`, link].filter(Boolean).join('&');
  return `${parleyOrigin}${WIDGET_PATH}?${HOST_PARAM}=${encodeURIComponent(hostOrigin)}&${LOCALE_PARAM}=${locale}${fragment && `#${fragment}`}`;
}

/** `value` when it is exactly an http(s) origin (scheme, host, optional port), otherwise null. */
export function asOrigin(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value ? value : null;
  } catch {
    return null;
  }
}
