// Key-set names as they appear in /key-sets/{name}/...; the naming rule itself is the service's.

import { isKeySetName } from '../model/names.js';

/** The key-set name in a raw path segment (percent-decoded), or undefined when it is not a valid name. */
export function decodeKeySetName(segment: string): string | undefined {
  let name = segment;
  if (segment.includes('%')) {
    try {
      name = decodeURIComponent(segment);
    } catch {
      return undefined; // malformed percent-encoding
    }
  }
  return isKeySetName(name) ? name : undefined;
}
