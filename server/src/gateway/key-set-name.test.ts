import { describe, expect, it } from 'vitest';
import { decodeKeySetName } from './key-set-name.js';

describe('decodeKeySetName', () => {
  it('percent-decodes before validating', () => {
    expect(decodeKeySetName('payments')).toBe('payments');
    expect(decodeKeySetName('pay%6Dents')).toBe('payments');
    expect(decodeKeySetName('pay%2Fments')).toBeUndefined();
    expect(decodeKeySetName('Payments')).toBeUndefined();
    expect(decodeKeySetName('%')).toBeUndefined();
    expect(decodeKeySetName('%zz')).toBeUndefined();
  });
});
