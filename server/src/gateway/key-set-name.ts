// Key-set names as they appear in /key-sets/{name}/...: ^[a-z0-9][a-z0-9_-]{0,63}$.

const MAX_LENGTH = 64;

/** Checked by char code rather than a regex: this runs on every named-key-set request. */
export function isKeySetName(name: string): boolean {
  const length = name.length;
  if (length === 0 || length > MAX_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    const lowerOrDigit = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
    if (lowerOrDigit) continue;
    // '_' and '-' are allowed anywhere but first.
    if (i > 0 && (c === 0x5f || c === 0x2d)) continue;
    return false;
  }
  return true;
}

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
