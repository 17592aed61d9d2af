import { textParts } from './links';

describe('textParts', () => {
  const join = (text: string) => textParts(text).map((p) => p.text).join('');
  const links = (text: string) => textParts(text).filter((p) => p.href).map((p) => p.href);

  it.each([
    'Track it at https://example.com/track?id=42&x=1. Thanks',
    '(see http://example.org/a_(b)) and https://x.org/p),',
    'javascript:alert(1) data:text/html,<b>hi</b> <a href="https://evil.example">x</a>',
    '',
    'no links at all',
  ])('gives back the text exactly: %s', (text) => {
    expect(join(text)).toBe(text);
  });

  it('links http(s) addresses, less the punctuation after them', () => {
    expect(links('Track it at https://example.com/track?id=42&x=1. Thanks')).toEqual(['https://example.com/track?id=42&x=1']);
    expect(links('(see http://example.org/a_(b)) and https://x.org/p),')).toEqual(['http://example.org/a_(b)', 'https://x.org/p']);
    expect(links('HTTPS://EXAMPLE.COM/X!')).toEqual(['HTTPS://EXAMPLE.COM/X']);
  });

  it('leaves every other scheme, and markup, as text', () => {
    expect(links('javascript:alert(1) data:text/html,hi vbscript:x file:///etc/passwd www.example.com')).toEqual([]);
    // The address stops at a quote or an angle bracket: markup around it is text.
    expect(textParts('<a href="https://evil.example">x</a>')).toEqual([
      { text: '<a href="' },
      { text: 'https://evil.example', href: 'https://evil.example' },
      { text: '">x</a>' },
    ]);
    expect(links('https://')).toEqual([]);
  });
});
