import { asOrigin } from '@parley/widget-protocol';

/** What a customer may set on `window.ParleySettings` (or as data attributes of the script tag). */
export interface ParleySettings {
  /** Parley's address, when widget.js is served from elsewhere (a CDN). Default: where widget.js came from. */
  url?: string;
  /** Play a short sound when an agent writes while the popup is closed. Default: false. */
  sound?: boolean;
  /** Corner of the button. Default: right. */
  position?: 'left' | 'right';
  /** The signed-in user, as an identity token (a JWT) the site's backend signed: the chat then knows who this is. */
  identity?: string;
  /** The page's language (a BCP 47 tag such as `de` or `ar-EG`): the widget speaks it when it can. Default: the browser's language, else the site's. */
  locale?: string;
}

export interface LoaderConfig {
  /** Parley's origin: where the settings and the iframe come from, the only origin messages are accepted from. */
  parley: string;
  sound: boolean;
  position: 'left' | 'right';
  identity?: string;
  locale?: string;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value === '' || value === 'true' || value === 'on';
}

/**
 * Reads the options from `window.ParleySettings` first, then the script tag's data attributes
 * (`data-parley-url`, `data-sound`, `data-position`). Null when Parley's origin cannot be told.
 */
export function readConfig(script: HTMLScriptElement | null, settings: ParleySettings | undefined, base: string): LoaderConfig | null {
  const data = script?.dataset ?? {};
  const url = settings?.url ?? data['parleyUrl'] ?? script?.src;
  let parley: string | null = null;
  try {
    parley = url ? asOrigin(new URL(url, base).origin) : null;
  } catch {
    parley = null;
  }
  if (!parley) return null;
  const position = settings?.position ?? data['position'];
  return {
    parley,
    sound: settings?.sound ?? flag(data['sound']) ?? false,
    position: position === 'left' ? 'left' : 'right',
    identity: typeof settings?.identity === 'string' ? settings.identity : undefined,
    locale: settings?.locale,
  };
}
