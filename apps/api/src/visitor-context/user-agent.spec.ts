import { describeUserAgent } from './user-agent';

describe('describeUserAgent', () => {
  it('reads browser, OS and device of a desktop Chrome', () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(describeUserAgent(ua)).toEqual({ browser: { name: 'Chrome', version: '131.0.0.0' }, os: { name: 'Windows', version: '10' }, device: 'desktop' });
  });

  it('reads a phone', () => {
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const d = describeUserAgent(ua);
    expect(d.browser?.name).toBe('Safari');
    expect(d.os?.name).toBe('iOS');
    expect(d.device).toBe('mobile');
  });

  it('says nothing of a missing or unknown user agent', () => {
    expect(describeUserAgent(null)).toEqual({ browser: null, os: null, device: null });
    expect(describeUserAgent('curl-ish')).toMatchObject({ browser: null, os: null });
  });
});
