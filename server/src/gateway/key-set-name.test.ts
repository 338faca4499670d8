import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeySetName, isKeySetName } from './key-set-name.js';

const KEY_SET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

describe('isKeySetName', () => {
  it.each(['default', 'a', '0', 'payments-eu_1', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(isKeySetName(name)).toBe(true);
  });

  it.each(['', 'A', '-a', '_a', 'a.b', 'a/b', 'a b', 'é', 'a'.repeat(65)])('rejects %j', (name) => {
    expect(isKeySetName(name)).toBe(false);
  });

  it('agrees with the documented regex on arbitrary strings', () => {
    const nameLike = fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '_', '-', 'A', '.', '/', 'é'), maxLength: 70 });
    fc.assert(
      fc.property(fc.oneof(nameLike, fc.string({ maxLength: 70 })), (name) => {
        expect(isKeySetName(name)).toBe(KEY_SET_NAME.test(name));
      }),
    );
  });
});

describe('decodeKeySetName', () => {
  it('percent-decodes before validating', () => {
    expect(decodeKeySetName('pay%6Dents')).toBe('payments');
    expect(decodeKeySetName('pay%2Fments')).toBeUndefined();
    expect(decodeKeySetName('%')).toBeUndefined();
    expect(decodeKeySetName('%zz')).toBeUndefined();
  });
});
