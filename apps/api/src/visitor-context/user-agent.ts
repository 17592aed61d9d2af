import type { VisitorContext } from '@parley/contracts';
import Bowser from 'bowser';

/** Browser, OS and device of a user agent as bowser reads them; null parts when it cannot tell. */
export function describeUserAgent(ua: string | null): Pick<VisitorContext, 'browser' | 'os' | 'device'> {
  if (!ua) return { browser: null, os: null, device: null };
  const r = Bowser.parse(ua);
  return {
    browser: r.browser.name ? { name: r.browser.name, version: r.browser.version ?? null } : null,
    os: r.os.name ? { name: r.os.name, version: r.os.versionName ?? r.os.version ?? null } : null,
    device: r.platform.type ?? null,
  };
}
