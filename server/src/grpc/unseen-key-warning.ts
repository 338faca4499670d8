import { cacheHorizonSeconds, type PolicyContext } from '../lifecycle/policy.js';
import type { KeyRecord } from '../model/key.js';

/**
 * What a caller must know when a key starts signing before every client can have it: one that
 * was published for less time than a client may cache the JWKS. Empty when there is nothing to say.
 */
export function unseenKeyWarning(key: KeyRecord, context: PolicyContext): string {
  if (key.activatedAt === null) return '';
  const horizon = cacheHorizonSeconds(context);
  const publishedFor = Math.floor((key.activatedAt.getTime() - key.createdAt.getTime()) / 1000);
  if (publishedFor >= horizon) return '';
  return (
    `key ${key.kid} signs after being published for ${publishedFor}s, less than the ${horizon}s a client may cache ` +
    'the JWKS: clients holding a cached JWKS will not find its kid until they refresh, and tokens it signs may fail ' +
    'verification there until then'
  );
}
