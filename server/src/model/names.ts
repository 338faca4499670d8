import { invalidArgument } from '../errors.js';

const KEY_SET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Key-set names appear in URLs and logs, so they are kept to a small, unambiguous alphabet. */
export function isKeySetName(name: string): boolean {
  return KEY_SET_NAME.test(name);
}

export function validateKeySetName(name: string, field = 'name'): string {
  if (!isKeySetName(name)) {
    throw invalidArgument(
      field,
      'must be 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit',
    );
  }
  return name;
}
