import { must } from './testing/fakes';
import { cookieStorage, widgetStorage } from './cookie-storage';

/** A cookie jar as a browser keeps one for a page: attributes are recorded, Max-Age=0 deletes. */
class Jar {
  readonly jar = new Map<string, string>();
  readonly written: string[] = [];
  constructor(private readonly keeps = true) {}
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  set cookie(line: string) {
    this.written.push(line);
    if (!this.keeps) return;
    const [pair] = line.split('; ');
    const eq = pair.indexOf('=');
    if (/Max-Age=0(;|$)/.test(line)) this.jar.delete(pair.slice(0, eq));
    else this.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

describe('cookie storage', () => {
  it('keeps values in partitioned, secure cookies under /widget/ only', () => {
    const jar = new Jar();
    const s = must(cookieStorage(jar));
    s.setItem('parley.session', JSON.stringify({ token: 'a;b=c', visitor: { name: 'Zoë' } }));
    expect(JSON.parse(must(s.getItem('parley.session')))).toEqual({ token: 'a;b=c', visitor: { name: 'Zoë' } });
    expect(jar.written.at(-1)).toMatch(/^parley\.session=[^;]+; Path=\/widget\/; Max-Age=2592000; SameSite=None; Secure; Partitioned$/);
    s.removeItem('parley.session');
    expect(s.getItem('parley.session')).toBeNull();
    expect(jar.jar.has('parley.probe')).toBe(false);
  });

  it('refuses what a cookie cannot hold and keys that are not its own', () => {
    const s = must(cookieStorage(new Jar()));
    expect(() => s.setItem('parley.outbox', 'x'.repeat(4000))).toThrow(RangeError);
    expect(() => s.setItem('session', 'x')).toThrow(RangeError);
    expect(s.getItem('session')).toBeNull();
  });

  it('is not offered when the browser keeps no such cookie', () => {
    expect(cookieStorage(new Jar(false))).toBeNull();
  });

  it('prefers localStorage, then cookies, then memory', () => {
    const local = { getItem: jest.fn(), setItem: jest.fn(), removeItem: jest.fn() };
    expect(widgetStorage({ localStorage: local as unknown as Storage, document: new Jar() as unknown as Document })).toBe(local);
    const refusing = (document: Jar) =>
      Object.defineProperties({}, {
        localStorage: {
          get() {
            throw new DOMException('Access is denied for this document.', 'SecurityError');
          },
        },
        document: { value: document },
      }) as Window;
    const jar = new Jar();
    const viaCookies = widgetStorage(refusing(jar));
    viaCookies.setItem('parley.thread', 't-1');
    expect(jar.jar.get('parley.thread')).toBe('t-1');
    const inMemory = widgetStorage(refusing(new Jar(false)));
    inMemory.setItem('parley.thread', 't-2');
    expect(inMemory.getItem('parley.thread')).toBe('t-2');
  });
});
