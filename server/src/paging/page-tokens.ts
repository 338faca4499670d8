// Page tokens (AIP-158): opaque to callers, tamper-evident, and good only for the request they
// were issued for. A token holds where the previous page ended (a position in the list's order,
// never an offset, so rows added or removed between pages are neither repeated nor skipped) and an
// HMAC-SHA256 over that position together with the RPC and the filters it was issued for.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument, type KeywardError } from '../errors.js';

/** What a token is good for: the RPC's name, then the request's other fields (its filters). */
export type PageScope = readonly string[];

/** Where the previous page ended, in the list's own terms (a name; a time and an id). */
export type PagePosition = readonly string[];

/** Bumped when the layout changes: tokens of another version are refused, not misread. */
const VERSION = 1;
const MAC_BYTES = 32;
/** Far longer than any token issued here: longer ones are refused without decoding. */
const MAX_TOKEN_CHARS = 2_048;

/** base64url(version ‖ JSON(position) ‖ HMAC(secret, JSON(scope) ‖ 0 ‖ version ‖ JSON(position))). */
export function sealPageToken(secret: Buffer, scope: PageScope, position: PagePosition): string {
  const payload = Buffer.concat([Buffer.of(VERSION), Buffer.from(JSON.stringify(position), 'utf8')]);
  return Buffer.concat([payload, mac(secret, scope, payload)]).toString('base64url');
}

/** The position sealed in `token`; INVALID_ARGUMENT naming page_token unless issued for `scope`. */
export function openPageToken(secret: Buffer, scope: PageScope, token: string): PagePosition {
  const bytes = token.length <= MAX_TOKEN_CHARS ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  // Only the spelling sealPageToken writes: Buffer.from skips foreign characters and spare bits.
  if (bytes.length > 1 + MAC_BYTES && bytes[0] === VERSION && bytes.toString('base64url') === token) {
    const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
    if (timingSafeEqual(bytes.subarray(payload.length), mac(secret, scope, payload))) {
      // Authentic, so sealPageToken wrote it; the check only keeps the type honest.
      const position: unknown = JSON.parse(payload.subarray(1).toString('utf8'));
      if (Array.isArray(position) && position.every((part) => typeof part === 'string')) return position;
    }
  }
  throw invalidPageToken();
}

export function invalidPageToken(): KeywardError {
  return invalidArgument(
    'page_token',
    'is not a next_page_token issued for this RPC with these filters; list again from an empty page_token',
  );
}

// JSON of a string array never holds a raw 0 byte: the scope ends where the 0 is.
function mac(secret: Buffer, scope: PageScope, payload: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update(JSON.stringify(scope), 'utf8')
    .update(Buffer.of(0))
    .update(payload)
    .digest();
}
