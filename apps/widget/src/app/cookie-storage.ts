import { WIDGET_PATH } from '@parley/widget-protocol';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** As long as a visitor token lives (VISITOR_TOKEN_TTL_SECONDS' default). */
const MAX_AGE_SECONDS = 30 * 24 * 3600;
/** Browsers keep about 4 KB per cookie, name and attributes included. */
const MAX_VALUE_LENGTH = 3800;
const PREFIX = 'parley.';

/**
 * Storage over partitioned cookies (CHIPS), for browsers that refuse a third-party iframe its
 * localStorage (third-party cookies blocked, as in Chrome's incognito windows): a `Partitioned`
 * cookie is still allowed, kept per customer site like partitioned storage. The cookies are
 * written by script on Parley's origin under /widget/ only, so the host page cannot read them and
 * API requests do not carry them (the API reads bearer tokens, never cookies). Null when the
 * browser keeps none (no CHIPS, or a plain-http Parley that cannot set Secure cookies).
 */
export function cookieStorage(doc: Pick<Document, 'cookie'>): StorageLike | null {
  const attributes = (maxAge: number) => `; Path=${WIDGET_PATH}; Max-Age=${maxAge}; SameSite=None; Secure; Partitioned`;
  const read = (key: string): string | null => {
    for (const part of doc.cookie.split('; ')) {
      const eq = part.indexOf('=');
      if (part.slice(0, eq) === key) return decodeURIComponent(part.slice(eq + 1));
    }
    return null;
  };
  const storage: StorageLike = {
    getItem: (key) => (key.startsWith(PREFIX) ? read(key) : null),
    setItem: (key, value) => {
      const encoded = encodeURIComponent(value);
      if (!key.startsWith(PREFIX) || encoded.length > MAX_VALUE_LENGTH) throw new RangeError(`cannot keep ${key} in a cookie`);
      doc.cookie = `${key}=${encoded}${attributes(MAX_AGE_SECONDS)}`;
    },
    removeItem: (key) => {
      doc.cookie = `${key}=${attributes(0)}`;
    },
  };
  try {
    storage.setItem(`${PREFIX}probe`, '1');
    const kept = storage.getItem(`${PREFIX}probe`) === '1';
    storage.removeItem(`${PREFIX}probe`);
    return kept ? storage : null;
  } catch {
    return null;
  }
}

export function memoryStorage(): StorageLike {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

/** The best storage this browser lets the iframe keep: localStorage, else partitioned cookies, else memory. */
export function widgetStorage(win: Pick<Window, 'localStorage' | 'document'>): StorageLike {
  try {
    const s = win.localStorage;
    s.setItem(`${PREFIX}probe`, '1');
    s.removeItem(`${PREFIX}probe`);
    return s;
  } catch {
    // Refused (a third-party frame with third-party cookies blocked): fall through.
  }
  return cookieStorage(win.document) ?? memoryStorage();
}
