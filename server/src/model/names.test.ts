import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { isKeySetName, validateKeySetName } from './names.js';

describe('key-set names', () => {
  it.each(['default', 'a', '0', 'payments-eu_1', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(isKeySetName(name)).toBe(true);
    expect(validateKeySetName(name)).toBe(name);
  });

  it.each(['', 'A', '-a', '_a', 'a.b', 'a/b', 'a b', 'é', 'a\n', 'a'.repeat(65)])(
    'rejects %j, naming the field',
    (name) => {
      expect(isKeySetName(name)).toBe(false);
      expect(() => validateKeySetName(name, 'key_set')).toThrow(
        new KeywardError(
          'INVALID_ARGUMENT',
          'key_set: must be 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit',
        ),
      );
    },
  );
});
