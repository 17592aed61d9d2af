import { readConfig } from './config';

function script(src: string, data: Record<string, string> = {}): HTMLScriptElement {
  const s = document.createElement('script');
  s.src = src;
  for (const [k, v] of Object.entries(data)) s.setAttribute(`data-${k}`, v);
  return s;
}

describe('readConfig', () => {
  const page = 'https://shop.example.com/products/1';

  it("takes Parley's origin from where widget.js came from", () => {
    expect(readConfig(script('https://chat.example.net/widget.js'), undefined, page)).toEqual({ parley: 'https://chat.example.net', sound: false, position: 'right' });
    // script.src is absolute already (the browser resolves it against the page).
    expect(readConfig(script('/widget.js'), undefined, page)?.parley).toBe(window.location.origin);
  });

  it('reads data attributes, and window.ParleySettings over them', () => {
    const tag = script('https://cdn.example.org/parley/widget.js', { 'parley-url': 'https://chat.example.net:8443', sound: '', position: 'left' });
    expect(readConfig(tag, undefined, page)).toEqual({ parley: 'https://chat.example.net:8443', sound: true, position: 'left' });
    expect(readConfig(tag, { url: 'http://127.0.0.1:3000/', sound: false, position: 'right' }, page)).toEqual({
      parley: 'http://127.0.0.1:3000',
      sound: false,
      position: 'right',
    });
    expect(readConfig(script('https://chat.example.net/widget.js', { sound: 'no', position: 'top' }), undefined, page)).toMatchObject({ sound: false, position: 'right' });
  });

  it('takes the signed-in user from ParleySettings.identity, a string only', () => {
    const tag = script('https://chat.example.net/widget.js');
    expect(readConfig(tag, { identity: 'h.p.s' }, page)?.identity).toBe('h.p.s');
    expect(readConfig(tag, { identity: { sub: 'x' } } as never, page)?.identity).toBeUndefined();
  });

  it('gives up when there is no usable http(s) origin', () => {
    expect(readConfig(null, undefined, page)).toBeNull();
    expect(readConfig(null, { url: 'javascript:alert(1)' }, page)).toBeNull();
    expect(readConfig(null, { url: 'data:text/html,hi' }, page)).toBeNull();
  });
});
