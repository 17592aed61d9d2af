import { redactUrl } from './redact';

describe('redactUrl', () => {
  it('hides credential parameters and keeps the rest', () => {
    expect(redactUrl('/ws/support/abc/?token=eyJ.x.y')).toBe('/ws/support/abc/?token=[Redacted]');
    expect(redactUrl('/x?a=1&TOKEN=s3cret&b=2')).toBe('/x?a=1&TOKEN=[Redacted]&b=2');
    expect(redactUrl('/x?api_key=k#frag')).toBe('/x?api_key=[Redacted]#frag');
    expect(redactUrl('/x?tokens=1&mytoken=2')).toBe('/x?tokens=1&mytoken=2');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
