import type { VisitorContext } from '@parley/contracts';

/** "On the site now", "Left just now", "Left 5 min ago", "Left 2 h ago", "Left 3 d ago". */
export function presenceText(c: Pick<VisitorContext, 'online' | 'lastSeenAt'>, now: number): string {
  if (c.online) return 'On the site now';
  const minutes = Math.floor(Math.max(0, now - Date.parse(c.lastSeenAt)) / 60_000);
  if (minutes < 1) return 'Left just now';
  if (minutes < 60) return `Left ${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `Left ${hours} h ago` : `Left ${Math.floor(hours / 24)} d ago`;
}

/** "Chrome 131", "macOS 10.15": a name and the leading part of its version. */
export function nameAndVersion(part: { name: string; version: string | null } | null): string {
  if (!part) return 'Unknown';
  if (!part.version) return part.name;
  return `${part.name} ${/^\d/.test(part.version) ? part.version.split('.')[0] : part.version}`;
}

/** A time formatter in the visitor's zone, or null when the zone is unknown (or this browser does not know it). */
export function zoneClock(timeZone: string | null): Intl.DateTimeFormat | null {
  if (!timeZone) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, hour: 'numeric', minute: '2-digit', second: '2-digit' });
  } catch {
    return null;
  }
}
