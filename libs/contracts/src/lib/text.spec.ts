import { LIMITS } from './limits';
import { MessageBodySchema, NameSchema } from './requests';
import { canonicalOrigin, hasVisibleText, OriginSchema, userText } from './text';

describe('text rules', () => {
  it('refuses NUL and other control characters in one-line text, with the reason', () => {
    for (const bad of ['a\u0000b', 'a\u0007b', 'a\tb', 'a\nb', 'a\u007fb', 'a\u0085b', 'a\u009bb']) {
      const r = NameSchema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message)).toContain('control characters are not allowed');
    }
  });

  it('keeps tab and line feed in a message body, turns CR LF into LF, and refuses the rest', () => {
    expect(MessageBodySchema.parse('line one\r\nline\ttwo\rthree')).toBe('line one\nline\ttwo\nthree');
    expect(MessageBodySchema.safeParse('a\u0000b').success).toBe(false);
    expect(MessageBodySchema.safeParse('a\u001bb').success).toBe(false);
  });

  it('refuses lone surrogates and keeps real astral characters', () => {
    expect(NameSchema.safeParse('a\ud800b').success).toBe(false);
    expect(NameSchema.safeParse('a\udc00').success).toBe(false);
    expect(NameSchema.parse('Zoë 😀')).toBe('Zoë 😀');
  });

  it('normalises to NFC', () => {
    const decomposed = 'Zoe\u0308'; // e + combining diaeresis
    expect(NameSchema.parse(decomposed)).toBe('Zo\u00eb');
  });

  it('refuses text that shows nothing: zero-width, bidi controls, fillers, only spaces', () => {
    for (const blank of ['\u200b', ' \u200b\u200c\u200d ', '\u202e\u2066\u2069', '\ufeff', '\u3164', '\u2800', '\u00a0', '\u00ad']) {
      expect(hasVisibleText(blank)).toBe(false);
      expect(MessageBodySchema.safeParse(blank).success).toBe(false);
    }
    // Bidi text itself is fine: it is shown isolated by the clients.
    expect(MessageBodySchema.parse('\u202bمرحبا\u202c')).toBe('\u202bمرحبا\u202c');
  });

  it('bounds length after trimming and normalising', () => {
    const schema = userText({ max: 5 });
    expect(schema.parse('  abcde  ')).toBe('abcde');
    expect(schema.safeParse('abcdef').success).toBe(false);
    expect(MessageBodySchema.safeParse('x'.repeat(LIMITS.messageBodyMax + 1)).success).toBe(false);
  });

  it('answers a wrong type with an issue, never an exception', () => {
    for (const v of [undefined, null, 7, {}, ['a']]) expect(NameSchema.safeParse(v).success).toBe(false);
  });
});

describe('origins', () => {
  it('keeps exactly one origin in its canonical form', () => {
    expect(canonicalOrigin('https://Shop.Example.com/')).toBe('https://shop.example.com');
    expect(canonicalOrigin('https://shop.example.com:8443')).toBe('https://shop.example.com:8443');
    expect(canonicalOrigin('https://xn--bcher-kva.example')).toBe('https://xn--bcher-kva.example');
    expect(canonicalOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(canonicalOrigin('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
  });

  it('refuses separators, wildcards, paths, queries, credentials and plain http elsewhere', () => {
    for (const bad of [
      'https://a.com;sandbox',
      'https://a.com sandbox',
      'https://*.example.com',
      'https://a.com/path',
      'https://a.com?x',
      'https://a.com#x',
      'https://user:pw@a.com',
      'http://shop.example.com',
      'ftp://a.com',
      'javascript:alert(1)',
      'a.com',
      '',
    ]) {
      expect([bad, canonicalOrigin(bad)]).toEqual([bad, null]);
    }
    expect(canonicalOrigin('http://intranet.example', { allowHttp: true })).toBe('http://intranet.example');
  });

  it('OriginSchema stores the canonical form and explains a refusal', () => {
    expect(OriginSchema.parse('https://Shop.Example.com/')).toBe('https://shop.example.com');
    const r = OriginSchema.safeParse('https://a.com;sandbox');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toMatch(/no path, wildcard or separator/);
  });
});
