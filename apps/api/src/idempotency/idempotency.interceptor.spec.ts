import { ErrorCode } from '@parley/contracts';
import { canonicalJson, parseIdempotencyKey } from './idempotency.interceptor';

describe('parseIdempotencyKey', () => {
  it('takes a bare key and a structured-field string alike', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it.each([
    ['empty', ''],
    ['empty quoted', '""'],
    ['256 characters', 'x'.repeat(256)],
    ['a control character', 'a\tb'],
    ['non-ASCII', 'clé'],
  ])('refuses %s with VALIDATION_FAILED', (_name, raw) => {
    expect(() => parseIdempotencyKey(raw)).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });
});

describe('canonicalJson', () => {
  it('is the same for the same JSON in another key order, and differs for other values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson(undefined)).toBe('null');
  });
});
