import { nameAndVersion, presenceText, zoneClock } from './visitor-context';

describe('visitor context texts', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('says whether the visitor is on the site, or how long ago it left', () => {
    expect(presenceText({ online: true, lastSeenAt: '2026-12-01T08:00:00Z' }, now)).toBe('On the site now');
    expect(presenceText({ online: false, lastSeenAt: '2026-12-01T11:59:30Z' }, now)).toBe('Left just now');
    expect(presenceText({ online: false, lastSeenAt: '2026-12-01T11:55:00Z' }, now)).toBe('Left 5 min ago');
    expect(presenceText({ online: false, lastSeenAt: '2026-12-01T09:10:00Z' }, now)).toBe('Left 2 h ago');
    expect(presenceText({ online: false, lastSeenAt: '2026-11-28T12:00:00Z' }, now)).toBe('Left 3 d ago');
  });

  it('names a browser or OS with its major version', () => {
    expect(nameAndVersion({ name: 'Chrome', version: '131.0.0.0' })).toBe('Chrome 131');
    expect(nameAndVersion({ name: 'Windows', version: '10' })).toBe('Windows 10');
    expect(nameAndVersion({ name: 'macOS', version: 'Catalina' })).toBe('macOS Catalina');
    expect(nameAndVersion({ name: 'Linux', version: null })).toBe('Linux');
    expect(nameAndVersion(null)).toBe('Unknown');
  });

  it("formats the time in the visitor's zone, and nothing for an unknown zone", () => {
    const clock = zoneClock('Asia/Tokyo');
    expect(clock?.resolvedOptions().timeZone).toBe('Asia/Tokyo');
    expect(zoneClock('Mars/Olympus')).toBeNull();
    expect(zoneClock(null)).toBeNull();
  });
});
