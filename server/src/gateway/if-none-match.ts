// Conditional GET: does an If-None-Match field match our ETag? RFC 9110 §13.1.2 uses the weak
// comparison: W/ prefixes are ignored on both sides, and "*" matches any current representation.

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const STAR = 0x2a;
const COMMA = 0x2c;
const SLASH = 0x2f;
const UPPER_W = 0x57;

/**
 * True when any If-None-Match field in the request matches `etag`. Reads rawHeaders directly:
 * touching req.headers would build a whole header object for every request.
 */
export function requestMatchesEtag(rawHeaders: readonly string[], etag: string): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // Length first: toLowerCase allocates, so only call it on a plausible name.
    if (name === undefined || name.length !== 13 || name.toLowerCase() !== 'if-none-match') continue;
    const value = rawHeaders[i + 1];
    if (value !== undefined && ifNoneMatchMatches(value, etag)) return true;
  }
  return false;
}

/** `field` is one If-None-Match value: "*" or a comma-separated list of entity-tags. */
export function ifNoneMatchMatches(field: string, etag: string): boolean {
  if (field === etag) return true; // the usual case: the client echoes our ETag verbatim
  const opaqueTag = etag.startsWith('W/') ? etag.slice(2) : etag;
  const length = field.length;
  let i = 0;
  while (i < length) {
    const c = field.charCodeAt(i);
    if (c === SPACE || c === TAB || c === COMMA) {
      i++;
      continue;
    }
    if (c === STAR && endsElement(field, i + 1)) return true;
    const tagStart = c === UPPER_W && field.charCodeAt(i + 1) === SLASH ? i + 2 : i;
    if (field.charCodeAt(tagStart) === QUOTE) {
      // An opaque-tag may contain commas, so find its closing quote rather than splitting on ','.
      const tagEnd = field.indexOf('"', tagStart + 1) + 1;
      if (tagEnd === 0) return false;
      if (tagEnd - tagStart === opaqueTag.length && field.startsWith(opaqueTag, tagStart)) return true;
      i = tagEnd;
    } else {
      // Not an entity-tag: skip this list element and keep looking.
      const nextComma = field.indexOf(',', i);
      if (nextComma === -1) return false;
      i = nextComma + 1;
    }
  }
  return false;
}

function endsElement(field: string, index: number): boolean {
  if (index >= field.length) return true;
  const c = field.charCodeAt(index);
  return c === SPACE || c === TAB || c === COMMA;
}
