import { expect } from 'vitest';
import { KeywardError } from '../errors.js';

/** The KeywardError `f` throws, for assertions on its code and message; fails the test otherwise. */
export function thrownBy(f: () => unknown): KeywardError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    return error as KeywardError;
  }
  throw new Error('expected a KeywardError to be thrown');
}
