import { createHash, randomBytes } from 'node:crypto';

/** Every API token Keyward generates starts with it, so that secret scanners recognise a leaked one. */
export const TOKEN_PREFIX = 'kw_';

/** 256 random bits. */
export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are stored and looked up by this hash only; high-entropy tokens need no slow hash. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
