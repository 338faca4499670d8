import type { PublicJwk } from '../crypto/jwk.js';
import type { KeyState } from '../lifecycle/states.js';
import { isPublished } from '../lifecycle/states.js';
import type { KeyRecord } from '../model/key.js';
import { publishJson, type PublishedDocument } from './document.js';
import { withoutUndefined } from '../objects.js';

/** A JWK as published: identification first, then the public key members, nothing else. */
export interface PublishedJwk extends PublicJwk {
  readonly kid: string;
  readonly use: string;
  readonly alg: string;
}

// The signer first: clients that pick the first matching key find it without scanning.
const ORDER: Partial<Record<KeyState, number>> = { ACTIVE: 0, PENDING: 1, RETIRED: 2 };

export function publishedKeys(keys: readonly KeyRecord[]): KeyRecord[] {
  return keys
    .filter((key) => isPublished(key.state))
    .sort(
      (a, b) =>
        (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) ||
        b.createdAt.getTime() - a.createdAt.getTime() ||
        (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0),
    );
}

export function publishedJwk(key: KeyRecord): PublishedJwk {
  const { kty, crv, n, e, x, y } = key.publicJwk;
  // Explicit member list: whatever else a stored JWK might carry is never published.
  return withoutUndefined({ kty, kid: key.kid, use: key.use, alg: key.alg, n, e, crv, x, y });
}

export function buildJwks(keys: readonly KeyRecord[]): PublishedDocument {
  return publishJson({ keys: publishedKeys(keys).map(publishedJwk) });
}
